// Each rank loads its own part of a real partitioned Cora and exchanges rows with its peers.
#include "comm/halo_exchange.hpp"

#include <gtest/gtest.h>

#include "comm/communicator.hpp"
#include "cora_dataset.hpp"
#include "io/dataset.hpp"

namespace distgae {
namespace {

HaloPlan plan_of(const PartData& part) {
  return {part.n_owned, part.halo_offsets, part.send_offsets, part.send_rows};
}

// A value per (canonical id, column) that survives float32 exactly for Cora's 2708 nodes.
float row_value(GlobalId canonical, int column) {
  return static_cast<float>(canonical) + 0.25f * static_cast<float>(column);
}

TEST(PartitionedDataset, EachRankLoadsItsPartAndTogetherTheyCoverTheGraph) {
  const Communicator world = Communicator::world();
  const std::string& dir = testing::cora_dataset_for_world();
  const DatasetMeta meta = read_dataset_meta(dir);
  ASSERT_EQ(meta.num_parts, world.size());
  const PartData part = read_part(dir, world.rank());
  EXPECT_EQ(part.part, world.rank());
  EXPECT_EQ(part.n_owned, meta.part_offsets[world.rank() + 1] - meta.part_offsets[world.rank()]);
  EXPECT_EQ(world.allreduce_sum(part.n_owned), 2708);
  EXPECT_EQ(world.allreduce_sum(static_cast<std::int64_t>(part.train_edges.size())),
            meta.num_train_edges);
  EXPECT_EQ(world.allreduce_sum(static_cast<std::int64_t>(part.test_pos.size())), 527);
  EXPECT_EQ(world.allreduce_sum(static_cast<std::int64_t>(part.val_neg.size())), 263);
  // Owned rows are this rank's contiguous range of the partition order.
  for (std::int64_t i = 0; i < part.n_owned; ++i) {
    EXPECT_EQ(meta.canonical_to_ordered[part.canonical_id[i]], meta.part_offsets[world.rank()] + i);
  }
}

TEST(HaloExchange, ForwardFillsEveryHaloRowWithItsOwnersRow) {
  const Communicator world = Communicator::world();
  const PartData part = read_part(testing::cora_dataset_for_world(), world.rank());
  HaloExchange exchange(plan_of(part), world);
  for (int width : {1, 3, 16}) {
    const std::int64_t n_local = part.n_owned + part.n_halo;
    std::vector<float> rows(static_cast<std::size_t>(n_local * width), -1.0f);
    for (std::int64_t i = 0; i < part.n_owned; ++i) {
      for (int k = 0; k < width; ++k) rows[i * width + k] = row_value(part.canonical_id[i], k);
    }
    exchange.forward(rows, width);
    for (std::int64_t i = 0; i < n_local; ++i) {
      for (int k = 0; k < width; ++k) {
        ASSERT_EQ(rows[i * width + k], row_value(part.canonical_id[i], k))
            << "local row " << i << " (halo: " << (i >= part.n_owned) << "), width " << width;
      }
    }
  }
  const std::int64_t halo_rows_received = world.allreduce_sum(part.n_halo);
  EXPECT_EQ(world.allreduce_sum(exchange.bytes_sent()),
            halo_rows_received * (1 + 3 + 16) * static_cast<std::int64_t>(sizeof(float)));
}

}  // namespace
}  // namespace distgae
