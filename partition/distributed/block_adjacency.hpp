// The symmetric training adjacency in block distribution, built from the split's train share.
#pragma once

#include "comm/communicator.hpp"
#include "partition/distributed/block_graph.hpp"

namespace distgae {

// Collective. `train` holds this rank's training pairs (canonical, first < second, first in this
// rank's block); every pair is sent to the owners of both endpoints, so each rank gets its
// block's whole rows: the same rows, in the same order, as symmetric_adjacency
// (partition/canonical_graph.hpp) gives for them.
BlockAdjacency block_adjacency(const Communicator& communicator, const NodeBlocks& blocks,
                               const std::vector<NodePair>& train);

}  // namespace distgae
