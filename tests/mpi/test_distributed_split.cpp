// split_distributed against split_edges on the whole graph: the same lists, element for element,
// for any number of ranks and any batch size of the negative draws; and the same errors.
#include <gtest/gtest.h>

#include <functional>

#include "block_graph_testing.hpp"
#include "comm/communicator.hpp"
#include "core/error.hpp"
#include "partition/distributed/distributed_canonical.hpp"
#include "partition/distributed/distributed_selection.hpp"
#include "partition/distributed/distributed_split.hpp"

namespace distgae {
namespace {

using testing::agreed_message;
using testing::awkward_graph;
using testing::block_of;
using testing::gather_pairs;
using testing::share_of;
using testing::Spread;

CanonicalGraph cora() {
  return canonicalize(read_graph(DISTGAE_TEST_DATA "/cora/edges.txt"), {});
}

// A graph on n nodes with each pair an edge with probability `density`.
CanonicalGraph dense_graph(GlobalId n, double density, std::uint64_t seed) {
  RawGraph raw;
  raw.source_path = "dense.txt";
  for (GlobalId u = 0; u < n; ++u) {
    for (GlobalId v = u + 1; v < n; ++v) {
      if (unit_interval(mix64(seed ^ mix64(static_cast<std::uint64_t>(u * n + v)))) < density) {
        raw.edges.push_back({u, v});
      }
    }
  }
  return canonicalize(raw, NodeSetSpec{n, std::nullopt, ""});
}

SplitOptions split_options(double val_frac, double test_frac, std::uint64_t seed) {
  SplitOptions options;
  options.val_frac = val_frac;
  options.test_frac = test_frac;
  options.seed = seed;
  return options;
}

// Every rank's share, gathered, against split_edges; each share holds only its block's pairs.
void expect_same_split(const SplitShare& share, const EdgeSplit& whole, const BlockGraph& block,
                       const std::string& what) {
  const Communicator world = Communicator::world();
  EXPECT_EQ(gather_pairs(world, share.train), whole.train) << what;
  EXPECT_EQ(gather_pairs(world, share.val_pos), whole.val_pos) << what;
  EXPECT_EQ(gather_pairs(world, share.test_pos), whole.test_pos) << what;
  EXPECT_EQ(gather_pairs(world, share.val_neg), whole.val_neg) << what;
  EXPECT_EQ(gather_pairs(world, share.test_neg), whole.test_neg) << what;
  for (const auto* list :
       {&share.train, &share.val_pos, &share.test_pos, &share.val_neg, &share.test_neg}) {
    for (const NodePair& pair : *list) EXPECT_EQ(block.blocks.owner(pair.first), world.rank());
  }
}

TEST(DistributedSplit, CoraMatchesSplitEdges) {
  const Communicator world = Communicator::world();
  const CanonicalGraph whole = cora();
  const BlockGraph block = block_of(whole, world);
  for (const SplitOptions& options :
       {split_options(0.05, 0.10, 0), split_options(0.2, 0.3, 7), split_options(0.0, 0.5, 1),
        split_options(0.3, 0.0, 2), split_options(0.0, 0.0, 3)}) {
    const std::string what = "val " + std::to_string(options.val_frac) + " test " +
                             std::to_string(options.test_frac) + " seed " +
                             std::to_string(options.seed);
    expect_same_split(split_distributed(world, block, options), split_edges(whole, options), block,
                      what);
  }
}

TEST(DistributedSplit, NoSplitTrainsOnEveryEdge) {
  const Communicator world = Communicator::world();
  const CanonicalGraph whole = cora();
  const BlockGraph block = block_of(whole, world);
  SplitOptions options = split_options(0.5, 0.7, 0);  // ignored, as split_edges ignores them
  options.no_split = true;
  expect_same_split(split_distributed(world, block, options), split_edges(whole, options), block,
                    "no split");
}

// The whole distributed path from spread raw edges: canonicalise, then split.
TEST(DistributedSplit, AwkwardGraphFromSpreadEdgesMatches) {
  const Communicator world = Communicator::world();
  const RawGraph raw = awkward_graph(800, 4000, 17);
  const CanonicalGraph whole = canonicalize(raw, {});
  const SplitOptions options = split_options(0.1, 0.2, 5);
  const EdgeSplit expected = split_edges(whole, options);
  for (const Spread spread : {Spread::kContiguous, Spread::kShuffled}) {
    const BlockGraph block = canonicalize_distributed(world, share_of(raw, spread, world), {});
    expect_same_split(split_distributed(world, block, options), expected, block, "awkward");
  }
}

TEST(DistributedSplit, BatchSizeDoesNotChangeTheSplit) {
  const Communicator world = Communicator::world();
  const CanonicalGraph whole = cora();
  const BlockGraph block = block_of(whole, world);
  const SplitOptions options = split_options(0.02, 0.03, 9);
  const EdgeSplit expected = split_edges(whole, options);
  for (const std::int64_t batch : {1, 7, 1000, 0}) {
    expect_same_split(split_distributed(world, block, options, batch), expected, block,
                      "batch " + std::to_string(batch));
  }
}

// Half the non-edges are needed, so later draws mostly hit edges or pairs already drawn: many
// batches of 7, and several of the default size too.
TEST(DistributedSplit, DenseGraphNeedsManyBatches) {
  const Communicator world = Communicator::world();
  const CanonicalGraph whole = dense_graph(40, 0.6, 4);
  const BlockGraph block = block_of(whole, world);
  const std::int64_t non_edges = 40 * 39 / 2 - whole.num_edges();
  const SplitOptions options = split_options(0.15, 0.20, 8);
  const EdgeSplit expected = split_edges(whole, options);
  ASSERT_GT(static_cast<std::int64_t>(expected.val_neg.size() + expected.test_neg.size()),
            non_edges / 2);
  for (const std::int64_t batch : {1, 7, 0}) {
    expect_same_split(split_distributed(world, block, options, batch), expected, block,
                      "dense, batch " + std::to_string(batch));
  }
}

// Fewer nodes than ranks: some blocks are empty, and the one negative is the one non-edge.
TEST(DistributedSplit, TinyGraphWithEmptyBlocksMatches) {
  const Communicator world = Communicator::world();
  RawGraph raw;
  raw.source_path = "path.txt";
  raw.edges = {{0, 1}, {2, 1}};
  const CanonicalGraph whole = canonicalize(raw, {});
  const BlockGraph block = block_of(whole, world);
  const SplitOptions options = split_options(0.0, 0.5, 6);
  const EdgeSplit expected = split_edges(whole, options);
  ASSERT_EQ(expected.test_neg, (std::vector<NodePair>{{0, 2}}));
  for (const std::int64_t batch : {1, 0}) {
    expect_same_split(split_distributed(world, block, options, batch), expected, block,
                      "tiny, batch " + std::to_string(batch));
  }
}

TEST(DistributedSplit, ErrorsMatchSplitEdges) {
  const Communicator world = Communicator::world();
  const CanonicalGraph complete = dense_graph(6, 1.0, 1);  // no non-edges at all
  for (const auto& [graph, case_options] : {std::pair{cora(), split_options(1.0, 0.1, 0)},
                                            std::pair{cora(), split_options(0.1, -0.1, 0)},
                                            std::pair{cora(), split_options(0.6, 0.5, 0)},
                                            std::pair{complete, split_options(0.2, 0.2, 0)}}) {
    // A copy: clang 14 refuses a lambda capturing a structured binding (C++20 allows it).
    const SplitOptions options = case_options;
    std::string expected = "no error";
    try {
      split_edges(graph, options);
    } catch (const InputError& e) {
      expected = e.what();
    }
    const BlockGraph block = block_of(graph, world);
    EXPECT_NE(expected, "no error");
    EXPECT_EQ(agreed_message([&] { split_distributed(world, block, options); }), expected);
  }
}

// The selection behind the cuts, with many equal values spread over the ranks: the cut after k
// takes exactly the first k of the order (value, rank, local position).
TEST(DistributedSelection, CutTakesEqualValuesInRankOrder) {
  const Communicator world = Communicator::world();
  std::vector<std::uint64_t> values;
  for (std::uint64_t i = 0; i < 300; ++i) {
    const std::uint64_t word = mix64(i + 1000 * static_cast<std::uint64_t>(world.rank()));
    values.push_back(i % 3 == 0 ? word : (word % 4) << 62);  // a few values, many times each
  }
  const std::int64_t total = world.allreduce_sum(static_cast<std::int64_t>(values.size()));
  std::vector<std::int64_t> as_signed(values.begin(), values.end());
  const std::vector<std::int64_t> all = world.allgatherv(std::span<const std::int64_t>(as_signed));
  // (value, global position) sorted: the order the cut must follow.
  std::vector<std::pair<std::uint64_t, std::size_t>> order;
  for (std::size_t i = 0; i < all.size(); ++i) {
    order.emplace_back(static_cast<std::uint64_t>(all[i]), i);
  }
  std::sort(order.begin(), order.end());
  const auto offset =
      static_cast<std::size_t>(world.exclusive_sum(static_cast<std::int64_t>(values.size())));
  for (const std::int64_t k :
       {std::int64_t{0}, std::int64_t{1}, total / 4, total / 2 + 1, total - 1, total}) {
    std::vector<bool> expected(values.size(), false);
    for (std::int64_t r = 0; r < k; ++r) {
      const std::size_t position = order[static_cast<std::size_t>(r)].second;
      if (position >= offset && position < offset + values.size())
        expected[position - offset] = true;
    }
    const OrderCut cut = cut_after(world, values, k, total);
    std::int64_t equal_seen = 0;
    std::int64_t taken = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const bool in = cut.includes(values[i], equal_seen);
      EXPECT_EQ(in, expected[i]) << "k " << k << " value " << i << " of rank " << world.rank();
      taken += in ? 1 : 0;
    }
    EXPECT_EQ(world.allreduce_sum(taken), k);
  }
}

}  // namespace
}  // namespace distgae
