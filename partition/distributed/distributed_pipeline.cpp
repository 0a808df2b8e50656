#include "partition/distributed/distributed_pipeline.hpp"

#include <fmt/format.h>

#include "comm/agreement.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/memory.hpp"
#include "core/timer.hpp"
#include "partition/dataset_fingerprint.hpp"
#include "partition/distributed/block_adjacency.hpp"
#include "partition/distributed/distributed_canonical.hpp"
#include "partition/distributed/distributed_partitioner.hpp"
#include "partition/distributed/distributed_split.hpp"
#include "partition/distributed/share_readers.hpp"

namespace distgae {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Step timing and the memory high-water mark of the largest rank, for the log and the
// benchmark (bench/partition.py reads these lines).
class StepLog {
 public:
  StepLog(const Communicator& world, const PipelineStepObserver& on_step)
      : world_(world), on_step_(on_step) {}

  // Collective: logs `what` with the step's seconds (slowest rank) and the peak memory so far,
  // and tells the observer.
  template <class... Args>
  void done(fmt::format_string<Args...> format, Args&&... args) {
    const auto micros = static_cast<std::int64_t>(step_.seconds() * 1e6);
    const double slowest = static_cast<double>(world_.allreduce_max(micros)) / 1e6;
    const std::int64_t peak = world_.allreduce_max(peak_rss_bytes());
    const std::string what = fmt::format(format, std::forward<Args>(args)...);
    log::info("{} in {:.2f} s (peak memory of a rank {:.0f} MiB)", what, slowest,
              static_cast<double>(peak) / kMiB);
    if (on_step_) on_step_(slowest, what);
    step_.restart();
  }

  double total_seconds() const { return total_.seconds(); }

 private:
  const Communicator& world_;
  const PipelineStepObserver& on_step_;
  Stopwatch step_;
  Stopwatch total_;
};

DistributedNodeSet node_set(const Communicator& world, const PartitionJob& job) {
  DistributedNodeSet spec;
  spec.num_nodes = job.num_nodes;
  if (!job.node_ids_path.empty()) spec.node_ids = read_node_id_share(world, job.node_ids_path);
  return spec;
}

// The fingerprint of partition/dataset_fingerprint.hpp, from every rank's share.
std::string fingerprint(const Communicator& world, const BlockGraph& graph, const SplitShare& split,
                        const FeatureBlock& features) {
  DatasetFingerprint share;
  share.add(DatasetFingerprint::kOriginalIds, graph.first_node(), graph.original_ids);
  auto add_pairs = [&](DatasetFingerprint::Array array, const std::vector<NodePair>& pairs) {
    const std::int64_t first = world.exclusive_sum(static_cast<std::int64_t>(pairs.size()));
    share.add_pairs(array, first, pairs);
  };
  add_pairs(DatasetFingerprint::kTrain, split.train);
  add_pairs(DatasetFingerprint::kValPositive, split.val_pos);
  add_pairs(DatasetFingerprint::kValNegative, split.val_neg);
  add_pairs(DatasetFingerprint::kTestPositive, split.test_pos);
  add_pairs(DatasetFingerprint::kTestNegative, split.test_neg);
  if (features.n_cols > 0) {
    share.add_feature_rows(graph.first_node(), world.exclusive_sum(features.nnz()), features);
  }
  if (world.rank() == 0) {
    const std::int64_t width = features.n_cols;
    share.add(DatasetFingerprint::kFeatureWidth, 0, std::span<const std::int64_t>(&width, 1));
  }
  DatasetFingerprint::Partial summed = share.partial();
  world.allreduce_sum(std::span<std::uint64_t>(summed));
  return DatasetFingerprint::finish(summed);
}

// The scalar fields of meta.h5, the same on every rank.
void fill_meta(const PartitionJob& job, const BlockGraph& graph, const SplitShare& split,
               std::int64_t feature_dim, std::int64_t input_lines, const Communicator& world,
               DatasetMeta& meta) {
  meta.num_nodes = graph.num_nodes();
  meta.num_edges = graph.num_edges;
  meta.num_train_edges = world.allreduce_sum(static_cast<std::int64_t>(split.train.size()));
  meta.num_val_edges = world.allreduce_sum(static_cast<std::int64_t>(split.val_pos.size()));
  meta.num_test_edges = world.allreduce_sum(static_cast<std::int64_t>(split.test_pos.size()));
  describe_job(job, meta);
  meta.feature_dim = feature_dim;
  meta.input_lines = input_lines;
  meta.self_loops_dropped = graph.self_loops_dropped;
  meta.duplicates_merged = graph.duplicates_merged;
}

}  // namespace

DatasetShare partition_dataset_distributed(const Communicator& world, const PartitionJob& job,
                                           const PipelineStepObserver& on_step) {
  if (job.partition.num_parts < 1) throw InputError("--parts must be at least 1");
  StepLog steps(world, on_step);
  EdgeListOptions read_options;
  if (job.num_nodes) read_options.id_bound = *job.num_nodes;
  GraphShare raw = read_graph_share(world, job.graph_path, read_options);
  const std::int64_t input_lines = raw.data_lines;
  steps.done("read {} on {} rank{}: {} edge lines", job.graph_path, world.size(),
             world.size() == 1 ? "" : "s", input_lines);

  BlockGraph graph = canonicalize_distributed(world, std::move(raw), node_set(world, job));
  steps.done(
      "canonical graph: {} nodes, {} undirected edges ({} self loops dropped, {} duplicates "
      "merged)",
      graph.num_nodes(), graph.num_edges, graph.self_loops_dropped, graph.duplicates_merged);

  FeatureBlock features;
  if (!job.features_path.empty()) {
    features = read_feature_block(world, job.features_path, job.features_dataset, graph.blocks);
    steps.done("read {}: {} features, {} non-zeros", job.features_path, features.n_cols,
               world.allreduce_sum(features.nnz()));
  } else {
    features.row_start.assign(static_cast<std::size_t>(graph.blocks.size(world.rank())) + 1, 0);
  }

  SplitShare split = split_distributed(world, graph, job.split);
  // The split holds every edge from here on (train or held out): the canonical list goes.
  std::vector<NodePair>().swap(graph.edges);
  steps.done("split (seed {}): {} train, {} val, {} test edges (+ as many negatives)",
             job.split.seed, world.allreduce_sum(static_cast<std::int64_t>(split.train.size())),
             world.allreduce_sum(static_cast<std::int64_t>(split.val_pos.size())),
             world.allreduce_sum(static_cast<std::int64_t>(split.test_pos.size())));

  const BlockAdjacency adjacency = block_adjacency(world, graph.blocks, split.train);
  const std::vector<std::int32_t> part_of =
      assign_parts_distributed(world, graph.blocks, adjacency, job.partition);
  steps.done("partitioned into {} parts ({})", job.partition.num_parts,
             partitioner_name(job.partition));

  const std::string graph_fingerprint = fingerprint(world, graph, split, features);
  DatasetShare share =
      build_parts_distributed(world, graph.blocks, adjacency, part_of, graph.original_ids, split,
                              features, job.partition.num_parts);
  fill_meta(job, graph, split, features.n_cols, input_lines, world, share.meta);
  share.meta.graph_fingerprint = graph_fingerprint;
  for (PartData& part : share.parts) part.graph_fingerprint = graph_fingerprint;
  steps.done("renumbered and built {} parts", job.partition.num_parts);
  log::info("partition pipeline: {:.2f} s in all", steps.total_seconds());
  return share;
}

}  // namespace distgae
