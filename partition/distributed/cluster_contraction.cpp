#include "partition/distributed/cluster_contraction.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>
#include <tuple>

#include "comm/exchange.hpp"

namespace distgae {
namespace {

struct WeightedArc {
  std::int64_t from = 0, to = 0, weight = 0;
  bool operator<(const WeightedArc& other) const {
    return std::tie(from, to) < std::tie(other.from, other.to);
  }
};

// Sorts `arcs` and merges those between the same two vertices, adding their weights.
void merge_parallel_arcs(std::vector<WeightedArc>& arcs) {
  std::sort(arcs.begin(), arcs.end());
  std::size_t kept = 0;
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    if (kept > 0 && arcs[kept - 1].from == arcs[i].from && arcs[kept - 1].to == arcs[i].to) {
      arcs[kept - 1].weight += arcs[i].weight;
    } else {
      arcs[kept++] = arcs[i];
    }
  }
  arcs.resize(kept);
}

}  // namespace

ClusterContraction::ClusterContraction(const Communicator& communicator, const NodeBlocks& blocks,
                                       const NeighbourSlots& slots,
                                       const std::vector<std::int64_t>& labels)
    : slot_labels_(labels), block_begin_(blocks.begin(communicator.rank())) {
  if (labels.size() != slots.slot_count()) {
    throw std::invalid_argument("ClusterContraction: one label per slot needed");
  }
  const std::int64_t local = slots.local_count();
  // Cluster vertices: the labels of this block that some node carries, in label order.
  const std::vector<std::int64_t> sizes = label_sizes_at_owners(
      communicator, blocks, std::span<const std::int64_t>(labels).first(local));
  vertex_of_label_.assign(sizes.size(), -1);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) continue;
    vertex_of_label_[i] = static_cast<std::int64_t>(graph_.vertex_weights.size());
    graph_.vertex_weights.push_back(sizes[i]);
  }
  const std::vector<std::int64_t> counts = communicator.allgather(graph_.local_vertices());
  graph_.distribution.assign(counts.size() + 1, 0);
  for (std::size_t r = 0; r < counts.size(); ++r) {
    graph_.distribution[r + 1] = graph_.distribution[r] + counts[r];
  }
  const std::int64_t first_vertex =
      graph_.distribution[static_cast<std::size_t>(communicator.rank())];

  // The cluster vertex of every slot, from the owners of the slots' labels.
  std::vector<std::int64_t> distinct(labels.begin(), labels.end());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  labels_.emplace(communicator, blocks, std::move(distinct));
  const std::vector<std::int64_t> vertex_of_distinct = labels_->fetch<std::int64_t>(
      [&](GlobalId i) { return first_vertex + vertex_of_label_[static_cast<std::size_t>(i)]; });
  std::vector<std::int64_t> vertex_of_slot(labels.size());
  for (std::size_t slot = 0; slot < labels.size(); ++slot) {
    vertex_of_slot[slot] =
        vertex_of_distinct[static_cast<std::size_t>(labels_->find(labels[slot]))];
  }

  // Arcs between different clusters, merged here, sent to the owner of their first vertex and
  // merged again there.
  std::vector<WeightedArc> arcs;
  for (std::int64_t node = 0; node < local; ++node) {
    const std::int64_t from = vertex_of_slot[static_cast<std::size_t>(node)];
    for (const std::uint32_t slot : slots.neighbours(node)) {
      if (vertex_of_slot[slot] != from) arcs.push_back({from, vertex_of_slot[slot], 1});
    }
  }
  vertex_of_slot = {};
  merge_parallel_arcs(arcs);
  const auto owner_of = [&](const WeightedArc& arc) {
    return static_cast<int>(
        std::upper_bound(graph_.distribution.begin(), graph_.distribution.end(), arc.from) -
        graph_.distribution.begin() - 1);
  };
  arcs = route(communicator, std::span<const WeightedArc>(arcs), owner_of);
  merge_parallel_arcs(arcs);

  graph_.row_start.assign(static_cast<std::size_t>(graph_.local_vertices()) + 1, 0);
  graph_.columns.reserve(arcs.size());
  graph_.edge_weights.reserve(arcs.size());
  for (const WeightedArc& arc : arcs) {
    ++graph_.row_start[static_cast<std::size_t>(arc.from - first_vertex) + 1];
    graph_.columns.push_back(arc.to);
    graph_.edge_weights.push_back(arc.weight);
  }
  for (std::size_t v = 1; v < graph_.row_start.size(); ++v) {
    graph_.row_start[v] += graph_.row_start[v - 1];
  }
}

std::vector<std::int64_t> ClusterContraction::project(
    const std::vector<std::int64_t>& vertex_parts) const {
  if (static_cast<std::int64_t>(vertex_parts.size()) != graph_.local_vertices()) {
    throw std::invalid_argument("ClusterContraction::project: one part per cluster vertex needed");
  }
  const std::vector<std::int64_t> part_of_distinct = labels_->fetch<std::int64_t>([&](GlobalId i) {
    return vertex_parts[static_cast<std::size_t>(vertex_of_label_[static_cast<std::size_t>(i)])];
  });
  std::vector<std::int64_t> parts(slot_labels_.size());
  for (std::size_t slot = 0; slot < parts.size(); ++slot) {
    parts[slot] = part_of_distinct[static_cast<std::size_t>(labels_->find(slot_labels_[slot]))];
  }
  return parts;
}

}  // namespace distgae
