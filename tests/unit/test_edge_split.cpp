#include "partition/edge_split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "partition_test_graphs.hpp"

namespace distgae {
namespace {

using testing::cora_graph;

EdgeSplit cora_split(std::uint64_t seed) {
  SplitOptions options;
  options.seed = seed;
  return split_edges(cora_graph(), options);
}

std::vector<NodePair> concatenated(std::initializer_list<const std::vector<NodePair>*> lists) {
  std::vector<NodePair> all;
  for (const auto* list : lists) all.insert(all.end(), list->begin(), list->end());
  std::sort(all.begin(), all.end());
  return all;
}

// The complete graph on n nodes.
CanonicalGraph complete_graph(GlobalId n) {
  CanonicalGraph graph;
  for (GlobalId i = 0; i < n; ++i) graph.original_ids.push_back(i);
  for (GlobalId u = 0; u < n; ++u) {
    for (GlobalId v = u + 1; v < n; ++v) graph.edges.push_back({u, v});
  }
  return graph;
}

TEST(EdgeSplit, CoraCountsFollowTheFractions) {
  const EdgeSplit split = cora_split(0);
  EXPECT_EQ(split.test_pos.size(), 527u);  // floor(0.10 * 5278)
  EXPECT_EQ(split.val_pos.size(), 263u);   // floor(0.05 * 5278)
  EXPECT_EQ(split.test_neg.size(), 527u);
  EXPECT_EQ(split.val_neg.size(), 263u);
  EXPECT_EQ(split.train.size(), static_cast<std::size_t>(testing::kCoraEdges - 527 - 263));
}

TEST(EdgeSplit, PositivesCoverEveryEdgeExactlyOnce) {
  const EdgeSplit split = cora_split(0);
  EXPECT_EQ(concatenated({&split.train, &split.val_pos, &split.test_pos}), cora_graph().edges);
}

TEST(EdgeSplit, NegativesAreDistinctNonEdges) {
  const EdgeSplit split = cora_split(0);
  const std::vector<NodePair>& edges = cora_graph().edges;
  const std::vector<NodePair> negatives = concatenated({&split.val_neg, &split.test_neg});
  EXPECT_EQ(std::adjacent_find(negatives.begin(), negatives.end()), negatives.end());
  for (const NodePair& pair : negatives) {
    EXPECT_LT(pair.first, pair.second);
    EXPECT_GE(pair.first, 0);
    EXPECT_LT(pair.second, testing::kCoraNodes);
    EXPECT_FALSE(std::binary_search(edges.begin(), edges.end(), pair));
  }
}

TEST(EdgeSplit, EveryListIsSortedAndCanonical) {
  const EdgeSplit split = cora_split(3);
  for (const auto* list :
       {&split.train, &split.val_pos, &split.val_neg, &split.test_pos, &split.test_neg}) {
    EXPECT_TRUE(std::is_sorted(list->begin(), list->end()));
    for (const NodePair& pair : *list) EXPECT_LT(pair.first, pair.second);
  }
}

TEST(EdgeSplit, SameSeedGivesTheSameSplit) {
  const EdgeSplit a = cora_split(42), b = cora_split(42);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.val_pos, b.val_pos);
  EXPECT_EQ(a.val_neg, b.val_neg);
  EXPECT_EQ(a.test_pos, b.test_pos);
  EXPECT_EQ(a.test_neg, b.test_neg);
}

TEST(EdgeSplit, DifferentSeedsGiveDifferentSplits) {
  const EdgeSplit a = cora_split(1), b = cora_split(2);
  EXPECT_NE(a.test_pos, b.test_pos);
  EXPECT_NE(a.val_pos, b.val_pos);
  EXPECT_NE(a.test_neg, b.test_neg);
  EXPECT_NE(a.val_neg, b.val_neg);
}

TEST(EdgeSplit, PositivesAreTheEdgesWithTheSmallestHashes) {
  // The documented rule, recomputed independently: rank by hash of (seed, u, v), ties by (u, v).
  const std::uint64_t seed = 11;
  std::vector<std::pair<std::uint64_t, NodePair>> ranked;
  for (const NodePair& e : cora_graph().edges) {
    const auto u = static_cast<std::uint64_t>(e.first), v = static_cast<std::uint64_t>(e.second);
    ranked.push_back({random_bits(seed, RandomPurpose::kEdgeSplit, {u, v}), e});
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<NodePair> test, val;
  for (std::size_t r = 0; r < 527; ++r) test.push_back(ranked[r].second);
  for (std::size_t r = 527; r < 527 + 263; ++r) val.push_back(ranked[r].second);
  std::sort(test.begin(), test.end());
  std::sort(val.begin(), val.end());
  const EdgeSplit split = cora_split(seed);
  EXPECT_EQ(split.test_pos, test);
  EXPECT_EQ(split.val_pos, val);
}

TEST(EdgeSplit, NegativesFollowTheDrawStream) {
  // The documented rule, recomputed with std::set: draw i gives (a, b); rejects a == b, edges and
  // repeats; the first 527 accepted are test, the next 263 val.
  const std::uint64_t seed = 5;
  const std::vector<NodePair>& edges = cora_graph().edges;
  const auto n = static_cast<std::uint64_t>(testing::kCoraNodes);
  std::set<NodePair> seen;
  std::vector<NodePair> accepted;
  for (std::uint64_t i = 0; accepted.size() < 527 + 263; ++i) {
    const auto a =
        static_cast<GlobalId>(bounded(random_bits(seed, RandomPurpose::kSplitNegative, {i, 0}), n));
    const auto b =
        static_cast<GlobalId>(bounded(random_bits(seed, RandomPurpose::kSplitNegative, {i, 1}), n));
    const NodePair pair = ordered_pair(a, b);
    if (a == b || std::binary_search(edges.begin(), edges.end(), pair)) continue;
    if (seen.insert(pair).second) accepted.push_back(pair);
  }
  std::vector<NodePair> test(accepted.begin(), accepted.begin() + 527);
  std::vector<NodePair> val(accepted.begin() + 527, accepted.end());
  std::sort(test.begin(), test.end());
  std::sort(val.begin(), val.end());
  const EdgeSplit split = cora_split(seed);
  EXPECT_EQ(split.test_neg, test);
  EXPECT_EQ(split.val_neg, val);
}

TEST(EdgeSplit, NoSplitTrainsOnEveryEdge) {
  SplitOptions options;
  options.no_split = true;
  const EdgeSplit split = split_edges(cora_graph(), options);
  EXPECT_EQ(split.train, cora_graph().edges);
  EXPECT_TRUE(split.val_pos.empty() && split.val_neg.empty());
  EXPECT_TRUE(split.test_pos.empty() && split.test_neg.empty());
}

TEST(EdgeSplit, ZeroFractionsHoldNothingOut) {
  SplitOptions options;
  options.val_frac = 0.0;
  options.test_frac = 0.0;
  const EdgeSplit split = split_edges(cora_graph(), options);
  EXPECT_EQ(split.train, cora_graph().edges);
  EXPECT_TRUE(split.val_neg.empty() && split.test_neg.empty());
}

TEST(EdgeSplit, RejectsFractionsOutOfRangeNamingTheFlag) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    double val, test;
    const char* flag;
  };
  for (const Case& c : {Case{-0.1, 0.1, "--val-frac"}, Case{0.1, -0.1, "--test-frac"},
                        Case{nan, 0.1, "--val-frac"}, Case{0.1, 1.0, "--test-frac"},
                        Case{0.5, 0.5, "--val-frac"}, Case{0.6, 0.5, "--test-frac"}}) {
    SplitOptions options;
    options.val_frac = c.val;
    options.test_frac = c.test;
    try {
      split_edges(cora_graph(), options);
      ADD_FAILURE() << "accepted val " << c.val << " test " << c.test;
    } catch (const InputError& error) {
      EXPECT_NE(std::string(error.what()).find(c.flag), std::string::npos) << error.what();
    }
  }
}

TEST(EdgeSplit, TooFewNonEdgesIsAnInputError) {
  SplitOptions options;
  options.test_frac = 0.5;  // K5 has 10 edges and no non-edge at all
  EXPECT_THROW(split_edges(complete_graph(5), options), InputError);
}

TEST(EdgeSplit, UsesEveryNonEdgeWhenExactlyEnoughExist) {
  // K6 minus two edges: 13 edges, exactly 2 non-edges, and 1 test + 1 val negative needed.
  CanonicalGraph graph = complete_graph(6);
  const NodePair missing_a{0, 5}, missing_b{2, 3};
  std::erase(graph.edges, missing_a);
  std::erase(graph.edges, missing_b);
  SplitOptions options;
  options.test_frac = 0.1;
  options.val_frac = 0.1;
  const EdgeSplit split = split_edges(graph, options);
  ASSERT_EQ(split.test_neg.size(), 1u);
  ASSERT_EQ(split.val_neg.size(), 1u);
  EXPECT_EQ(concatenated({&split.test_neg, &split.val_neg}),
            (std::vector<NodePair>{missing_a, missing_b}));
}

}  // namespace
}  // namespace distgae
