// The block distribution of canonical node ids over the ranks of the partition pipeline: rank r
// holds ids [begin(r), begin(r+1)), begin(r) = floor(N r / P). Every distributed step keys its
// data by this owner, so a node's facts (original id, adjacency row, features, part) live on one
// rank and any rank finds that rank by arithmetic.
#pragma once

#include <cstdint>
#include <stdexcept>

#include "core/types.hpp"

namespace distgae {

// N * P overflows 64 bits only past 2^57 nodes at 64 ranks, but the product is exact this way.
__extension__ using WideProduct = __int128;

struct NodeBlocks {
  GlobalId num_nodes = 0;
  int num_ranks = 1;

  NodeBlocks() = default;
  NodeBlocks(GlobalId nodes, int ranks) : num_nodes(nodes), num_ranks(ranks) {
    if (nodes < 0 || ranks < 1) throw std::invalid_argument("NodeBlocks: N >= 0 and P >= 1");
  }

  GlobalId begin(int rank) const {
    return static_cast<GlobalId>(static_cast<WideProduct>(num_nodes) * rank / num_ranks);
  }
  GlobalId end(int rank) const { return begin(rank + 1); }
  GlobalId size(int rank) const { return end(rank) - begin(rank); }

  // The rank whose block holds canonical id `node` (0 <= node < num_nodes): the largest r with
  // begin(r) <= node.
  int owner(GlobalId node) const {
    return static_cast<int>((static_cast<WideProduct>(node + 1) * num_ranks - 1) / num_nodes);
  }
};

}  // namespace distgae
