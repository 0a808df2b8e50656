// Featureless rows between their owners and the canonical blocks a checkpoint is written in:
// every rank ends up with exactly the canonical rows of its block, and back again, for any P.
#include <gtest/gtest.h>

#include "comm/communicator.hpp"
#include "partition/partition_pipeline.hpp"
#include "train/canonical_blocks.hpp"

namespace distgae {
namespace {

constexpr int kWidth = 3;

float value_of(GlobalId canonical, int column) {
  return static_cast<float>(canonical * 10 + column);
}

TEST(CanonicalBlocks, BlocksTileTheRowsInRankOrder) {
  for (std::int64_t rows : {0, 1, 5, 7, 2708}) {
    for (int ranks : {1, 2, 3, 4, 8}) {
      std::int64_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        const RowBlock block = canonical_block(rows, ranks, r);
        EXPECT_EQ(block.first, next);
        EXPECT_LE(block.count, rows / ranks + 1);
        for (std::int64_t row = block.first; row < block.first + block.count; ++row) {
          EXPECT_EQ(canonical_block_of(row, rows, ranks), r) << row << " of " << rows;
        }
        next += block.count;
      }
      EXPECT_EQ(next, rows);
    }
  }
}

TEST(CanonicalBlocks, OwnedRowsGoToTheirCanonicalBlockAndBack) {
  const Communicator world = Communicator::world();
  PartitionJob job;
  job.graph_path = DISTGAE_TEST_DATA "/cora/edges.txt";
  job.partition.num_parts = world.size();
  job.split.seed = 3;
  PartitionedDataset dataset = partition_dataset(job);
  const PartData& part = dataset.parts[static_cast<std::size_t>(world.rank())];
  const std::span<const GlobalId> owned(part.canonical_id.data(),
                                        static_cast<std::size_t>(part.n_owned));

  std::vector<float> rows(owned.size() * kWidth);
  for (std::size_t i = 0; i < owned.size(); ++i) {
    for (int j = 0; j < kWidth; ++j) rows[i * kWidth + j] = value_of(owned[i], j);
  }
  const CanonicalBlockExchange exchange(dataset.meta, owned, world);
  const RowBlock block = exchange.block();
  EXPECT_EQ(world.allreduce_sum(block.count), dataset.meta.num_nodes);

  const std::vector<float> block_rows = exchange.to_block(rows, kWidth);
  ASSERT_EQ(block_rows.size(), static_cast<std::size_t>(block.count) * kWidth);
  for (std::int64_t i = 0; i < block.count; ++i) {
    for (int j = 0; j < kWidth; ++j) {
      ASSERT_EQ(block_rows[static_cast<std::size_t>(i) * kWidth + j], value_of(block.first + i, j))
          << "block row " << i << " of rank " << world.rank();
    }
  }

  std::vector<float> back(rows.size(), -1.0f);
  exchange.from_block(block_rows, kWidth, back);
  EXPECT_EQ(back, rows);
}

}  // namespace
}  // namespace distgae
