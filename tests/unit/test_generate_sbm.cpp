#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "core/error.hpp"
#include "generate/sbm_features.hpp"
#include "generate/sbm_graph.hpp"

namespace distgae {
namespace {

SbmParams small_params() {
  SbmParams p;
  p.nodes = 2000;
  p.edges = 20000;
  p.communities = 7;
  p.intra_fraction = 0.8;
  p.features = 64;
  p.feature_nnz = 8;
  p.seed = 3;
  return p;
}

// Every edge (u, v), u < v, of the graph, generated node by node over chunks of `chunk` nodes.
std::vector<NodePair> all_edges(const SbmGraph& graph, GlobalId chunk) {
  std::vector<NodePair> edges;
  std::vector<std::uint64_t> intra;
  std::vector<std::uint64_t> inter;
  std::vector<GlobalId> neighbours;
  SbmScratch scratch;
  const GlobalId n = graph.params().nodes;
  for (GlobalId begin = 0; begin < n; begin += chunk) {
    const GlobalId end = std::min(n, begin + chunk);
    graph.higher_degrees(begin, end, intra, inter);
    for (GlobalId u = begin; u < end; ++u) {
      const auto i = static_cast<std::size_t>(u - begin);
      graph.higher_neighbours(u, intra[i], inter[i], scratch, neighbours);
      EXPECT_EQ(neighbours.size(), intra[i] + inter[i]);
      for (GlobalId v : neighbours) edges.push_back({u, v});
    }
  }
  return edges;
}

TEST(SbmGraph, WritesExactlyTheRequestedEdgesSortedDistinctAndInRange) {
  for (const auto& [nodes, edges, communities] :
       {std::tuple<std::int64_t, std::int64_t, std::int64_t>{2000, 20000, 7},
        {50, 1225, 5},  // every pair: the complete graph
        {50, 1000, 1},  // one community: every edge inside
        {30, 200, 30},  // singletons: every edge between
        {2, 1, 2}}) {
    SbmParams p = small_params();
    p.nodes = nodes;
    p.edges = edges;
    p.communities = communities;
    const SbmGraph graph(p);
    const std::vector<NodePair> all = all_edges(graph, 333);
    ASSERT_EQ(static_cast<std::int64_t>(all.size()), edges) << nodes;
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
    EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
    for (const NodePair& e : all) {
      ASSERT_LT(e.first, e.second);
      ASSERT_GE(e.first, 0);
      ASSERT_LT(e.second, nodes);
    }
  }
}

TEST(SbmGraph, IntraCommunityShareIsTheRequestedOne) {
  const SbmGraph graph(small_params());
  EXPECT_EQ(graph.intra_edges(), 16000u);
  std::uint64_t inside = 0;
  for (const NodePair& e : all_edges(graph, 500)) {
    inside += graph.community(e.first) == graph.community(e.second) ? 1 : 0;
  }
  EXPECT_EQ(inside, graph.intra_edges());
}

TEST(SbmGraph, ShareMovesIntoWhatTheGraphCanHold) {
  SbmParams p = small_params();
  p.nodes = 20;
  p.communities = 10;  // 10 intra-community pairs, 180 others
  p.edges = 100;
  p.intra_fraction = 0.9;
  EXPECT_EQ(SbmGraph(p).intra_edges(), 10u);
  p.edges = 185;
  p.intra_fraction = 0.0;
  EXPECT_EQ(SbmGraph(p).intra_edges(), 5u);
}

TEST(SbmGraph, SameGraphForAnyChunking) {
  const SbmGraph graph(small_params());
  const std::vector<NodePair> whole = all_edges(graph, 2000);
  EXPECT_EQ(all_edges(graph, 1), whole);
  EXPECT_EQ(all_edges(graph, 77), whole);
  EXPECT_EQ(all_edges(SbmGraph(small_params()), 1024), whole);
}

TEST(SbmGraph, SeedChangesTheGraph) {
  SbmParams p = small_params();
  const std::vector<NodePair> first = all_edges(SbmGraph(p), 500);
  p.seed = 4;
  const std::vector<NodePair> second = all_edges(SbmGraph(p), 500);
  std::vector<NodePair> common;
  std::set_intersection(first.begin(), first.end(), second.begin(), second.end(),
                        std::back_inserter(common));
  EXPECT_LT(common.size(), first.size() / 10);  // pairs are 1% of all: few coincide
}

// G(N, M) within each kind: a node's expected partners v > u are proportional to its candidates,
// so the first half of the ids (3/4 of the pairs) holds about 3/4 of the edges.
TEST(SbmGraph, EdgesSpreadOverNodesInProportionToTheirCandidates) {
  const SbmGraph graph(small_params());
  std::vector<std::uint64_t> intra;
  std::vector<std::uint64_t> inter;
  graph.higher_degrees(0, 1000, intra, inter);
  double first_half = 0;
  for (std::size_t i = 0; i < intra.size(); ++i) {
    first_half += static_cast<double>(intra[i] + inter[i]);
    EXPECT_LE(intra[i], graph.intra_candidates(static_cast<GlobalId>(i)));
    EXPECT_LE(inter[i], graph.inter_candidates(static_cast<GlobalId>(i)));
  }
  const double expected = 20000.0 * (1.0 - 1000.0 * 999.0 / (2000.0 * 1999.0));
  EXPECT_NEAR(first_half, expected, 5 * std::sqrt(expected));
  // And degrees vary as a random graph's do, not all equal.
  const auto [low, high] = std::minmax_element(inter.begin(), inter.end());
  EXPECT_GT(*high - *low, 5u);
}

TEST(SbmGraph, BadParametersAreInputErrorsNamingTheFlag) {
  const auto expect_error = [](auto change, const char* flag) {
    SbmParams p = small_params();
    change(p);
    try {
      validate_sbm(p);
      ADD_FAILURE() << "accepted " << flag;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(flag), std::string::npos) << e.what();
    }
  };
  expect_error([](SbmParams& p) { p.nodes = 1; }, "--nodes");
  expect_error([](SbmParams& p) { p.edges = 0; }, "--edges");
  expect_error([](SbmParams& p) { p.edges = 2000LL * 1999 / 2 + 1; }, "--edges");
  expect_error([](SbmParams& p) { p.communities = 2001; }, "--communities");
  expect_error([](SbmParams& p) { p.communities = 0; }, "--communities");
  expect_error([](SbmParams& p) { p.intra_fraction = 1.5; }, "--intra-fraction");
  expect_error([](SbmParams& p) { p.feature_nnz = 65; }, "--feature-nnz");
  expect_error([](SbmParams& p) { p.features = 0; }, "--feature-nnz");  // nnz 8 > 0 columns
  expect_error([](SbmParams& p) { p.feature_signal = -0.1; }, "--feature-signal");
  SbmParams no_features = small_params();
  no_features.features = 0;
  no_features.feature_nnz = 0;
  EXPECT_NO_THROW(validate_sbm(no_features));
}

TEST(SbmFeatures, RowsHaveKDistinctColumnsMostlyAmongTheirCommunitysPreferred) {
  const SbmParams p = small_params();
  const SbmFeatures features(p);
  EXPECT_EQ(features.preferred_count(), 16u);  // max(K, min(2K, D/2))
  FeatureScratch scratch;
  DistinctSampler sampler;
  std::vector<std::uint64_t> columns;
  std::vector<std::uint64_t> preferred;
  double in_preferred = 0;
  for (GlobalId node = 0; node < p.nodes; ++node) {
    features.node_columns(node, scratch, columns);
    ASSERT_EQ(columns.size(), 8u);
    EXPECT_TRUE(std::is_sorted(columns.begin(), columns.end()));
    EXPECT_EQ(std::adjacent_find(columns.begin(), columns.end()), columns.end());
    EXPECT_LT(columns.back(), 64u);
    features.community_columns(node % p.communities, sampler, preferred);
    for (std::uint64_t c : columns) {
      in_preferred += std::binary_search(preferred.begin(), preferred.end(), c) ? 1 : 0;
    }
  }
  // signal 0.8 from the preferred set, and 16/64 of the uniform rest lands there too.
  const double share = in_preferred / (8.0 * static_cast<double>(p.nodes));
  EXPECT_NEAR(share, 0.8 + 0.2 * 16.0 / 64.0, 0.03);
}

// Same-community rows share many more columns than rows of different communities: the signal
// link prediction picks up.
TEST(SbmFeatures, SameCommunityRowsOverlapMore) {
  const SbmParams p = small_params();
  const SbmFeatures features(p);
  FeatureScratch scratch;
  std::vector<std::vector<std::uint64_t>> rows(200);
  for (GlobalId node = 0; node < 200; ++node) {
    features.node_columns(node, scratch, rows[static_cast<std::size_t>(node)]);
  }
  double same = 0, same_pairs = 0, other = 0, other_pairs = 0;
  for (std::size_t u = 0; u < rows.size(); ++u) {
    for (std::size_t v = u + 1; v < rows.size(); ++v) {
      std::vector<std::uint64_t> common;
      std::set_intersection(rows[u].begin(), rows[u].end(), rows[v].begin(), rows[v].end(),
                            std::back_inserter(common));
      const bool together = u % 7 == v % 7;
      (together ? same : other) += static_cast<double>(common.size());
      (together ? same_pairs : other_pairs) += 1;
    }
  }
  EXPECT_GT(same / same_pairs, 2.5 * (other / other_pairs));
}

}  // namespace
}  // namespace distgae
