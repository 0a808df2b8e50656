// build_parts_distributed (partition/distributed/distributed_parts.hpp) against the whole-graph
// build: Cora split and partitioned on every rank, sliced into the ranks' blocks, built in
// parallel; every field of every part (on its builder) and the meta share must equal
// order_nodes + build_parts + compute_statistics. At np 1 it checks the one-rank form; from np 2
// nodes, rows and halo facts cross ranks, and K != P puts several parts or none on a rank.
#include <gtest/gtest.h>

#include <string>

#include "comm/communicator.hpp"
#include "cora_blocks.hpp"
#include "core/error.hpp"
#include "partition/distributed/builder_nodes.hpp"
#include "partition/distributed/distributed_parts.hpp"

namespace distgae {
namespace {

using testing::CoraBlock;
using testing::ReferenceParts;

void expect_same_meta(const DatasetMeta& actual, const ReferenceParts& reference,
                      const CoraBlock& block, int rank) {
  const GlobalId begin = block.blocks.begin(rank), end = block.blocks.end(rank);
  EXPECT_EQ(actual.num_nodes, block.blocks.num_nodes);
  EXPECT_EQ(actual.num_parts, static_cast<int>(reference.parts.size()));
  EXPECT_EQ(actual.part_offsets, reference.ordering.part_offsets);
  EXPECT_EQ(actual.node_id, block.original_ids);
  EXPECT_EQ(actual.canonical_to_ordered,
            std::vector<GlobalId>(reference.ordering.canonical_to_ordered.begin() + begin,
                                  reference.ordering.canonical_to_ordered.begin() + end));
  const PartitionStatistics& stats = actual.stats;
  EXPECT_EQ(stats.owned, reference.stats.owned);
  EXPECT_EQ(stats.interior, reference.stats.interior);
  EXPECT_EQ(stats.halo, reference.stats.halo);
  EXPECT_EQ(stats.sent, reference.stats.sent);
  EXPECT_EQ(stats.local_edges, reference.stats.local_edges);
  EXPECT_EQ(stats.train_edges, reference.stats.train_edges);
  EXPECT_EQ(stats.edge_cut, reference.stats.edge_cut);
  EXPECT_EQ(stats.comm_volume, reference.stats.comm_volume);
  EXPECT_EQ(stats.imbalance, reference.stats.imbalance);
}

DatasetShare build_share(const Communicator& world, const CoraBlock& block, int num_parts) {
  return build_parts_distributed(world, block.blocks, block.adjacency, block.part_of,
                                 block.original_ids, block.split, block.features, num_parts);
}

// Builds in parallel and compares with the whole-graph build; every rank checks its share.
void expect_whole_graph_build(const PartitionOptions& options, bool featured) {
  const Communicator world = Communicator::world();
  SCOPED_TRACE(::testing::Message() << "K = " << options.num_parts << " on rank " << world.rank()
                                    << " of " << world.size());
  const ReferenceParts reference =
      testing::reference_parts(testing::cora_graph(), options, featured);
  const CoraBlock block = testing::slice_block(testing::cora_graph(), reference.part_of,
                                               world.rank(), world.size(), featured);
  const DatasetShare share = build_share(world, block, options.num_parts);

  const std::vector<int> built_here = parts_built_by(world.rank(), options.num_parts, world.size());
  ASSERT_EQ(share.parts.size(), built_here.size());  // no collective follows
  for (std::size_t i = 0; i < built_here.size(); ++i) {
    EXPECT_EQ(share.parts[i].part, built_here[i]);
    testing::expect_same_part(share.parts[i],
                              reference.parts[static_cast<std::size_t>(built_here[i])]);
  }
  expect_same_meta(share.meta, reference, block, world.rank());
}

TEST(DistributedParts, MatchTheWholeGraphBuildForMetisParts) {
  for (const int parts : {1, 2, 3, 4, 5, 8}) {
    PartitionOptions options;
    options.num_parts = parts;
    options.seed = 7;
    expect_whole_graph_build(options, true);
  }
}

TEST(DistributedParts, MatchTheWholeGraphBuildForRandomParts) {
  for (const int parts : {2, 3, 5, 8}) {
    PartitionOptions options;
    options.num_parts = parts;
    options.method = PartitionMethod::kRandom;
    options.seed = 11;
    expect_whole_graph_build(options, true);
  }
}

TEST(DistributedParts, MatchTheWholeGraphBuildWithoutFeatures) {
  PartitionOptions options;
  options.num_parts = Communicator::world().size() + 1;
  options.objective = PartitionObjective::kCut;
  expect_whole_graph_build(options, false);
}

TEST(DistributedParts, EveryPartHasOneBuilderAndPartRIsBuiltByRankR) {
  for (int ranks = 1; ranks <= 9; ++ranks) {
    for (int parts = 1; parts <= 12; ++parts) {
      std::vector<int> builds(static_cast<std::size_t>(parts), 0);
      int previous = -1;
      for (int rank = 0; rank < ranks; ++rank) {
        for (const int part : parts_built_by(rank, parts, ranks)) {
          ++builds[static_cast<std::size_t>(part)];
          EXPECT_EQ(builder_of(part, parts, ranks), rank);
          EXPECT_GT(part, previous);  // contiguous, ascending ranges in rank order
          previous = part;
        }
      }
      EXPECT_EQ(builds, std::vector<int>(static_cast<std::size_t>(parts), 1));
      if (parts == ranks) {
        for (int rank = 0; rank < ranks; ++rank) EXPECT_EQ(builder_of(rank, parts, ranks), rank);
      }
    }
  }
}

TEST(DistributedParts, ABadPartOnOneRankIsTheSameErrorOnEveryRank) {
  const Communicator world = Communicator::world();
  PartitionOptions options;
  options.num_parts = 2;
  const ReferenceParts reference = testing::reference_parts(testing::cora_graph(), options, false);
  CoraBlock block = testing::slice_block(testing::cora_graph(), reference.part_of, world.rank(),
                                         world.size(), false);
  if (world.rank() == world.size() - 1) block.part_of.back() = options.num_parts;
  std::string message;
  try {
    build_share(world, block, options.num_parts);
  } catch (const AgreedError& error) {
    message = error.what();
  }
  EXPECT_NE(message.find("part 2 outside 0..1"), std::string::npos) << message;
  EXPECT_EQ(world.broadcast(message), message);
}

}  // namespace
}  // namespace distgae
