#include "io/dataset.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "io/h5_file.hpp"
#include "io/staged_directory.hpp"

namespace distgae {
namespace fs = std::filesystem;

static_assert(sizeof(NodePair) == 2 * sizeof(GlobalId), "NodePair is stored as int64 [m, 2]");

std::string meta_path(const std::string& dir) {
  return (fs::path(dir) / "meta.h5").string();
}

std::string part_path(const std::string& dir, int part) {
  return (fs::path(dir) / ("part-" + std::to_string(part) + ".h5")).string();
}

namespace {

void write_pairs(H5File& file, const std::string& name, const std::vector<NodePair>& pairs) {
  std::span<const GlobalId> flat(reinterpret_cast<const GlobalId*>(pairs.data()), 2 * pairs.size());
  file.write(name, flat, {pairs.size(), 2});
}

std::vector<NodePair> read_pairs(const H5File& file, const std::string& name) {
  const std::vector<hsize_t> dims = file.shape(name);
  if (dims.size() != 2 || dims[1] != 2) {
    throw InputError(at_file(file.path(), "dataset '" + name + "' must have shape [m, 2]"));
  }
  const std::vector<GlobalId> flat = file.read<GlobalId>(name);
  std::vector<NodePair> pairs(flat.size() / 2);
  for (std::size_t i = 0; i < pairs.size(); ++i) pairs[i] = {flat[2 * i], flat[2 * i + 1]};
  return pairs;
}

// Throws unless `values` has `expected` entries: a part file must agree with its own header.
template <class T>
void expect_size(const H5File& file, const std::string& name, const std::vector<T>& values,
                 std::int64_t expected) {
  if (static_cast<std::int64_t>(values.size()) != expected) {
    throw InputError(at_file(file.path(), "dataset '" + name + "' has " +
                                              std::to_string(values.size()) +
                                              " entries, expected " + std::to_string(expected)));
  }
}

void check_format_version(const H5File& file) {
  const int version = file.read_attribute<int>("/", "format_version");
  if (version != kDatasetFormatVersion) {
    throw InputError(at_file(file.path(), "dataset format version " + std::to_string(version) +
                                              ", this distgae reads version " +
                                              std::to_string(kDatasetFormatVersion) +
                                              " (re-run distgae partition)"));
  }
}

void write_meta(const std::string& path, const DatasetMeta& meta) {
  H5File file(path, H5File::Mode::kCreate);
  file.write_attribute("/", "format_version", meta.format_version);
  file.write_attribute("/", "kind", std::string("distgae-dataset"));
  file.write_attribute("/", "num_nodes", meta.num_nodes);
  file.write_attribute("/", "num_edges", meta.num_edges);
  file.write_attribute("/", "num_train_edges", meta.num_train_edges);
  file.write_attribute("/", "num_val_edges", meta.num_val_edges);
  file.write_attribute("/", "num_test_edges", meta.num_test_edges);
  file.write_attribute("/", "num_parts", meta.num_parts);
  file.write_attribute("/", "seed", meta.seed);
  file.write_attribute("/", "val_frac", meta.val_frac);
  file.write_attribute("/", "test_frac", meta.test_frac);
  file.write_attribute("/", "split", static_cast<int>(meta.split));
  file.write_attribute("/", "partitioner", meta.partitioner);
  file.write_attribute("/", "objective", meta.objective);
  file.write_attribute("/", "imbalance_tolerance", meta.imbalance_tolerance);
  file.write_attribute("/", "feature_dim", meta.feature_dim);
  file.write_attribute("/", "source_graph", meta.source_graph);
  file.write_attribute("/", "source_features", meta.source_features);
  file.write_attribute("/", "graph_fingerprint", meta.graph_fingerprint);
  file.write_attribute("/", "input_lines", meta.input_lines);
  file.write_attribute("/", "self_loops_dropped", meta.self_loops_dropped);
  file.write_attribute("/", "duplicates_merged", meta.duplicates_merged);
  file.write("node_id", meta.node_id);
  file.write("part_offsets", meta.part_offsets);
  file.write("canonical_to_ordered", meta.canonical_to_ordered);
  const PartitionStatistics& stats = meta.stats;
  file.write("stats/owned", stats.owned);
  file.write("stats/interior", stats.interior);
  file.write("stats/halo", stats.halo);
  file.write("stats/sent", stats.sent);
  file.write("stats/local_edges", stats.local_edges);
  file.write("stats/train_edges", stats.train_edges);
  file.write_attribute("/stats", "edge_cut", stats.edge_cut);
  file.write_attribute("/stats", "comm_volume", stats.comm_volume);
  file.write_attribute("/stats", "imbalance", stats.imbalance);
  file.flush();
}

void write_part(const std::string& path, const PartData& part) {
  H5File file(path, H5File::Mode::kCreate);
  file.write_attribute("/", "format_version", kDatasetFormatVersion);
  file.write_attribute("/", "kind", std::string("distgae-part"));
  file.write_attribute("/", "part", part.part);
  file.write_attribute("/", "num_parts", part.num_parts);
  file.write_attribute("/", "n_owned", part.n_owned);
  file.write_attribute("/", "n_interior", part.n_interior);
  file.write_attribute("/", "n_halo", part.n_halo);
  file.write("nodes/canonical_id", part.canonical_id);
  file.write("nodes/node_id", part.node_id);
  file.write("nodes/degree", part.degree);
  file.write("halo/offsets", part.halo_offsets);
  file.write("send/offsets", part.send_offsets);
  file.write("send/rows", part.send_rows);
  file.write("adjacency/row_start", part.adjacency.row_start);
  file.write("adjacency/col_index", part.adjacency.col_index);
  file.write_attribute("/adjacency", "n_cols", part.adjacency.n_cols);
  write_pairs(file, "edges/train", part.train_edges);
  write_pairs(file, "edges/val_pos", part.val_pos);
  write_pairs(file, "edges/val_neg", part.val_neg);
  write_pairs(file, "edges/test_pos", part.test_pos);
  write_pairs(file, "edges/test_neg", part.test_neg);
  if (part.features.n_cols > 0) {
    file.write("features/row_start", part.features.row_start);
    file.write("features/col_index", part.features.col_index);
    file.write("features/values", part.features.values);
    file.write_attribute("/features", "n_cols", part.features.n_cols);
  }
  file.flush();
}

}  // namespace

void write_dataset(const std::string& dir, const DatasetMeta& meta,
                   const std::vector<PartData>& parts, bool overwrite) {
  StagedDirectory staged(dir, overwrite);
  const std::string staging = staged.staging_path().string();
  for (const PartData& part : parts) write_part(part_path(staging, part.part), part);
  // meta.h5 last: its presence marks a complete dataset even inside the staging directory.
  write_meta(meta_path(staging), meta);
  staged.commit();
}

DatasetMeta read_dataset_meta(const std::string& dir) {
  const std::string path = meta_path(dir);
  if (!fs::is_directory(dir)) throw InputError(at_file(dir, "no such dataset directory"));
  if (!fs::exists(path)) {
    throw InputError(at_file(dir,
                             "not a distgae dataset (no meta.h5; create one with distgae "
                             "partition)"));
  }
  H5File file(path, H5File::Mode::kRead);
  if (!file.exists("/") || file.read_string_attribute("/", "kind") != "distgae-dataset") {
    throw InputError(at_file(path, "not a distgae dataset meta file"));
  }
  check_format_version(file);
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
  meta.node_id = file.read<GlobalId>("node_id", 1);
  meta.part_offsets = file.read<std::int64_t>("part_offsets", 1);
  meta.canonical_to_ordered = file.read<GlobalId>("canonical_to_ordered", 1);
  expect_size(file, "node_id", meta.node_id, meta.num_nodes);
  expect_size(file, "part_offsets", meta.part_offsets, meta.num_parts + 1);
  expect_size(file, "canonical_to_ordered", meta.canonical_to_ordered, meta.num_nodes);
  PartitionStatistics& stats = meta.stats;
  stats.owned = file.read<std::int64_t>("stats/owned", 1);
  stats.interior = file.read<std::int64_t>("stats/interior", 1);
  stats.halo = file.read<std::int64_t>("stats/halo", 1);
  if (file.exists("stats/sent")) stats.sent = file.read<std::int64_t>("stats/sent", 1);
  stats.local_edges = file.read<std::int64_t>("stats/local_edges", 1);
  stats.train_edges = file.read<std::int64_t>("stats/train_edges", 1);
  stats.edge_cut = file.read_attribute<std::int64_t>("/stats", "edge_cut");
  stats.comm_volume = file.read_attribute<std::int64_t>("/stats", "comm_volume");
  stats.imbalance = file.read_attribute<double>("/stats", "imbalance");
  return meta;
}

PartData read_part(const std::string& dir, int part_index) {
  const std::string path = part_path(dir, part_index);
  if (!fs::exists(path)) throw InputError(at_file(path, "missing part file"));
  H5File file(path, H5File::Mode::kRead);
  if (file.read_string_attribute("/", "kind") != "distgae-part") {
    throw InputError(at_file(path, "not a distgae part file"));
  }
  check_format_version(file);
  PartData part;
  part.part = file.read_attribute<int>("/", "part");
  if (part.part != part_index) {
    throw InputError(at_file(path, "holds part " + std::to_string(part.part)));
  }
  part.num_parts = file.read_attribute<int>("/", "num_parts");
  part.n_owned = file.read_attribute<std::int64_t>("/", "n_owned");
  part.n_interior = file.read_attribute<std::int64_t>("/", "n_interior");
  part.n_halo = file.read_attribute<std::int64_t>("/", "n_halo");
  const std::int64_t n_local = part.n_owned + part.n_halo;
  part.canonical_id = file.read<GlobalId>("nodes/canonical_id", 1);
  part.node_id = file.read<GlobalId>("nodes/node_id", 1);
  part.degree = file.read<std::int64_t>("nodes/degree", 1);
  expect_size(file, "nodes/canonical_id", part.canonical_id, n_local);
  expect_size(file, "nodes/node_id", part.node_id, n_local);
  expect_size(file, "nodes/degree", part.degree, n_local);
  part.halo_offsets = file.read<std::int64_t>("halo/offsets", 1);
  part.send_offsets = file.read<std::int64_t>("send/offsets", 1);
  part.send_rows = file.read<LocalId>("send/rows", 1);
  expect_size(file, "halo/offsets", part.halo_offsets, part.num_parts + 1);
  expect_size(file, "send/offsets", part.send_offsets, part.num_parts + 1);
  expect_size(file, "send/rows", part.send_rows, part.send_offsets.back());
  part.adjacency.row_start = file.read<std::int64_t>("adjacency/row_start", 1);
  part.adjacency.col_index = file.read<LocalId>("adjacency/col_index", 1);
  part.adjacency.n_cols = file.read_attribute<std::int64_t>("/adjacency", "n_cols");
  expect_size(file, "adjacency/row_start", part.adjacency.row_start, part.n_owned + 1);
  expect_size(file, "adjacency/col_index", part.adjacency.col_index,
              part.adjacency.row_start.back());
  part.train_edges = read_pairs(file, "edges/train");
  part.val_pos = read_pairs(file, "edges/val_pos");
  part.val_neg = read_pairs(file, "edges/val_neg");
  part.test_pos = read_pairs(file, "edges/test_pos");
  part.test_neg = read_pairs(file, "edges/test_neg");
  part.features.row_start.assign(static_cast<std::size_t>(part.n_owned + 1), 0);
  if (file.exists("features")) {
    part.features.row_start = file.read<std::int64_t>("features/row_start", 1);
    part.features.col_index = file.read<std::int32_t>("features/col_index", 1);
    part.features.values = file.read<float>("features/values", 1);
    part.features.n_cols = file.read_attribute<std::int64_t>("/features", "n_cols");
    expect_size(file, "features/row_start", part.features.row_start, part.n_owned + 1);
    expect_size(file, "features/col_index", part.features.col_index,
                part.features.row_start.back());
    expect_size(file, "features/values", part.features.values, part.features.row_start.back());
  }
  return part;
}

}  // namespace distgae
