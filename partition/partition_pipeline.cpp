#include "partition/partition_pipeline.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/timer.hpp"
#include "io/feature_readers.hpp"
#include "io/graph_readers.hpp"
#include "io/node_id_list.hpp"
#include "partition/canonical_graph.hpp"
#include "partition/dataset_fingerprint.hpp"
#include "partition/part_builder.hpp"

namespace distgae {
namespace {

NodeSetSpec node_set_spec(const PartitionJob& job) {
  NodeSetSpec spec;
  spec.num_nodes = job.num_nodes;
  if (!job.node_ids_path.empty()) {
    spec.node_ids = read_node_id_list(job.node_ids_path);
    spec.node_ids_path = job.node_ids_path;
  }
  return spec;
}

FeatureMatrix load_features(const PartitionJob& job, GlobalId num_nodes) {
  if (job.features_path.empty()) return FeatureMatrix{};
  FeatureMatrix features = read_features(job.features_path, job.features_dataset);
  check_feature_row_count(job.features_path, features.n_rows(), num_nodes);
  return features;
}

// Identifies the canonical graph, its split and features, never the partition
// (partition/dataset_fingerprint.hpp): a checkpoint resumes on any re-partitioning.
std::string graph_fingerprint(const CanonicalGraph& graph, const EdgeSplit& split,
                              const FeatureMatrix& features) {
  DatasetFingerprint fingerprint;
  fingerprint.add(DatasetFingerprint::kOriginalIds, 0, graph.original_ids);
  fingerprint.add_pairs(DatasetFingerprint::kTrain, 0, split.train);
  fingerprint.add_pairs(DatasetFingerprint::kValPositive, 0, split.val_pos);
  fingerprint.add_pairs(DatasetFingerprint::kValNegative, 0, split.val_neg);
  fingerprint.add_pairs(DatasetFingerprint::kTestPositive, 0, split.test_pos);
  fingerprint.add_pairs(DatasetFingerprint::kTestNegative, 0, split.test_neg);
  if (features.n_cols > 0) fingerprint.add_feature_rows(0, 0, features);
  const std::int64_t width = features.n_cols;
  fingerprint.add(DatasetFingerprint::kFeatureWidth, 0, std::span<const std::int64_t>(&width, 1));
  return fingerprint.finish();
}

}  // namespace

const char* partitioner_name(const PartitionOptions& options) {
  if (options.num_parts == 1) return "single";
  switch (options.method) {
    case PartitionMethod::kMetis:
      return "metis";
    case PartitionMethod::kPtScotch:
      return "ptscotch";
    case PartitionMethod::kRandom:
      return "random";
  }
  return "";
}

void describe_job(const PartitionJob& job, DatasetMeta& meta) {
  meta.num_parts = job.partition.num_parts;
  meta.seed = job.split.seed;
  meta.val_frac = job.split.no_split ? 0.0 : job.split.val_frac;
  meta.test_frac = job.split.no_split ? 0.0 : job.split.test_frac;
  meta.split = !job.split.no_split;
  meta.partitioner = partitioner_name(job.partition);
  meta.objective = job.partition.method == PartitionMethod::kMetis && job.partition.num_parts > 1
                       ? (job.partition.objective == PartitionObjective::kVolume ? "vol" : "cut")
                       : "";
  meta.imbalance_tolerance = job.partition.imbalance;
  meta.source_graph = job.graph_path;
  meta.source_features = job.features_path;
}

PartitionedDataset partition_dataset(const PartitionJob& job) {
  if (job.partition.num_parts < 1) throw InputError("--parts must be at least 1");
  Stopwatch step;
  Stopwatch total;
  EdgeListOptions read_options;
  if (job.num_nodes) read_options.id_bound = *job.num_nodes;
  RawGraph raw = read_graph(job.graph_path, read_options);
  const long long data_lines = raw.data_lines;
  log::info("read {}: {} edge lines in {:.2f} s", job.graph_path, data_lines, step.seconds());

  step.restart();
  CanonicalGraph graph = canonicalize(std::move(raw), node_set_spec(job));
  log::info(
      "canonical graph: {} nodes, {} undirected edges ({} self loops dropped, {} duplicates "
      "merged) in {:.2f} s",
      graph.num_nodes(), graph.num_edges(), graph.self_loops_dropped, graph.duplicates_merged,
      step.seconds());

  step.restart();
  FeatureMatrix features = load_features(job, graph.num_nodes());
  if (features.n_cols > 0) {
    log::info("read {}: {} x {} features, {} non-zeros in {:.2f} s", job.features_path,
              features.n_rows(), features.n_cols, features.nnz(), step.seconds());
  }

  step.restart();
  EdgeSplit split = split_edges(graph, job.split);
  log::info("split (seed {}): {} train, {} val, {} test edges (+ as many negatives) in {:.2f} s",
            job.split.seed, split.train.size(), split.val_pos.size(), split.test_pos.size(),
            step.seconds());

  step.restart();
  const Csr<GlobalId> train_adjacency = symmetric_adjacency(graph.num_nodes(), split.train);
  const std::vector<std::int32_t> part_of = assign_parts(train_adjacency, job.partition);
  log::info("partitioned into {} parts ({}) in {:.2f} s", job.partition.num_parts,
            partitioner_name(job.partition), step.seconds());

  step.restart();
  const NodeOrdering ordering = order_nodes(train_adjacency, part_of, job.partition.num_parts);
  PartitionedDataset result;
  result.parts =
      build_parts(train_adjacency, part_of, ordering, split, features, graph.original_ids);

  DatasetMeta& meta = result.meta;
  meta.num_nodes = graph.num_nodes();
  meta.num_edges = graph.num_edges();
  meta.num_train_edges = static_cast<std::int64_t>(split.train.size());
  meta.num_val_edges = static_cast<std::int64_t>(split.val_pos.size());
  meta.num_test_edges = static_cast<std::int64_t>(split.test_pos.size());
  describe_job(job, meta);
  meta.feature_dim = features.n_cols;
  meta.graph_fingerprint = graph_fingerprint(graph, split, features);
  for (PartData& part : result.parts) part.graph_fingerprint = meta.graph_fingerprint;
  meta.input_lines = data_lines;
  meta.self_loops_dropped = graph.self_loops_dropped;
  meta.duplicates_merged = graph.duplicates_merged;
  meta.node_id = std::move(graph.original_ids);
  meta.part_offsets = ordering.part_offsets;
  meta.canonical_to_ordered = ordering.canonical_to_ordered;
  meta.stats = compute_statistics(train_adjacency, part_of, result.parts);
  log::info("renumbered and built {} parts in {:.2f} s (total {:.2f} s)", result.parts.size(),
            step.seconds(), total.seconds());
  return result;
}

}  // namespace distgae
