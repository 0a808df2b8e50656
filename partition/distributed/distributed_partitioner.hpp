// The partition stage of the distributed pipeline: the part of every node of this rank's block,
// from the block-distributed training adjacency, with the single-process assign_parts' options,
// checks and empty-part rule (partition/graph_partitioner.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "comm/communicator.hpp"
#include "partition/distributed/block_graph.hpp"
#include "partition/graph_partitioner.hpp"

namespace distgae {

// Collective. Returns [blocks.size(rank)] the part of canonical node blocks.begin(rank) + i, in
// 0..num_parts-1, every part non-empty. Throws InputError as assign_parts does (on every rank).
//   kRandom:   assign_parts' hash: the same parts as one process gives, for any P.
//   kMetis:    rank 0 gathers the whole adjacency and runs assign_parts: the same parts as one
//              process gives, for any P, but rank 0 holds the graph (the user's choice).
//   kPtScotch: comm/distributed_graph_partitioner.hpp on the blocks (deterministic for a fixed
//              seed and P; different P may give different parts).
std::vector<std::int32_t> assign_parts_distributed(const Communicator& communicator,
                                                   const NodeBlocks& blocks,
                                                   const BlockAdjacency& adjacency,
                                                   const PartitionOptions& options);

// fill_empty_parts' rule on a block-distributed assignment: `part_of` [blocks.size(rank)] is
// changed exactly as fill_empty_parts would change the concatenation of every rank's share.
// Collective: part sizes by allreduce, each donor's best nodes gathered from every rank.
void fill_empty_parts_distributed(const Communicator& communicator, const NodeBlocks& blocks,
                                  const BlockAdjacency& adjacency, int num_parts,
                                  std::vector<std::int32_t>& part_of);

}  // namespace distgae
