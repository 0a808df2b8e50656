// Size-constrained label propagation on the block-distributed training adjacency: each node, in
// turn, takes the label most frequent among its neighbours, as long as that label's node count
// stays within a bound (the method ParHIP and KaMinPar coarsen and refine with; written here).
// The PT-Scotch path of the partition stage uses it twice (distributed_partitioner.cpp): with
// canonical ids as labels it finds the clusters contracted before the library sees the graph
// (cluster_contraction.hpp), with parts as labels it refines the library's parts on the whole
// graph.
//
// Rounds are synchronous between ranks: a rank sees its own nodes' labels as they change and
// other ranks' labels as they were at the start of the round. The result is the same on every
// call for the same graph, settings and P (ties between labels are broken by a hash of global
// ids), but depends on P.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "comm/communicator.hpp"
#include "partition/distributed/block_graph.hpp"
#include "partition/distributed/node_lookup.hpp"

namespace distgae {

// The columns of this rank's adjacency rows as positions ("slots") in one label array: slot
// i < local_count() is the block's node i, slot local_count() + j the j-th distinct column
// owned by another rank ("ghost", ascending). A label array holds a value per slot; the ghost
// slots are copies of their owners' values, refreshed by refresh_ghosts.
class NeighbourSlots {
 public:
  // Collective. `adjacency` must outlive this object.
  NeighbourSlots(const Communicator& communicator, const NodeBlocks& blocks,
                 const BlockAdjacency& adjacency);

  std::int64_t local_count() const { return adjacency_.n_rows(); }
  std::size_t slot_count() const {
    return static_cast<std::size_t>(local_count()) + ghosts_.nodes().size();
  }
  // The slots of node i's neighbours, in the adjacency's column order.
  std::span<const std::uint32_t> neighbours(std::int64_t node) const {
    return std::span<const std::uint32_t>(slots_).subspan(
        static_cast<std::size_t>(adjacency_.row_start[node]),
        static_cast<std::size_t>(adjacency_.row_length(node)));
  }
  GlobalId global_id(std::size_t slot) const {
    const auto local = static_cast<std::size_t>(local_count());
    return slot < local ? first_node_ + static_cast<GlobalId>(slot) : ghosts_.nodes()[slot - local];
  }
  // Collective: values[local_count() + j] = the owner's values[i] of ghost j.
  void refresh_ghosts(std::vector<std::int64_t>& values) const;

 private:
  const BlockAdjacency& adjacency_;
  GlobalId first_node_ = 0;
  std::vector<std::uint32_t> slots_;  // [nnz] slot of each column
  NodeLookup ghosts_;
};

// Collective: how many nodes carry each label, for `local_labels` [block size] this rank's nodes'
// labels (canonical ids); returns [block size] the count of label blocks.begin(rank) + i.
std::vector<std::int64_t> label_sizes_at_owners(const Communicator& communicator,
                                                const NodeBlocks& blocks,
                                                std::span<const std::int64_t> local_labels);

struct LabelPropagationSettings {
  std::int64_t max_label_size = 1;  // no label ever holds more nodes than this
  int rounds = 5;                   // at most; stops early after a round without moves
  std::uint64_t seed = 0;
};

// Collective. Clusters: `labels` [slot_count] start as any canonical ids (usually each node its
// own, ghosts refreshed) and end as cluster ids, ghosts refreshed. A node joins the label with
// the most neighbours among those with more neighbours than its own label, if that label has
// room: a rank may add at most (max_label_size - size) / P nodes to a label in one round, with
// sizes counted at the start of the round, so no label ever exceeds the bound. Returns the moves
// made over all rounds.
std::int64_t propagate_clusters(const Communicator& communicator, const NodeBlocks& blocks,
                                const NeighbourSlots& slots, std::vector<std::int64_t>& labels,
                                const LabelPropagationSettings& settings);

// Collective. Parts: `parts` [slot_count] in 0..num_parts-1, ghosts refreshed. Moves a node to
// the part holding strictly more of its neighbours than its own (the fewest cut edges), under
// the same room rule with max_label_size the largest part allowed. Nodes of a part over the
// bound leave it (each rank takes out its share of the overflow, rounded up) for the part with
// room holding most of their neighbours, or else the smallest part. Returns the moves made.
std::int64_t refine_parts(const Communicator& communicator, const NeighbourSlots& slots,
                          int num_parts, std::vector<std::int64_t>& parts,
                          const LabelPropagationSettings& settings);

}  // namespace distgae
