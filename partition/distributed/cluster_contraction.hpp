// The graph of clusters: every cluster of label propagation (label_propagation.hpp) becomes one
// vertex weighted by its node count, and the edges between two clusters one edge weighted by
// their number. PT-Scotch partitions this graph instead of the training graph, which on graphs
// with communities is many times smaller (its coarsening keeps every level of a graph whose
// edges barely shrink: bench/README.md, "Distributed partitioning"); the parts come back to the
// nodes through project().
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "comm/communicator.hpp"
#include "partition/distributed/label_propagation.hpp"
#include "partition/distributed/node_lookup.hpp"

namespace distgae {

// A weighted graph distributed by rows: rank r holds vertices [distribution[r],
// distribution[r+1]) in the layout of comm/distributed_graph_partitioner.hpp.
struct WeightedBlockGraph {
  std::vector<std::int64_t> distribution;    // [P+1]
  std::vector<std::int64_t> row_start;       // [local vertices + 1] from 0
  std::vector<std::int64_t> columns;         // global vertex ids, ascending in each row
  std::vector<std::int64_t> edge_weights;    // [columns.size()]
  std::vector<std::int64_t> vertex_weights;  // [local vertices]

  std::int64_t num_vertices() const { return distribution.back(); }
  std::int64_t local_vertices() const { return static_cast<std::int64_t>(vertex_weights.size()); }
};

class ClusterContraction {
 public:
  // Collective. `labels` [slots.slot_count()]: each node's cluster (a canonical id), ghost slots
  // refreshed. Cluster vertex c is numbered by owner of its label, then label order: rank r
  // holds the clusters whose label lies in its block.
  ClusterContraction(const Communicator& communicator, const NodeBlocks& blocks,
                     const NeighbourSlots& slots, const std::vector<std::int64_t>& labels);

  const WeightedBlockGraph& graph() const { return graph_; }

  // Collective: `vertex_parts` [graph().local_vertices()] the part of each of this rank's
  // cluster vertices; returns [slots.slot_count()] the part of every slot's node (ghosts too).
  std::vector<std::int64_t> project(const std::vector<std::int64_t>& vertex_parts) const;

 private:
  std::vector<std::int64_t> slot_labels_;  // [slot count] each slot's cluster label
  std::optional<NodeLookup> labels_;       // the distinct labels of the slots, at their owners
  GlobalId block_begin_ = 0;
  std::vector<std::int64_t> vertex_of_label_;  // [block size] cluster vertex index or -1
  WeightedBlockGraph graph_;
};

}  // namespace distgae
