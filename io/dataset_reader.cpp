// Reading the partitioned dataset (io/dataset.hpp; writing is in io/dataset.cpp). Nothing read
// is trusted: root attributes are checked first, every array's shape is checked against them
// before the array is read (so a damaged count allocates nothing), and what was read is then
// validated as a whole (io/part_validation.hpp) before it is returned.
#include <hdf5.h>

#include <filesystem>

#include "core/error.hpp"
#include "io/dataset.hpp"
#include "io/dataset_checks.hpp"
#include "io/file_digest.hpp"
#include "io/h5_file.hpp"
#include "io/part_validation.hpp"

namespace distgae {
namespace fs = std::filesystem;
namespace {

using dataset_checks::fail;

void check_file_kind(const H5File& file, const std::string& kind, const std::string& what) {
  if (file.read_string_attribute("/", "kind") != kind) {
    fail(file.path(), "not a distgae {} (attribute 'kind' is not '{}')", what, kind);
  }
  const int version = file.read_attribute<int>("/", "format_version");
  if (version != kDatasetFormatVersion) {
    fail(file.path(),
         "dataset format version {}, this distgae reads version {} (re-run distgae "
         "partition)",
         version, kDatasetFormatVersion);
  }
}

// The length of the 1-D dataset `name`, which must be `expected` (described by `why`) unless
// expected < 0. Read from the shape alone, before anything is allocated.
std::int64_t checked_length(const H5File& file, const std::string& name, std::int64_t expected,
                            const char* why) {
  const std::vector<hsize_t> dims = file.shape(name);
  if (dims.size() != 1) {
    fail(file.path(), "dataset '{}' has {} dimensions, expected 1", name, dims.size());
  }
  const auto length = static_cast<std::int64_t>(dims[0]);
  if (expected >= 0 && length != expected) {
    fail(file.path(), "dataset '{}' has {} entries, expected {} ({})", name, length, expected, why);
  }
  return length;
}

constexpr std::int64_t kAnyLength = -1;

template <class T>
std::vector<T> read_vector(const H5File& file, const std::string& name, std::int64_t expected,
                           const char* why) {
  checked_length(file, name, expected, why);
  return file.read<T>(name, 1);
}

// The 1-D dataset `name` that `offsets` index: they are checked against its length (start at 0,
// never decrease, end at its length) before it is read.
template <class T>
std::vector<T> read_indexed(const H5File& file, const std::string& name,
                            const std::vector<std::int64_t>& offsets,
                            const std::string& offsets_name) {
  const std::int64_t length = checked_length(file, name, kAnyLength, "");
  dataset_checks::check_offsets(file.path(), offsets_name, offsets, length,
                                "the entries of " + name);
  return file.read<T>(name, 1);
}

std::vector<NodePair> read_pairs(const H5File& file, const std::string& name) {
  const std::vector<hsize_t> dims = file.shape(name);
  if (dims.size() != 2 || dims[1] != 2) fail(file.path(), "dataset '{}' is not [m, 2]", name);
  const std::vector<GlobalId> flat = file.read<GlobalId>(name);
  std::vector<NodePair> pairs(flat.size() / 2);
  for (std::size_t i = 0; i < pairs.size(); ++i) pairs[i] = {flat[2 * i], flat[2 * i + 1]};
  return pairs;
}

DatasetMeta read_meta_attributes(const H5File& file) {
  DatasetMeta meta;
  meta.num_nodes = file.read_attribute<GlobalId>("/", "num_nodes");
  meta.num_edges = file.read_attribute<std::int64_t>("/", "num_edges");
  meta.num_train_edges = file.read_attribute<std::int64_t>("/", "num_train_edges");
  meta.num_val_edges = file.read_attribute<std::int64_t>("/", "num_val_edges");
  meta.num_test_edges = file.read_attribute<std::int64_t>("/", "num_test_edges");
  meta.num_parts = file.read_attribute<int>("/", "num_parts");
  meta.seed = file.read_attribute<std::uint64_t>("/", "seed");
  meta.val_frac = file.read_attribute<double>("/", "val_frac");
  meta.test_frac = file.read_attribute<double>("/", "test_frac");
  meta.split = file.read_attribute<int>("/", "split") != 0;
  meta.partitioner = file.read_string_attribute("/", "partitioner");
  meta.objective = file.read_string_attribute("/", "objective");
  meta.imbalance_tolerance = file.read_attribute<double>("/", "imbalance_tolerance");
  meta.feature_dim = file.read_attribute<std::int64_t>("/", "feature_dim");
  meta.source_graph = file.read_string_attribute("/", "source_graph");
  meta.source_features = file.read_string_attribute("/", "source_features");
  meta.graph_fingerprint = file.read_string_attribute("/", "graph_fingerprint");
  meta.input_lines = file.read_attribute<std::int64_t>("/", "input_lines");
  meta.self_loops_dropped = file.read_attribute<std::int64_t>("/", "self_loops_dropped");
  meta.duplicates_merged = file.read_attribute<std::int64_t>("/", "duplicates_merged");
  return meta;
}

void read_meta_arrays(const H5File& file, DatasetMeta& meta) {
  const std::int64_t parts = meta.num_parts;
  meta.node_id = read_vector<GlobalId>(file, "node_id", meta.num_nodes, "attribute num_nodes");
  meta.part_offsets =
      read_vector<std::int64_t>(file, "part_offsets", parts + 1, "attribute num_parts + 1");
  meta.canonical_to_ordered =
      read_vector<GlobalId>(file, "canonical_to_ordered", meta.num_nodes, "attribute num_nodes");
  PartitionStatistics& stats = meta.stats;
  const char* per_part = "attribute num_parts";
  stats.owned = read_vector<std::int64_t>(file, "stats/owned", parts, per_part);
  stats.interior = read_vector<std::int64_t>(file, "stats/interior", parts, per_part);
  stats.halo = read_vector<std::int64_t>(file, "stats/halo", parts, per_part);
  if (file.exists("stats/sent")) {
    stats.sent = read_vector<std::int64_t>(file, "stats/sent", parts, per_part);
  }
  stats.local_edges = read_vector<std::int64_t>(file, "stats/local_edges", parts, per_part);
  stats.train_edges = read_vector<std::int64_t>(file, "stats/train_edges", parts, per_part);
  stats.edge_cut = file.read_attribute<std::int64_t>("/stats", "edge_cut");
  stats.comm_volume = file.read_attribute<std::int64_t>("/stats", "comm_volume");
  stats.imbalance = file.read_attribute<double>("/stats", "imbalance");
}

PartData read_part_attributes(const H5File& file) {
  PartData part;
  part.part = file.read_attribute<int>("/", "part");
  part.num_parts = file.read_attribute<int>("/", "num_parts");
  part.n_owned = file.read_attribute<std::int64_t>("/", "n_owned");
  part.n_interior = file.read_attribute<std::int64_t>("/", "n_interior");
  part.n_halo = file.read_attribute<std::int64_t>("/", "n_halo");
  // Parts written before the attribute existed fall back to the structural checks.
  if (H5Aexists_by_name(file.id(), "/", "graph_fingerprint", H5P_DEFAULT) > 0) {
    part.graph_fingerprint = file.read_string_attribute("/", "graph_fingerprint");
  }
  return part;
}

// Offsets are read (they are [P+1], sized by meta) before the arrays they index, whose lengths
// must then match their last entry.
void read_part_arrays(const H5File& file, PartData& part) {
  const std::int64_t n_local = part.n_owned + part.n_halo;
  const char* local = "n_owned + n_halo";
  part.canonical_id = read_vector<GlobalId>(file, "nodes/canonical_id", n_local, local);
  part.node_id = read_vector<GlobalId>(file, "nodes/node_id", n_local, local);
  part.degree = read_vector<std::int64_t>(file, "nodes/degree", n_local, local);
  const std::int64_t peers = std::int64_t{part.num_parts} + 1;
  part.halo_offsets = read_vector<std::int64_t>(file, "halo/offsets", peers, "num_parts + 1");
  part.send_offsets = read_vector<std::int64_t>(file, "send/offsets", peers, "num_parts + 1");
  part.send_rows = read_indexed<LocalId>(file, "send/rows", part.send_offsets, "send/offsets");
  Csr<LocalId>& adjacency = part.adjacency;
  adjacency.row_start =
      read_vector<std::int64_t>(file, "adjacency/row_start", part.n_owned + 1, "n_owned + 1");
  adjacency.col_index = read_indexed<LocalId>(file, "adjacency/col_index", adjacency.row_start,
                                              "adjacency/row_start");
  adjacency.n_cols = file.read_attribute<std::int64_t>("/adjacency", "n_cols");
  part.train_edges = read_pairs(file, "edges/train");
  part.val_pos = read_pairs(file, "edges/val_pos");
  part.val_neg = read_pairs(file, "edges/val_neg");
  part.test_pos = read_pairs(file, "edges/test_pos");
  part.test_neg = read_pairs(file, "edges/test_neg");
}

// Features are absent exactly when meta says the dataset is featureless.
void read_part_features(const H5File& file, const DatasetMeta& meta, PartData& part) {
  FeatureMatrix& features = part.features;
  features.row_start.assign(static_cast<std::size_t>(part.n_owned) + 1, 0);
  if (meta.feature_dim == 0 && !file.exists("features")) return;
  features.row_start =
      read_vector<std::int64_t>(file, "features/row_start", part.n_owned + 1, "n_owned + 1");
  features.col_index = read_indexed<std::int32_t>(file, "features/col_index", features.row_start,
                                                  "features/row_start");
  features.values = read_vector<float>(file, "features/values", features.nnz(),
                                       "the entries of features/col_index");
  features.n_cols = file.read_attribute<std::int64_t>("/features", "n_cols");
}

}  // namespace

namespace {

// A dataset written with digests (digests.txt) has each file checked against its digest before
// HDF5 opens it: HDF5 trusts a file's metadata and may crash or loop on a damaged one. A dataset
// without digests (written before they existed, or edited on purpose and its digests.txt
// removed) relies on the checks below alone.
void verify_digest_if_recorded(const std::string& dir, const std::string& path) {
  if (const std::optional<DigestManifest> digests = read_digest_manifest(dir)) {
    verify_file_digest(*digests, dir, fs::path(path).filename().string());
  }
}

}  // namespace

DatasetMeta read_dataset_meta(const std::string& dir) {
  const std::string path = meta_path(dir);
  if (!fs::is_directory(dir)) throw InputError(at_file(dir, "no such dataset directory"));
  if (!fs::exists(path)) {
    throw InputError(at_file(dir,
                             "not a distgae dataset (no meta.h5; create one with distgae "
                             "partition)"));
  }
  verify_digest_if_recorded(dir, path);
  const H5File file(path, H5File::Mode::kRead);
  check_file_kind(file, "distgae-dataset", "dataset meta file");
  DatasetMeta meta = read_meta_attributes(file);
  check_dataset_meta_header(meta, path);
  read_meta_arrays(file, meta);
  check_dataset_meta(meta, path);
  return meta;
}

PartData read_part(const std::string& dir, int part_index, const DatasetMeta& meta) {
  const std::string path = part_path(dir, part_index);
  if (part_index < 0 || part_index >= meta.num_parts) {
    fail(path, "no part {} in a dataset of {} parts", part_index, meta.num_parts);
  }
  if (!fs::exists(path)) throw InputError(at_file(path, "missing part file"));
  verify_digest_if_recorded(dir, path);
  const H5File file(path, H5File::Mode::kRead);
  check_file_kind(file, "distgae-part", "part file");
  PartData part = read_part_attributes(file);
  check_part_header(part, part_index, path);
  check_part_header_against_meta(part, meta, path);
  read_part_arrays(file, part);
  read_part_features(file, meta, part);
  check_part_structure(part, path);
  check_part_against_meta(part, meta, path);
  return part;
}

PartData read_part(const std::string& dir, int part_index) {
  return read_part(dir, part_index, read_dataset_meta(dir));
}

}  // namespace distgae
