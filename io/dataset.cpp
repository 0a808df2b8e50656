#include "io/dataset.hpp"

#include <filesystem>
#include <stdexcept>

#include "core/error.hpp"
#include "io/file_digest.hpp"
#include "io/h5_file.hpp"
#include "io/h5_file_writer.hpp"
#include "io/staged_directory.hpp"
#include "io/storage_errors.hpp"

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

// The bytes of the vectors' elements: what a file writing them holds as raw data.
template <class... Vectors>
std::uint64_t bytes_of(const Vectors&... vectors) {
  return (std::uint64_t{0} + ... + (sizeof(typename Vectors::value_type) * vectors.size()));
}

// meta.h5's [N] arrays: written whole, or created at full size with their space allocated and
// left for the ranks to fill (create_meta_file).
enum class NodeArrays { kWritten, kAllocated };

void write_node_array(H5File& file, const std::string& name, const std::vector<GlobalId>& values,
                      GlobalId num_nodes, NodeArrays node_arrays) {
  if (node_arrays == NodeArrays::kWritten) {
    file.write(name, values);
    return;
  }
  // Contiguous and allocated now, as the checkpoints' node arrays (H5File::create_rows): ranks
  // then write their blocks through MPI-IO without changing any HDF5 metadata. No fill value is
  // written: every element is written by some rank.
  const hsize_t dims[1] = {static_cast<hsize_t>(num_nodes)};
  const H5Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  const H5Handle create_props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_layout(create_props.get(), H5D_CONTIGUOUS);
  H5Pset_alloc_time(create_props.get(), H5D_ALLOC_TIME_EARLY);
  H5Pset_fill_time(create_props.get(), H5D_FILL_TIME_NEVER);
  const H5Handle set(H5Dcreate2(file.id(), name.c_str(), H5T_NATIVE_INT64, space.get(), H5P_DEFAULT,
                                create_props.get(), H5P_DEFAULT),
                     H5Dclose);
  if (!set.valid()) {
    throw std::runtime_error(at_file(file.path(), "cannot create dataset '" + name + "'"));
  }
}

void write_meta(const std::string& path, const DatasetMeta& meta, NodeArrays node_arrays) {
  const PartitionStatistics& stats = meta.stats;
  std::uint64_t data_bytes = bytes_of(meta.part_offsets, stats.owned, stats.interior, stats.halo,
                                      stats.sent, stats.local_edges, stats.train_edges);
  data_bytes += node_arrays == NodeArrays::kWritten
                    ? bytes_of(meta.node_id, meta.canonical_to_ordered)
                    : 2 * sizeof(GlobalId) * static_cast<std::uint64_t>(meta.num_nodes);
  const std::uint64_t strings =
      meta.source_graph.size() + meta.source_features.size() + meta.partitioner.size();
  // write_h5_file: a full disk is an error naming the file, never a crash in HDF5.
  write_h5_file(path, data_bytes, strings, [&](H5File& file) {
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
    write_node_array(file, kMetaNodeIdDataset, meta.node_id, meta.num_nodes, node_arrays);
    file.write("part_offsets", meta.part_offsets);
    write_node_array(file, kMetaCanonicalToOrderedDataset, meta.canonical_to_ordered,
                     meta.num_nodes, node_arrays);
    file.write("stats/owned", stats.owned);
    file.write("stats/interior", stats.interior);
    file.write("stats/halo", stats.halo);
    file.write("stats/sent", stats.sent);
    file.write("stats/local_edges", stats.local_edges);
    file.write("stats/train_edges", stats.train_edges);
    file.write_attribute("/stats", "edge_cut", stats.edge_cut);
    file.write_attribute("/stats", "comm_volume", stats.comm_volume);
    file.write_attribute("/stats", "imbalance", stats.imbalance);
  });
}

}  // namespace

void write_part_file(const std::string& path, const PartData& part) {
  const std::uint64_t data_bytes =
      bytes_of(part.canonical_id, part.node_id, part.degree, part.halo_offsets, part.send_offsets,
               part.send_rows, part.adjacency.row_start, part.adjacency.col_index, part.train_edges,
               part.val_pos, part.val_neg, part.test_pos, part.test_neg, part.features.row_start,
               part.features.col_index, part.features.values);
  write_h5_file(path, data_bytes, part.graph_fingerprint.size(), [&](H5File& file) {
    file.write_attribute("/", "format_version", kDatasetFormatVersion);
    file.write_attribute("/", "kind", std::string("distgae-part"));
    file.write_attribute("/", "part", part.part);
    file.write_attribute("/", "num_parts", part.num_parts);
    file.write_attribute("/", "n_owned", part.n_owned);
    file.write_attribute("/", "n_interior", part.n_interior);
    file.write_attribute("/", "n_halo", part.n_halo);
    if (!part.graph_fingerprint.empty()) {
      file.write_attribute("/", "graph_fingerprint", part.graph_fingerprint);
    }
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
  });
}

void write_meta_file(const std::string& path, const DatasetMeta& meta) {
  write_meta(path, meta, NodeArrays::kWritten);
}

void create_meta_file(const std::string& path, const DatasetMeta& meta) {
  write_meta(path, meta, NodeArrays::kAllocated);
}

void write_dataset(const std::string& dir, const DatasetMeta& meta,
                   const std::vector<PartData>& parts, bool overwrite) {
  StagedDirectory staged(dir, overwrite);
  const std::string staging = staged.staging_path().string();
  // A failure (a full disk) says why, and `staged` removes the staging directory as it goes.
  with_storage_cause([&] {
    for (const PartData& part : parts) write_part_file(part_path(staging, part.part), part);
    // meta.h5 last: its presence marks a complete dataset even inside the staging directory.
    write_meta_file(meta_path(staging), meta);
    // Each file's digest, from the bytes now on disk: readers check a file against it before
    // HDF5 parses it (io/file_digest.hpp).
    DigestManifest digests;
    for (const PartData& part : parts) {
      digests[fs::path(part_path(staging, part.part)).filename().string()] =
          digest_file(part_path(staging, part.part));
    }
    digests["meta.h5"] = digest_file(meta_path(staging));
    write_digest_manifest(staging, digests);
    staged.commit();
  });
}

}  // namespace distgae
