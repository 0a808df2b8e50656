#include "partition/distributed/distributed_partitioner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>
#include <tuple>

#include "comm/agreement.hpp"
#include "comm/distributed_graph_partitioner.hpp"
#include "comm/exchange.hpp"
#include "core/log.hpp"
#include "partition/distributed/cluster_contraction.hpp"
#include "partition/distributed/label_propagation.hpp"

namespace distgae {
namespace {

// Sends all of `values` to rank 0 (which gets every rank's, in rank order; others get nothing).
std::vector<std::int64_t> gather_to_root(const Communicator& communicator,
                                         std::span<const std::int64_t> values) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(communicator.size()), 0);
  counts[0] = static_cast<std::int64_t>(values.size());
  return exchange(communicator, values, std::span<const std::int64_t>(counts));
}

// METIS on the whole graph at rank 0, which holds all of it for this (the user's choice of
// --partitioner metis): the parts are those of the single-process pipeline for any P.
std::vector<std::int32_t> metis_on_root(const Communicator& communicator, const NodeBlocks& blocks,
                                        const BlockAdjacency& adjacency,
                                        const PartitionOptions& options) {
  std::vector<std::int64_t> row_lengths(static_cast<std::size_t>(adjacency.n_rows()));
  for (std::int64_t row = 0; row < adjacency.n_rows(); ++row) {
    row_lengths[row] = adjacency.row_length(row);
  }
  Csr<GlobalId> whole;
  whole.n_cols = blocks.num_nodes;
  const std::vector<std::int64_t> all_lengths = gather_to_root(communicator, row_lengths);
  whole.col_index = gather_to_root(communicator, std::span<const GlobalId>(adjacency.col_index));
  std::vector<std::int32_t> all_parts;
  if (communicator.rank() == 0) {
    whole.row_start.resize(all_lengths.size() + 1);
    for (std::size_t row = 0; row < all_lengths.size(); ++row) {
      whole.row_start[row + 1] = whole.row_start[row] + all_lengths[row];
    }
  }
  agree_on_root_errors(communicator, [&] { all_parts = assign_parts(whole, options); });
  whole = {};
  // Back to the block owners: rank 0 sends each rank its block's parts.
  std::vector<std::int64_t> counts(static_cast<std::size_t>(communicator.size()), 0);
  if (communicator.rank() == 0) {
    for (int q = 0; q < communicator.size(); ++q) counts[q] = blocks.size(q);
  }
  return exchange(communicator, std::span<const std::int32_t>(all_parts),
                  std::span<const std::int64_t>(counts));
}

DistributedPartitionSettings library_settings(const PartitionOptions& options) {
  DistributedPartitionSettings settings;
  settings.num_parts = options.num_parts;
  settings.imbalance = options.imbalance;
  settings.seed = options.seed;
  return settings;
}

std::vector<std::int32_t> ptscotch_on_graph(const Communicator& communicator,
                                            const NodeBlocks& blocks,
                                            const BlockAdjacency& adjacency,
                                            const PartitionOptions& options) {
  std::vector<std::int64_t> distribution(static_cast<std::size_t>(communicator.size()) + 1);
  for (int r = 0; r <= communicator.size(); ++r) distribution[r] = blocks.begin(r);
  return partition_distributed_graph(
      communicator, {distribution, adjacency.row_start, adjacency.col_index, {}, {}},
      library_settings(options));
}

// Label-propagation rounds: clustering before the library, refinement after it.
constexpr int kClusterRounds = 5;
constexpr int kRefineRounds = 5;

// Clusters of at most (imbalance - 1) N / K nodes, contracted; PT-Scotch partitions the cluster
// graph (balancing cluster weights, so the nodes' parts keep the tolerance); label propagation
// on the whole graph then moves boundary nodes to the part of most of their neighbours.
std::vector<std::int32_t> ptscotch_on_clusters(const Communicator& communicator,
                                               const NodeBlocks& blocks,
                                               const BlockAdjacency& adjacency,
                                               const PartitionOptions& options) {
  const NeighbourSlots slots(communicator, blocks, adjacency);
  const std::int64_t local = slots.local_count();
  const double mean_part = static_cast<double>(blocks.num_nodes) / options.num_parts;
  LabelPropagationSettings clustering;
  clustering.seed = options.seed;
  clustering.rounds = kClusterRounds;
  clustering.max_label_size =
      std::max<std::int64_t>(1, static_cast<std::int64_t>((options.imbalance - 1.0) * mean_part));
  std::vector<std::int64_t> labels(slots.slot_count());
  for (std::int64_t i = 0; i < local; ++i) labels[i] = blocks.begin(communicator.rank()) + i;
  slots.refresh_ghosts(labels);
  const std::int64_t cluster_moves =
      propagate_clusters(communicator, blocks, slots, labels, clustering);
  const ClusterContraction contraction(communicator, blocks, slots, labels);
  labels = {};
  const WeightedBlockGraph& clusters = contraction.graph();
  log::info("partition: {} clusters of at most {} nodes ({} moves), {} cluster edges",
            clusters.num_vertices(), clustering.max_label_size, cluster_moves,
            communicator.allreduce_sum(static_cast<std::int64_t>(clusters.columns.size())) / 2);

  const std::vector<std::int32_t> cluster_parts =
      partition_distributed_graph(communicator,
                                  {clusters.distribution, clusters.row_start, clusters.columns,
                                   clusters.vertex_weights, clusters.edge_weights},
                                  library_settings(options));
  std::vector<std::int64_t> parts =
      contraction.project(std::vector<std::int64_t>(cluster_parts.begin(), cluster_parts.end()));

  LabelPropagationSettings refinement;
  refinement.seed = options.seed;
  refinement.rounds = kRefineRounds;
  refinement.max_label_size =
      std::max<std::int64_t>(static_cast<std::int64_t>(std::ceil(mean_part)),
                             static_cast<std::int64_t>(options.imbalance * mean_part));
  const std::int64_t refine_moves =
      refine_parts(communicator, slots, options.num_parts, parts, refinement);
  log::info("partition: refinement moved {} nodes", refine_moves);
  return std::vector<std::int32_t>(parts.begin(), parts.begin() + local);
}

// A donor's candidate, fill_empty_parts' order: smallest degree first, then highest id.
struct Candidate {
  std::int64_t donor = 0, degree = 0, node = 0;
  bool operator<(const Candidate& other) const {
    return std::tuple(donor, degree, -node) < std::tuple(other.donor, other.degree, -other.node);
  }
};

}  // namespace

void fill_empty_parts_distributed(const Communicator& communicator, const NodeBlocks& blocks,
                                  const BlockAdjacency& adjacency, int num_parts,
                                  std::vector<std::int32_t>& part_of) {
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(num_parts), 0);
  for (const std::int32_t p : part_of) ++sizes[p];
  communicator.allreduce_sum(std::span<std::int64_t>(sizes));
  const std::vector<std::pair<int, int>> moves = empty_part_donors(sizes);
  if (moves.empty()) return;
  log::info("partition: {} of {} parts came out empty; moving one node into each", moves.size(),
            num_parts);

  // How many nodes each donor gives; a donor's k-th gift is its k-th best node overall, which
  // is among the k best of the rank holding it: each rank offers its best few per donor.
  std::vector<std::int64_t> gifts(static_cast<std::size_t>(num_parts), 0);
  for (const auto& move : moves) ++gifts[move.second];
  const GlobalId first_node = blocks.begin(communicator.rank());
  std::vector<Candidate> local;
  for (std::size_t i = 0; i < part_of.size(); ++i) {
    if (gifts[part_of[i]] == 0) continue;
    local.push_back({part_of[i], adjacency.row_length(static_cast<std::int64_t>(i)),
                     first_node + static_cast<GlobalId>(i)});
  }
  std::sort(local.begin(), local.end());
  std::vector<std::int64_t> offered;
  for (std::size_t i = 0, taken = 0; i < local.size(); ++i) {
    taken = (i > 0 && local[i].donor == local[i - 1].donor) ? taken + 1 : 0;
    if (static_cast<std::int64_t>(taken) >= gifts[local[i].donor]) continue;
    offered.insert(offered.end(), {local[i].donor, local[i].degree, local[i].node});
  }
  const std::vector<std::int64_t> all =
      communicator.allgatherv(std::span<const std::int64_t>(offered));
  std::vector<Candidate> candidates(all.size() / 3);
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    candidates[c] = {all[3 * c], all[3 * c + 1], all[3 * c + 2]};
  }
  std::sort(candidates.begin(), candidates.end());
  // Each donor's candidates start at its first; the k-th move from a donor takes the k-th.
  std::vector<std::size_t> next(static_cast<std::size_t>(num_parts), 0);
  for (std::size_t c = candidates.size(); c-- > 0;) next[candidates[c].donor] = c;
  for (const auto& [empty, donor] : moves) {
    const Candidate& gift = candidates.at(next[donor]++);
    if (gift.donor != donor) throw std::logic_error("fill_empty_parts_distributed: short donor");
    if (gift.node >= first_node && gift.node < blocks.end(communicator.rank())) {
      part_of[static_cast<std::size_t>(gift.node - first_node)] = empty;
    }
  }
}

std::vector<std::int32_t> assign_parts_distributed(const Communicator& communicator,
                                                   const NodeBlocks& blocks,
                                                   const BlockAdjacency& adjacency,
                                                   const PartitionOptions& options) {
  if (adjacency.n_rows() != blocks.size(communicator.rank()) ||
      blocks.num_ranks != communicator.size()) {
    throw std::invalid_argument("assign_parts_distributed: the adjacency is not this rank's block");
  }
  validate_partition_options(blocks.num_nodes, options);  // the same verdict on every rank
  const auto block_size = static_cast<std::size_t>(adjacency.n_rows());
  if (options.num_parts == 1) return std::vector<std::int32_t>(block_size, 0);

  std::vector<std::int32_t> part_of;
  switch (options.method) {
    case PartitionMethod::kRandom:
      part_of.resize(block_size);
      for (std::size_t i = 0; i < block_size; ++i) {
        part_of[i] =
            random_part(blocks.begin(communicator.rank()) + static_cast<GlobalId>(i), options);
      }
      break;
    case PartitionMethod::kMetis:
      part_of = metis_on_root(communicator, blocks, adjacency, options);
      break;
    case PartitionMethod::kPtScotch:
      part_of = options.cluster_first
                    ? ptscotch_on_clusters(communicator, blocks, adjacency, options)
                    : ptscotch_on_graph(communicator, blocks, adjacency, options);
      break;
  }
  fill_empty_parts_distributed(communicator, blocks, adjacency, options.num_parts, part_of);
  return part_of;
}

}  // namespace distgae
