#include "partition/canonical_graph.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "partition/id_map.hpp"
#include "partition_test_graphs.hpp"

namespace distgae {
namespace {

RawGraph raw_graph(std::vector<NodePair> edges) {
  RawGraph raw;
  raw.source_path = "graph.txt";
  raw.edges = std::move(edges);
  raw.data_lines = static_cast<long long>(raw.edges.size());
  return raw;
}

// Runs `action`, expects an InputError, returns its message.
template <class Action>
std::string input_error_message(Action action) {
  try {
    action();
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no InputError thrown";
  return {};
}

TEST(CanonicalGraph, RelabelsDistinctIdsInAscendingOrder) {
  const CanonicalGraph graph = canonicalize(raw_graph({{100, -5}, {7, 100}, {-5, 7}}), {});
  EXPECT_EQ(graph.original_ids, (std::vector<GlobalId>{-5, 7, 100}));
  EXPECT_EQ(graph.edges, (std::vector<NodePair>{{0, 1}, {0, 2}, {1, 2}}));
  EXPECT_EQ(graph.num_nodes(), 3);
  EXPECT_EQ(graph.num_edges(), 3);
}

TEST(CanonicalGraph, MapsWidelySpreadIds) {
  // A span of 2^62 rules out the direct table: this exercises the hash table.
  const GlobalId big = GlobalId{1} << 61;
  const CanonicalGraph graph =
      canonicalize(raw_graph({{big, -big}, {3, big}, {-big, 3}, {big + 1, 3}}), {});
  EXPECT_EQ(graph.original_ids, (std::vector<GlobalId>{-big, 3, big, big + 1}));
  EXPECT_EQ(graph.edges, (std::vector<NodePair>{{0, 1}, {0, 2}, {1, 2}, {1, 3}}));
}

TEST(CanonicalGraph, DropsSelfLoopsAndMergesDuplicatesInEitherDirection) {
  const CanonicalGraph graph =
      canonicalize(raw_graph({{1, 2}, {2, 1}, {1, 2}, {3, 3}, {2, 3}, {3, 2}, {1, 1}}), {});
  EXPECT_EQ(graph.input_edges, 7);
  EXPECT_EQ(graph.self_loops_dropped, 2);
  EXPECT_EQ(graph.duplicates_merged, 3);
  EXPECT_EQ(graph.edges, (std::vector<NodePair>{{0, 1}, {1, 2}}));
}

TEST(CanonicalGraph, KeepsANodeSeenOnlyInASelfLoop) {
  // The id occurs in the file, so it is a node (isolated once its loop is dropped).
  const CanonicalGraph graph = canonicalize(raw_graph({{5, 9}, {7, 7}}), {});
  EXPECT_EQ(graph.original_ids, (std::vector<GlobalId>{5, 7, 9}));
  EXPECT_EQ(graph.edges, (std::vector<NodePair>{{0, 2}}));
}

TEST(CanonicalGraph, SortsEdgesAscending) {
  const CanonicalGraph graph = canonicalize(raw_graph({{3, 4}, {0, 4}, {2, 1}, {0, 1}}), {});
  EXPECT_TRUE(std::is_sorted(graph.edges.begin(), graph.edges.end()));
  for (const NodePair& e : graph.edges) EXPECT_LT(e.first, e.second);
}

TEST(CanonicalGraph, NodeIdsSpecNumbersNodesByListPosition) {
  NodeSetSpec spec;
  spec.node_ids = std::vector<GlobalId>{30, 10, 20, 40};
  spec.node_ids_path = "ids.txt";
  const CanonicalGraph graph = canonicalize(raw_graph({{10, 30}, {20, 10}}), spec);
  EXPECT_EQ(graph.original_ids, (std::vector<GlobalId>{30, 10, 20, 40}));
  EXPECT_EQ(graph.edges, (std::vector<NodePair>{{0, 1}, {1, 2}}));
  EXPECT_EQ(graph.num_nodes(), 4);  // 40 is isolated but listed
}

TEST(CanonicalGraph, NodeIdsSpecRejectsARepeatedId) {
  NodeSetSpec spec;
  spec.node_ids = std::vector<GlobalId>{1, 2, 1};
  spec.node_ids_path = "ids.txt";
  const std::string message = input_error_message([&] { canonicalize(raw_graph({{1, 2}}), spec); });
  EXPECT_NE(message.find("ids.txt"), std::string::npos) << message;
  EXPECT_NE(message.find("1"), std::string::npos) << message;
}

TEST(CanonicalGraph, NodeIdsSpecRejectsARepeatedWidelySpreadId) {
  NodeSetSpec spec;
  const GlobalId big = GlobalId{1} << 60;
  spec.node_ids = std::vector<GlobalId>{big, 5, -big, big};
  spec.node_ids_path = "ids.txt";
  const std::string message = input_error_message([&] {
    canonicalize(raw_graph({{5, big}}), spec);
  });
  EXPECT_NE(message.find("ids.txt"), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(big)), std::string::npos) << message;
  EXPECT_NE(message.find("entries 1 and 4"), std::string::npos) << message;
}

TEST(CanonicalGraph, NodeIdsSpecRejectsAnUnlistedId) {
  NodeSetSpec spec;
  spec.node_ids = std::vector<GlobalId>{1, 2, 3};
  spec.node_ids_path = "ids.txt";
  const std::string message = input_error_message([&] {
    canonicalize(raw_graph({{1, 2}, {3, 777}}), spec);
  });
  EXPECT_NE(message.find("777"), std::string::npos) << message;
  EXPECT_NE(message.find("graph.txt"), std::string::npos) << message;
  EXPECT_NE(message.find("ids.txt"), std::string::npos) << message;
}

TEST(CanonicalGraph, NumNodesSpecKeepsIsolatedNodes) {
  NodeSetSpec spec;
  spec.num_nodes = 6;
  const CanonicalGraph graph = canonicalize(raw_graph({{0, 1}, {4, 2}}), spec);
  EXPECT_EQ(graph.original_ids, (std::vector<GlobalId>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(graph.edges, (std::vector<NodePair>{{0, 1}, {2, 4}}));
}

TEST(CanonicalGraph, NumNodesSpecRejectsAnIdOutOfRange) {
  NodeSetSpec spec;
  spec.num_nodes = 6;
  const std::string message = input_error_message([&] {
    canonicalize(raw_graph({{0, 1}, {6, 2}}), spec);
  });
  EXPECT_NE(message.find("graph.txt"), std::string::npos) << message;
  EXPECT_NE(message.find("6"), std::string::npos) << message;
  EXPECT_THROW(canonicalize(raw_graph({{0, -1}}), spec), InputError);
}

TEST(CanonicalGraph, DeclaredNodeCountActsAsNumNodes) {
  RawGraph raw = raw_graph({{0, 3}});
  raw.declared_num_nodes = 5;
  const CanonicalGraph graph = canonicalize(raw, {});
  EXPECT_EQ(graph.num_nodes(), 5);
  EXPECT_EQ(graph.edges, (std::vector<NodePair>{{0, 3}}));
}

TEST(CanonicalGraph, EmptyGraphIsAnErrorNamingTheFile) {
  const std::string message = input_error_message([] { canonicalize(raw_graph({}), {}); });
  EXPECT_NE(message.find("graph.txt"), std::string::npos) << message;
}

TEST(CanonicalGraph, GraphOfOnlySelfLoopsIsAnErrorNamingTheFile) {
  const std::string message = input_error_message([] {
    canonicalize(raw_graph({{1, 1}, {2, 2}}), {});
  });
  EXPECT_NE(message.find("graph.txt"), std::string::npos) << message;
}

TEST(CanonicalGraph, CoraHasTheVerifiedCounts) {
  const CanonicalGraph& graph = testing::cora_graph();
  EXPECT_EQ(graph.num_nodes(), testing::kCoraNodes);
  EXPECT_EQ(graph.num_edges(), testing::kCoraEdges);
  EXPECT_EQ(graph.self_loops_dropped, 0);
  EXPECT_EQ(graph.duplicates_merged, 0);
  const Csr<GlobalId> adjacency = symmetric_adjacency(graph.num_nodes(), graph.edges);
  EXPECT_EQ(adjacency.nnz(), 2 * testing::kCoraEdges);
  std::int64_t max_degree = 0;
  for (GlobalId node = 0; node < adjacency.n_rows(); ++node) {
    max_degree = std::max(max_degree, adjacency.row_length(node));
  }
  EXPECT_EQ(max_degree, 168);
}

TEST(IdMap, FindsEveryIdInTheTableAndTheHashLayouts) {
  const GlobalId big = GlobalId{1} << 62;
  for (const std::vector<GlobalId>& ids :
       {std::vector<GlobalId>{7, 3, 9, 4}, std::vector<GlobalId>{big, -big, 0, 12345, -1}}) {
    const IdMap map(ids);
    EXPECT_FALSE(map.repeat().has_value());
    for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(map.find(ids[i]), GlobalId(i));
    EXPECT_EQ(map.find(8), IdMap::kAbsent);
    EXPECT_EQ(map.find(big - 1), IdMap::kAbsent);
    EXPECT_EQ(map.find(std::numeric_limits<GlobalId>::min()), IdMap::kAbsent);
  }
}

TEST(IdMap, ReportsTheFirstRepeatedId) {
  const IdMap map(std::vector<GlobalId>{4, 2, 4, 2});
  ASSERT_TRUE(map.repeat().has_value());
  EXPECT_EQ(*map.repeat(), (std::pair<GlobalId, GlobalId>{0, 2}));
  EXPECT_EQ(map.find(4), 0);
}

TEST(IdMap, DistinctEndpointsAreAscendingWhateverTheirSpread) {
  const GlobalId big = GlobalId{1} << 62;
  EXPECT_EQ(distinct_endpoints(std::vector<NodePair>{{5, 3}, {3, 70}, {64, 5}}),
            (std::vector<GlobalId>{3, 5, 64, 70}));
  EXPECT_EQ(distinct_endpoints(std::vector<NodePair>{{big, -big}, {3, big}, {-big, -big}}),
            (std::vector<GlobalId>{-big, 3, big}));
}

TEST(SymmetricAdjacency, HoldsBothDirectionsInSortedRows) {
  const std::vector<NodePair> sorted_edges{{0, 1}, {0, 3}, {1, 3}, {2, 3}};
  std::vector<NodePair> shuffled_edges{{2, 3}, {0, 3}, {1, 3}, {0, 1}};
  for (const auto& edges : {sorted_edges, shuffled_edges}) {
    const Csr<GlobalId> adjacency = symmetric_adjacency(5, edges);
    EXPECT_EQ(adjacency.n_rows(), 5);
    EXPECT_EQ(adjacency.n_cols, 5);
    EXPECT_EQ(adjacency.row_start, (std::vector<std::int64_t>{0, 2, 4, 5, 8, 8}));
    EXPECT_EQ(adjacency.col_index, (std::vector<GlobalId>{1, 3, 0, 3, 3, 0, 1, 2}));
    EXPECT_FALSE(adjacency.has_values());
  }
}

TEST(SymmetricAdjacency, RejectsPairsThatAreNotCanonical) {
  EXPECT_THROW(symmetric_adjacency(3, std::vector<NodePair>{{1, 1}}), std::invalid_argument);
  EXPECT_THROW(symmetric_adjacency(3, std::vector<NodePair>{{2, 1}}), std::invalid_argument);
  EXPECT_THROW(symmetric_adjacency(3, std::vector<NodePair>{{0, 3}}), std::invalid_argument);
}

}  // namespace
}  // namespace distgae
