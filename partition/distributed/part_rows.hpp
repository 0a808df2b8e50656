// The rows of the parts one rank builds, once they are ordered: each part's owned rows then its
// halo rows (its owned nodes' neighbours on other parts, ascending partition-ordered id, hence
// grouped by owner part), their canonical ids, original ids and global degrees, the local CSR of
// the owned rows and their features: build_parts (partition/part_builder.hpp) field for field,
// but for the send lists and pair lists (distributed_parts.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "io/dataset.hpp"
#include "partition/distributed/builder_nodes.hpp"
#include "partition/distributed/node_lookup.hpp"
#include "partition/distributed/part_ordering.hpp"

namespace distgae {

// What a builder knows of a node: its partition-ordered id, original id, global degree, part.
struct NodeFacts {
  GlobalId ordered = 0;
  GlobalId original = 0;
  std::int64_t degree = 0;
  std::int32_t part = 0;
  std::int32_t unused = 0;
};

// The facts of every node a builder's rows name: its own nodes, and the neighbours it fetched
// from their block owners.
class NeighbourFacts {
 public:
  NeighbourFacts(const BuilderNodes& nodes, const BuilderOrdering& ordering,
                 const NodeLookup& remote, std::vector<NodeFacts> remote_facts)
      : nodes_(nodes),
        ordering_(ordering),
        remote_(remote),
        remote_facts_(std::move(remote_facts)) {}

  // `node` must be one of the builder's nodes or one it fetched.
  NodeFacts of(GlobalId node) const;

 private:
  const BuilderNodes& nodes_;
  const BuilderOrdering& ordering_;
  const NodeLookup& remote_;
  std::vector<NodeFacts> remote_facts_;  // [remote.nodes().size()]
};

// The neighbours of `nodes` that are not among them, ascending and unique: what a builder fetches.
std::vector<GlobalId> remote_neighbours(const BuilderNodes& nodes);

// Builds the `index`-th part of `ordering` (part ordering.parts[index] of `num_parts`): every
// field but send_offsets, send_rows and the pair lists. Throws InputError when its rows would
// not fit 32-bit local ids.
PartData build_part_rows(const BuilderNodes& nodes, const BuilderOrdering& ordering,
                         std::size_t index, const NeighbourFacts& facts, int num_parts);

}  // namespace distgae
