// The nodes of the parts a rank builds (partition/distributed/distributed_parts.hpp): each part
// k is built by one rank, builder_of(k), which receives from the block owners every fact of the
// part's owned nodes (original id, adjacency row, feature row). Once they are there, ordering a
// part and building its rows are local to the builder.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "comm/communicator.hpp"
#include "core/csr.hpp"
#include "core/types.hpp"
#include "partition/distributed/block_graph.hpp"
#include "partition/distributed/id_directory.hpp"

namespace distgae {

// The rank that builds (and writes) part `part` of `num_parts` on `num_ranks` ranks:
// floor(part * num_ranks / num_parts). With as many parts as ranks, rank r builds part r.
inline int builder_of(int part, int num_parts, int num_ranks) {
  return static_cast<int>(static_cast<std::int64_t>(part) * num_ranks / num_parts);
}

// The parts `rank` builds: a contiguous range, ascending (empty when num_parts < num_ranks and
// none falls to it).
std::vector<int> parts_built_by(int rank, int num_parts, int num_ranks);

// The owned nodes of every part this rank builds, ascending canonical id.
struct BuilderNodes {
  std::vector<GlobalId> canonical;  // [n]
  std::vector<GlobalId> original;   // [n] original ids
  std::vector<std::int32_t> part;   // [n]
  // [n rows] the nodes' rows of the training adjacency: canonical ids, sorted; the row length is
  // the node's global degree.
  Csr<GlobalId> rows;
  FeatureMatrix features;  // [n rows]; n_cols == 0 when featureless

  IdDirectory directory;  // over `canonical` (empty: find searches all of it)

  std::int64_t size() const { return static_cast<std::int64_t>(canonical.size()); }
  // Index of canonical node `node` here, or -1 when this rank builds none of its parts.
  std::int64_t find(GlobalId node) const;
};

// Collective: every rank sends each node of its block (row i: canonical blocks.begin(rank) + i)
// to the builder of its part, and gets the nodes of the parts it builds. `features` has the
// block's rows or n_cols == 0; `with_values` (the same on every rank) says whether feature values
// are stored (a pattern matrix has none).
BuilderNodes send_nodes_to_builders(const Communicator& communicator, const NodeBlocks& blocks,
                                    const BlockAdjacency& adjacency,
                                    std::span<const std::int32_t> part_of,
                                    std::span<const GlobalId> original_ids,
                                    const FeatureBlock& features, bool with_values, int num_parts);

}  // namespace distgae
