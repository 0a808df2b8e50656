// The typed all-to-all and the block distribution every distributed partition step builds on.
#include <gtest/gtest.h>

#include <numeric>

#include "comm/communicator.hpp"
#include "comm/exchange.hpp"
#include "partition/canonical_graph.hpp"
#include "partition/distributed/block_adjacency.hpp"
#include "partition/distributed/node_blocks.hpp"

namespace distgae {
namespace {

TEST(NodeBlocks, OwnerIsTheBlockHoldingTheId) {
  for (GlobalId nodes : {1, 2, 3, 7, 100, 101}) {
    for (int ranks : {1, 2, 3, 4, 8, 16}) {
      const NodeBlocks blocks(nodes, ranks);
      EXPECT_EQ(blocks.begin(0), 0);
      EXPECT_EQ(blocks.end(ranks - 1), nodes);
      for (GlobalId node = 0; node < nodes; ++node) {
        const int owner = blocks.owner(node);
        ASSERT_GE(node, blocks.begin(owner)) << nodes << " " << ranks;
        ASSERT_LT(node, blocks.end(owner)) << nodes << " " << ranks;
      }
    }
  }
}

TEST(Exchange, RoutesRecordsToTheirOwnersInSourceOrder) {
  const Communicator world = Communicator::world();
  struct Record {
    std::int64_t value;
    std::int32_t source;
    std::int32_t index;
  };
  std::vector<Record> items;
  for (int i = 0; i < 50; ++i) items.push_back({i * 7 + world.rank(), world.rank(), i});
  std::vector<std::int64_t> counts;
  const std::vector<Record> received = route(
      world, std::span<const Record>(items),
      [&](const Record& r) { return static_cast<int>(r.value % world.size()); }, &counts);
  ASSERT_EQ(counts.size(), static_cast<std::size_t>(world.size()));
  EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), std::int64_t{0}),
            static_cast<std::int64_t>(received.size()));
  EXPECT_EQ(world.allreduce_sum(static_cast<std::int64_t>(received.size())), 50 * world.size());
  for (std::size_t i = 0; i < received.size(); ++i) {
    EXPECT_EQ(received[i].value % world.size(), world.rank());
    if (i > 0) {
      // Grouped by source rank, each source's records in its own order.
      const Record& before = received[i - 1];
      EXPECT_TRUE(before.source < received[i].source ||
                  (before.source == received[i].source && before.index < received[i].index));
    }
  }
}

TEST(Exchange, ScansAndGathers) {
  const Communicator world = Communicator::world();
  EXPECT_EQ(world.exclusive_sum(world.rank() + 1), world.rank() * (world.rank() + 1) / 2);
  const std::vector<std::int64_t> all = world.allgather(10 * world.rank());
  for (int r = 0; r < world.size(); ++r) EXPECT_EQ(all[r], 10 * r);
  EXPECT_EQ(world.allreduce_min(world.rank() + 5), 5);
  const std::vector<std::uint8_t> mine{1, 2, 3};
  const std::vector<std::uint8_t> bytes = world.broadcast(
      std::span<const std::uint8_t>(world.rank() == 0 ? mine : std::vector<std::uint8_t>{}));
  EXPECT_EQ(bytes, mine);
}

TEST(BlockAdjacency, EqualsTheRowsOfTheWholeAdjacency) {
  const Communicator world = Communicator::world();
  const GlobalId nodes = 37;
  std::vector<NodePair> all;
  for (GlobalId u = 0; u < nodes; ++u) {
    for (GlobalId v = u + 1; v < nodes; ++v) {
      if ((u * 13 + v * 7) % 5 == 0) all.push_back({u, v});
    }
  }
  const NodeBlocks blocks(nodes, world.size());
  std::vector<NodePair> mine;
  for (const NodePair& e : all) {
    if (blocks.owner(e.first) == world.rank()) mine.push_back(e);
  }
  const BlockAdjacency block = block_adjacency(world, blocks, mine);
  const Csr<GlobalId> whole = symmetric_adjacency(nodes, all);
  ASSERT_EQ(block.n_rows(), blocks.size(world.rank()));
  for (GlobalId row = 0; row < block.n_rows(); ++row) {
    const auto expected = whole.row(blocks.begin(world.rank()) + row);
    const auto got = block.row(row);
    ASSERT_EQ(std::vector<GlobalId>(got.begin(), got.end()),
              std::vector<GlobalId>(expected.begin(), expected.end()));
  }
}

}  // namespace
}  // namespace distgae
