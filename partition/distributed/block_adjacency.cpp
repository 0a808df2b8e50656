#include "partition/distributed/block_adjacency.hpp"

#include <algorithm>

#include "comm/exchange.hpp"

namespace distgae {

BlockAdjacency block_adjacency(const Communicator& communicator, const NodeBlocks& blocks,
                               const std::vector<NodePair>& train) {
  // Both directions of every pair, each to the owner of its row endpoint.
  std::vector<NodePair> directed;
  directed.reserve(2 * train.size());
  for (const NodePair& pair : train) {
    directed.push_back(pair);
    directed.push_back(NodePair{pair.second, pair.first});
  }
  std::vector<NodePair> rows = route(communicator, std::span<const NodePair>(directed),
                                     [&](const NodePair& e) { return blocks.owner(e.first); });
  directed.clear();
  directed.shrink_to_fit();
  std::sort(rows.begin(), rows.end());

  const GlobalId first_node = blocks.begin(communicator.rank());
  const GlobalId block_size = blocks.size(communicator.rank());
  BlockAdjacency adjacency;
  adjacency.n_cols = blocks.num_nodes;
  adjacency.row_start.assign(static_cast<std::size_t>(block_size) + 1, 0);
  adjacency.col_index.reserve(rows.size());
  for (const NodePair& e : rows) {
    ++adjacency.row_start[static_cast<std::size_t>(e.first - first_node) + 1];
    adjacency.col_index.push_back(e.second);
  }
  for (GlobalId row = 0; row < block_size; ++row) {
    adjacency.row_start[row + 1] += adjacency.row_start[row];
  }
  return adjacency;
}

}  // namespace distgae
