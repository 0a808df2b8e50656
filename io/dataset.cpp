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

}  // namespace distgae
