// The train/val/test split of the canonical graph, computed by the ranks that hold it in blocks
// (block_graph.hpp): exactly split_edges (partition/edge_split.hpp) of the whole graph, each list
// restricted to the pairs whose first endpoint lies in this rank's block, for any number of ranks.
#pragma once

#include <cstdint>

#include "comm/communicator.hpp"
#include "partition/distributed/block_graph.hpp"
#include "partition/edge_split.hpp"

namespace distgae {

// Collective. Positives: the same ranking as split_edges (edge_split_key, ties by global edge
// index), cut by a distributed selection, never gathering the keys. Negatives: the same draws
// i = 0, 1, 2, ... (negative_draw), made in batches of `draws_per_batch` consecutive indices
// spread over the ranks and judged by the owner of each pair's first endpoint; 0 sizes each
// batch from the expected acceptance rate (a few rounds even for 10^7 negatives). The result
// does not depend on the batch size or on the number of ranks. Errors are the single-process
// ones, thrown as the same AgreedError on every rank.
SplitShare split_distributed(const Communicator& communicator, const BlockGraph& graph,
                             const SplitOptions& options, std::int64_t draws_per_batch = 0);

}  // namespace distgae
