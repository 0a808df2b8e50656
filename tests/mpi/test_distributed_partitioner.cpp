// The distributed partition stage against the single-process one: every node gets a part, no
// part is empty, PT-Scotch keeps the tolerance and repeats itself, and METIS, random and the
// empty-part rule give exactly the single-process parts for any rank count.
#include "partition/distributed/distributed_partitioner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/part_sizes.hpp"
#include "block_graph_testing.hpp"
#include "comm/distributed_graph_partitioner.hpp"
#include "core/error.hpp"
#include "io/graph_readers.hpp"
#include "partition/canonical_graph.hpp"

namespace distgae {
namespace {

using testing::cora_adjacency;

// Every rank's share, concatenated in rank order, on every rank.
std::vector<std::int32_t> gathered(const Communicator& world,
                                   const std::vector<std::int32_t>& share) {
  const std::vector<std::int64_t> all =
      world.allgatherv(std::vector<std::int64_t>(share.begin(), share.end()));
  return {all.begin(), all.end()};
}

struct DistributedRun {
  std::vector<std::int32_t> share;  // this rank's block
  std::vector<std::int32_t> all;    // every rank's, in canonical order
};

DistributedRun run_distributed(const Csr<GlobalId>& whole, const PartitionOptions& options) {
  const Communicator world = Communicator::world();
  const NodeBlocks blocks(whole.n_rows(), world.size());
  DistributedRun run;
  run.share = assign_parts_distributed(
      world, blocks, testing::adjacency_block(whole, blocks, world.rank()), options);
  EXPECT_EQ(run.share.size(), static_cast<std::size_t>(blocks.size(world.rank())));
  run.all = gathered(world, run.share);
  return run;
}

PartitionOptions options_for(int num_parts, PartitionMethod method) {
  PartitionOptions options;
  options.num_parts = num_parts;
  options.method = method;
  options.seed = 7;
  return options;
}

using testing::part_sizes;

// K below and above the rank counts the tests run at (1 to 4).
TEST(DistributedPartitioner, PtScotchGivesEveryNodeAPartWithinTheTolerance) {
  for (const int num_parts : {2, 3, 5, 8, 16}) {
    for (const double imbalance : {1.03, 1.10}) {
      PartitionOptions options = options_for(num_parts, PartitionMethod::kPtScotch);
      options.imbalance = imbalance;
      const DistributedRun run = run_distributed(cora_adjacency(), options);
      ASSERT_EQ(run.all.size(), static_cast<std::size_t>(cora_adjacency().n_rows()));
      const std::vector<std::int64_t> sizes = part_sizes(run.all, num_parts);
      const double mean = static_cast<double>(run.all.size()) / num_parts;
      for (int p = 0; p < num_parts; ++p) {
        EXPECT_GT(sizes[p], 0) << "part " << p << " of " << num_parts;
        // The refinement after PT-Scotch empties any overflow: no part above the tolerance.
        EXPECT_LE(sizes[p], std::max(std::ceil(mean), std::floor(mean * imbalance)))
            << "part " << p << " of " << num_parts << " at imbalance " << imbalance;
      }
    }
  }
}

TEST(DistributedPartitioner, PtScotchRepeatsItselfForAFixedSeed) {
  for (const int num_parts : {3, 16}) {
    const PartitionOptions options = options_for(num_parts, PartitionMethod::kPtScotch);
    const DistributedRun first = run_distributed(cora_adjacency(), options);
    const DistributedRun second = run_distributed(cora_adjacency(), options);
    EXPECT_EQ(first.all, second.all) << num_parts << " parts";
  }
}

TEST(DistributedPartitioner, EveryStrategyRepeatsItselfAndCoversEveryNode) {
  const Communicator world = Communicator::world();
  const NodeBlocks blocks(cora_adjacency().n_rows(), world.size());
  const BlockAdjacency block = testing::adjacency_block(cora_adjacency(), blocks, world.rank());
  std::vector<std::int64_t> distribution;
  for (int r = 0; r <= world.size(); ++r) distribution.push_back(blocks.begin(r));
  const DistributedGraphView view{distribution, block.row_start, block.col_index, {}, {}};
  // Not kParmetisInterface: Scotch's layer behind it runs on the library's global generator and
  // threads, and varies between calls unless SCOTCH_PTHREAD_NUMBER=1 (comm/distributed_graph_
  // partitioner.hpp); RanksWithoutVerticesTakePart covers that path.
  for (const auto strategy :
       {DistributedStrategy::kDefault, DistributedStrategy::kQuality, DistributedStrategy::kBalance,
        DistributedStrategy::kSpeed, DistributedStrategy::kScalability}) {
    DistributedPartitionSettings settings;
    settings.num_parts = 6;
    settings.strategy = strategy;
    const std::vector<std::int32_t> first = partition_distributed_graph(world, view, settings);
    const std::vector<std::int32_t> second = partition_distributed_graph(world, view, settings);
    EXPECT_EQ(first, second) << "strategy " << static_cast<int>(strategy);
    EXPECT_EQ(first.size(), static_cast<std::size_t>(blocks.size(world.rank())));
    for (const std::int32_t p : first) {
      EXPECT_GE(p, 0);
      EXPECT_LT(p, 6);
    }
  }
}

TEST(DistributedPartitioner, MetisAndRandomGiveTheSingleProcessPartsForAnyRankCount) {
  for (const auto method : {PartitionMethod::kMetis, PartitionMethod::kRandom}) {
    for (const int num_parts : {2, 5, 16}) {
      const PartitionOptions options = options_for(num_parts, method);
      const DistributedRun run = run_distributed(cora_adjacency(), options);
      EXPECT_EQ(run.all, assign_parts(cora_adjacency(), options))
          << (method == PartitionMethod::kMetis ? "metis" : "random") << ", " << num_parts;
    }
  }
}

TEST(DistributedPartitioner, OnePartPutsEveryNodeInPartZero) {
  for (const auto method :
       {PartitionMethod::kMetis, PartitionMethod::kRandom, PartitionMethod::kPtScotch}) {
    const DistributedRun run = run_distributed(cora_adjacency(), options_for(1, method));
    EXPECT_EQ(run.all, std::vector<std::int32_t>(cora_adjacency().n_rows(), 0));
  }
}

TEST(DistributedPartitioner, RefusesWhatAssignPartsRefusesWithItsMessage) {
  const Communicator world = Communicator::world();
  const NodeBlocks blocks(cora_adjacency().n_rows(), world.size());
  const BlockAdjacency block = testing::adjacency_block(cora_adjacency(), blocks, world.rank());
  PartitionOptions too_many = options_for(5000, PartitionMethod::kPtScotch);
  PartitionOptions none = options_for(0, PartitionMethod::kPtScotch);
  PartitionOptions loose = options_for(4, PartitionMethod::kPtScotch);
  loose.imbalance = 0.5;
  for (const PartitionOptions& options : {too_many, none, loose}) {
    std::string single, distributed;
    try {
      PartitionOptions metis = options;
      metis.method = PartitionMethod::kMetis;
      assign_parts(cora_adjacency(), metis);
    } catch (const InputError& error) {
      single = error.what();
    }
    try {
      assign_parts_distributed(world, blocks, block, options);
    } catch (const InputError& error) {
      distributed = error.what();
    }
    EXPECT_FALSE(single.empty());
    EXPECT_EQ(distributed, single);
  }
}

// Nodes 0..N/2 form a ring; the rest have no edges, so the last ranks' blocks hold none.
TEST(DistributedPartitioner, BlocksWithoutEdgesStillGetParts) {
  constexpr GlobalId kNodes = 40;
  std::vector<NodePair> ring;
  for (GlobalId node = 0; node < kNodes / 2; ++node)
    ring.push_back({node, (node + 1) % (kNodes / 2)});
  for (NodePair& pair : ring) {
    if (pair.first > pair.second) std::swap(pair.first, pair.second);
  }
  std::sort(ring.begin(), ring.end());
  const Csr<GlobalId> whole = symmetric_adjacency(kNodes, ring);
  for (const int num_parts : {2, 4, 7}) {
    const DistributedRun run =
        run_distributed(whole, options_for(num_parts, PartitionMethod::kPtScotch));
    const std::vector<std::int64_t> sizes = part_sizes(run.all, num_parts);
    for (int p = 0; p < num_parts; ++p) EXPECT_GT(sizes[p], 0) << p << " of " << num_parts;
  }
}

// A rank holding no vertex at all (vertex_distribution repeats a value) takes part too.
TEST(DistributedPartitioner, RanksWithoutVerticesTakePart) {
  const Communicator world = Communicator::world();
  const Csr<GlobalId>& whole = cora_adjacency();
  // Rank 0 holds nothing; the others split the graph (at np 1 rank 0 holds it all).
  const int holders = std::max(1, world.size() - 1);
  const int first_holder = world.size() - holders;
  std::vector<std::int64_t> distribution(static_cast<std::size_t>(world.size()) + 1, 0);
  const NodeBlocks holder_blocks(whole.n_rows(), holders);
  for (int r = first_holder; r <= world.size(); ++r) {
    distribution[r] = holder_blocks.begin(r - first_holder);
  }
  const BlockAdjacency block =
      world.rank() < first_holder
          ? BlockAdjacency{}
          : testing::adjacency_block(whole, holder_blocks, world.rank() - first_holder);
  for (const auto strategy :
       {DistributedStrategy::kQuality, DistributedStrategy::kParmetisInterface}) {
    DistributedPartitionSettings settings;
    settings.num_parts = 4;
    settings.strategy = strategy;
    const std::vector<std::int32_t> share = partition_distributed_graph(
        world, {distribution, block.row_start, block.col_index, {}, {}}, settings);
    EXPECT_EQ(share.size(), static_cast<std::size_t>(block.n_rows()));
    const std::vector<std::int64_t> sizes = part_sizes(gathered(world, share), 4);
    for (int p = 0; p < 4; ++p) EXPECT_GT(sizes[p], 0);
  }
}

TEST(DistributedPartitioner, MalformedViewsAreRefusedOnEveryRank) {
  const Communicator world = Communicator::world();
  const std::vector<std::int64_t> short_distribution{0};
  const std::vector<std::int64_t> row_start{0};
  EXPECT_ANY_THROW(
      partition_distributed_graph(world, {short_distribution, row_start, {}, {}, {}}, {}));
  // Only the last rank holds a vertex, whose neighbour lies outside the graph.
  std::vector<std::int64_t> distribution(static_cast<std::size_t>(world.size()) + 1, 0);
  distribution.back() = 1;
  const bool last = world.rank() == world.size() - 1;
  const std::vector<std::int64_t> rows =
      last ? std::vector<std::int64_t>{0, 1} : std::vector<std::int64_t>{0};
  const std::vector<std::int64_t> columns =
      last ? std::vector<std::int64_t>{5} : std::vector<std::int64_t>{};
  DistributedPartitionSettings settings;
  settings.num_parts = 2;
  EXPECT_ANY_THROW(
      partition_distributed_graph(world, {distribution, rows, columns, {}, {}}, settings));
  // Weights of the wrong length or below 1, on the last rank only.
  const std::vector<std::int64_t> no_columns{};
  const std::vector<std::int64_t> zero_weight{0}, two_weights{1, 1};
  const std::vector<std::int64_t>& bad_vertex_weights = last ? zero_weight : no_columns;
  EXPECT_ANY_THROW(partition_distributed_graph(world,
                                               {distribution,
                                                last ? std::vector<std::int64_t>{0, 0} : rows,
                                                no_columns,
                                                bad_vertex_weights,
                                                {}},
                                               settings));
  const std::vector<std::int64_t>& bad_edge_weights = last ? two_weights : no_columns;
  EXPECT_ANY_THROW(partition_distributed_graph(world,
                                               {distribution,
                                                last ? std::vector<std::int64_t>{0, 0} : rows,
                                                no_columns,
                                                {},
                                                bad_edge_weights},
                                               settings));
}

// Weighted paths held by rank 0 (the other ranks hold none): the parts balance vertex weights
// and cut the lightest edge.
std::vector<std::int32_t> bisect_path(const std::vector<std::int64_t>& vertex_weights,
                                      const std::vector<std::int64_t>& edge_weights,
                                      double imbalance) {
  const Communicator world = Communicator::world();
  const auto n = static_cast<std::int64_t>(vertex_weights.size());
  std::vector<std::int64_t> rows{0}, columns, arc_weights;
  for (std::int64_t v = 0; v < n; ++v) {
    if (v > 0) columns.push_back(v - 1), arc_weights.push_back(edge_weights[v - 1]);
    if (v + 1 < n) columns.push_back(v + 1), arc_weights.push_back(edge_weights[v]);
    rows.push_back(static_cast<std::int64_t>(columns.size()));
  }
  std::vector<std::int64_t> distribution(static_cast<std::size_t>(world.size()) + 1, n);
  distribution[0] = 0;
  const bool holder = world.rank() == 0;
  const std::vector<std::int64_t> none{}, start{0};
  DistributedPartitionSettings settings;
  settings.num_parts = 2;
  settings.imbalance = imbalance;
  return partition_distributed_graph(world,
                                     {distribution, holder ? rows : start, holder ? columns : none,
                                      holder ? vertex_weights : none, holder ? arc_weights : none},
                                     settings);
}

TEST(DistributedPartitioner, WeightsBalanceVerticesAndSpareHeavyEdges) {
  // Vertex 0 weighs as much as the other four: an exact bisection leaves it alone.
  const std::vector<std::int32_t> heavy_vertex = bisect_path({4, 1, 1, 1, 1}, {1, 1, 1, 1}, 1.0);
  // Unit vertices, 3 of 4 allowed in a part: the light edge 0-1 is the one to cut.
  const std::vector<std::int32_t> light_edge = bisect_path({1, 1, 1, 1}, {1, 9, 9}, 1.5);
  if (Communicator::world().rank() == 0) {
    ASSERT_EQ(heavy_vertex.size(), 5u);
    for (int v = 2; v <= 4; ++v) EXPECT_EQ(heavy_vertex[v], heavy_vertex[1]) << "vertex " << v;
    EXPECT_NE(heavy_vertex[0], heavy_vertex[1]);
    ASSERT_EQ(light_edge.size(), 4u);
    for (int v = 2; v <= 3; ++v) EXPECT_EQ(light_edge[v], light_edge[1]) << "vertex " << v;
    EXPECT_NE(light_edge[0], light_edge[1]);
  }
}

TEST(DistributedPartitioner, IndexWidthCheckRefusesAMismatch) {
  EXPECT_NO_THROW(check_linked_index_width());
  EXPECT_NO_THROW(check_index_width(8, 8, "libscotch"));
  try {
    check_index_width(4, 8, "libscotch");
    ADD_FAILURE() << "a 32-bit library under a 64-bit header was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("32-bit indices"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("64-bit ones"), std::string::npos) << error.what();
  }
  EXPECT_NE(distributed_partitioner_name().find("64-bit"), std::string::npos)
      << distributed_partitioner_name();
}

// Every node of Cora in parts 0..2 (sizes 904, 902, 902: part 0 gives twice, then the three tie
// and give in index order), parts 3..9 empty: the distributed rule moves the same nodes as
// fill_empty_parts, though a donor's nodes lie on several ranks.
TEST(DistributedPartitioner, EmptyPartRuleMatchesTheSingleProcessOne) {
  const Communicator world = Communicator::world();
  const Csr<GlobalId>& whole = cora_adjacency();
  constexpr int kParts = 10;
  std::vector<std::int32_t> initial(static_cast<std::size_t>(whole.n_rows()));
  for (GlobalId node = 0; node < whole.n_rows(); ++node) {
    initial[node] = node < 904 ? 0 : (node % 2 == 0 ? 1 : 2);
  }
  ASSERT_EQ(whole.n_rows(), 2708);
  std::vector<std::int32_t> expected = initial;
  fill_empty_parts(whole, kParts, expected);
  ASSERT_NE(expected, initial);

  const NodeBlocks blocks(whole.n_rows(), world.size());
  const auto first = initial.begin() + blocks.begin(world.rank());
  std::vector<std::int32_t> share(first, first + blocks.size(world.rank()));
  fill_empty_parts_distributed(world, blocks, testing::adjacency_block(whole, blocks, world.rank()),
                               kParts, share);
  EXPECT_EQ(gathered(world, share), expected);
}

}  // namespace
}  // namespace distgae
