// The partition order of the parts one rank builds, as order_nodes (partition/part_builder.hpp)
// gives it on the whole graph: each part's interior nodes (no neighbour on another part), then
// its boundary nodes, each group in Cuthill-McKee order (BFS within the group, each component
// started at the unplaced node of smallest (global degree, canonical id), each node's newly
// placed neighbours in increasing (degree, id)). Everything it reads is on the builder: a part's
// nodes, their rows and degrees, and whether a neighbour is one of the part's nodes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "partition/distributed/builder_nodes.hpp"

namespace distgae {

struct BuilderOrdering {
  std::vector<int> parts;  // the parts built here, ascending
  // [parts.size()] indices into BuilderNodes of each part's nodes, in partition order.
  std::vector<std::vector<std::int64_t>> members;
  std::vector<std::int64_t> interior;  // [parts.size()] interior nodes (the first ones)
  // [nodes.size()] partition-ordered id of each node; filled by assign_ordered_ids.
  std::vector<GlobalId> ordered_of;
};

// Orders every part in `parts` (which `nodes` holds all the nodes of).
BuilderOrdering order_builder_parts(const BuilderNodes& nodes, std::span<const int> parts);

// Sets ordering.ordered_of from the parts' ranges: `part_offsets` [num_parts + 1].
void assign_ordered_ids(std::span<const std::int64_t> part_offsets, BuilderOrdering& ordering);

}  // namespace distgae
