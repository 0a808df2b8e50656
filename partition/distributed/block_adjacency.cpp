#include "partition/distributed/block_adjacency.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>

#include "comm/exchange.hpp"

namespace distgae {

BlockAdjacency block_adjacency(const Communicator& communicator, const NodeBlocks& blocks,
                               const std::vector<NodePair>& train) {
  const int me = communicator.rank();
  const GlobalId first_node = blocks.begin(me);
  const GlobalId block_size = blocks.size(me);
  // Each pair's first endpoint is ours: only its reverse, (second, first), may belong to another
  // rank. Those travel, written straight into their destination's slice of one send buffer
  // (no list of both directions, no sort of all rows: this step's memory is the graph's once).
  std::vector<std::int64_t> send_counts(static_cast<std::size_t>(communicator.size()), 0);
  for (const NodePair& pair : train) {
    if (pair.first < first_node || pair.first >= first_node + block_size) {
      throw std::invalid_argument("block_adjacency: a training pair starts outside the block");
    }
    const int owner = blocks.owner(pair.second);
    if (owner != me) ++send_counts[static_cast<std::size_t>(owner)];
  }
  std::vector<std::int64_t> fill(send_counts.size(), 0);
  for (std::size_t q = 1; q < fill.size(); ++q) fill[q] = fill[q - 1] + send_counts[q - 1];
  std::vector<NodePair> reverse(static_cast<std::size_t>(fill.back() + send_counts.back()));
  for (const NodePair& pair : train) {
    const int owner = blocks.owner(pair.second);
    if (owner != me) reverse[fill[static_cast<std::size_t>(owner)]++] = {pair.second, pair.first};
  }
  const std::vector<NodePair> arrived = exchange(communicator, std::span<const NodePair>(reverse),
                                                 std::span<const std::int64_t>(send_counts));
  std::vector<NodePair>().swap(reverse);

  // Row lengths, then the columns in place, then each row sorted.
  BlockAdjacency adjacency;
  adjacency.n_cols = blocks.num_nodes;
  adjacency.row_start.assign(static_cast<std::size_t>(block_size) + 1, 0);
  auto local_row = [&](GlobalId node) { return static_cast<std::size_t>(node - first_node); };
  auto is_local = [&](GlobalId node) {
    return node >= first_node && node < first_node + block_size;
  };
  for (const NodePair& pair : train) {
    ++adjacency.row_start[local_row(pair.first) + 1];
    if (is_local(pair.second)) ++adjacency.row_start[local_row(pair.second) + 1];
  }
  for (const NodePair& pair : arrived) ++adjacency.row_start[local_row(pair.first) + 1];
  for (GlobalId row = 0; row < block_size; ++row) {
    adjacency.row_start[row + 1] += adjacency.row_start[row];
  }
  adjacency.col_index.resize(static_cast<std::size_t>(adjacency.row_start.back()));
  std::vector<std::int64_t> cursor(adjacency.row_start.begin(), adjacency.row_start.end() - 1);
  auto place = [&](GlobalId row, GlobalId column) {
    adjacency.col_index[static_cast<std::size_t>(cursor[local_row(row)]++)] = column;
  };
  for (const NodePair& pair : train) {
    place(pair.first, pair.second);
    if (is_local(pair.second)) place(pair.second, pair.first);
  }
  for (const NodePair& pair : arrived) place(pair.first, pair.second);
  for (GlobalId row = 0; row < block_size; ++row) {
    std::sort(adjacency.col_index.begin() + adjacency.row_start[row],
              adjacency.col_index.begin() + adjacency.row_start[row + 1]);
  }
  return adjacency;
}

}  // namespace distgae
