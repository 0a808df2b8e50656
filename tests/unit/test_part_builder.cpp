#include "partition/part_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <vector>

#include "core/timer.hpp"
#include "partition/graph_partitioner.hpp"
#include "partition_test_graphs.hpp"

namespace distgae {
namespace {

// A feature matrix that names its row: canonical row i holds column i % 7 with value i.
FeatureMatrix labelled_features(GlobalId num_nodes) {
  FeatureMatrix features;
  features.n_cols = 7;
  for (GlobalId node = 0; node < num_nodes; ++node) {
    features.col_index.push_back(static_cast<std::int32_t>(node % 7));
    features.values.push_back(static_cast<float>(node));
    features.row_start.push_back(node + 1);
  }
  return features;
}

// Cora split, partitioned with METIS into num_parts, ordered and built.
struct CoraParts {
  EdgeSplit split;
  Csr<GlobalId> adjacency;  // training graph
  std::vector<std::int32_t> part_of;
  NodeOrdering ordering;
  std::vector<PartData> parts;
  std::vector<GlobalId> original_ids;  // made-up ids: 10 * canonical + 3
};

CoraParts build_cora(int num_parts) {
  CoraParts cora;
  const CanonicalGraph& graph = testing::cora_graph();
  SplitOptions split_options;
  split_options.seed = 7;
  cora.split = split_edges(graph, split_options);
  cora.adjacency = symmetric_adjacency(graph.num_nodes(), cora.split.train);
  PartitionOptions partition_options;
  partition_options.num_parts = num_parts;
  cora.part_of = assign_parts(cora.adjacency, partition_options);
  const Stopwatch stopwatch;
  cora.ordering = order_nodes(cora.adjacency, cora.part_of, num_parts);
  for (GlobalId node = 0; node < graph.num_nodes(); ++node) {
    cora.original_ids.push_back(10 * node + 3);
  }
  cora.parts = build_parts(cora.adjacency, cora.part_of, cora.ordering, cora.split,
                           labelled_features(graph.num_nodes()), cora.original_ids);
  std::printf("[ info ] order_nodes + build_parts on Cora, %d parts: %.2f ms\n", num_parts,
              1e3 * stopwatch.seconds());
  return cora;
}

class PartBuilderOnCora : public ::testing::TestWithParam<int> {
 protected:
  static const CoraParts& cora(int num_parts) {
    static std::vector<CoraParts> built = [] {
      std::vector<CoraParts> all;
      for (const int p : {1, 2, 4}) all.push_back(build_cora(p));
      return all;
    }();
    return built[num_parts == 1 ? 0 : num_parts == 2 ? 1 : 2];
  }
  const CoraParts& cora() const { return cora(GetParam()); }
};

TEST_P(PartBuilderOnCora, OrderingIsAPermutationWithContiguousParts) {
  const CoraParts& c = cora();
  const NodeOrdering& ordering = c.ordering;
  ASSERT_EQ(ordering.part_offsets.size(), static_cast<std::size_t>(GetParam()) + 1);
  EXPECT_EQ(ordering.part_offsets.front(), 0);
  EXPECT_EQ(ordering.part_offsets.back(), testing::kCoraNodes);
  for (GlobalId node = 0; node < testing::kCoraNodes; ++node) {
    const GlobalId ordered = ordering.canonical_to_ordered[node];
    ASSERT_EQ(ordering.ordered_to_canonical[ordered], node);
    const int part = c.part_of[node];
    EXPECT_GE(ordered, ordering.part_offsets[part]);
    EXPECT_LT(ordered, ordering.part_offsets[part + 1]);
  }
}

TEST_P(PartBuilderOnCora, OwnedCountsSumToTheNodeCount) {
  std::int64_t owned = 0;
  for (const PartData& data : cora().parts) {
    EXPECT_GT(data.n_owned, 0);
    owned += data.n_owned;
    EXPECT_EQ(data.num_parts, GetParam());
  }
  EXPECT_EQ(owned, testing::kCoraNodes);
}

TEST_P(PartBuilderOnCora, EveryPairAppearsOnceOnTheOwnerOfItsFirstEndpoint) {
  const CoraParts& c = cora();
  using List = std::vector<NodePair> PartData::*;
  const std::vector<std::pair<List, const std::vector<NodePair>*>> lists{
      {&PartData::train_edges, &c.split.train},
      {&PartData::val_pos, &c.split.val_pos},
      {&PartData::val_neg, &c.split.val_neg},
      {&PartData::test_pos, &c.split.test_pos},
      {&PartData::test_neg, &c.split.test_neg}};
  for (const auto& [list, expected] : lists) {
    std::vector<NodePair> all;
    for (const PartData& data : c.parts) {
      const std::vector<NodePair>& owned = data.*list;
      EXPECT_TRUE(std::is_sorted(owned.begin(), owned.end()));
      for (const NodePair& pair : owned) EXPECT_EQ(c.part_of[pair.first], data.part);
      all.insert(all.end(), owned.begin(), owned.end());
    }
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, *expected);
  }
}

TEST_P(PartBuilderOnCora, LocalAdjacenciesRebuildTheTrainingGraphExactly) {
  const CoraParts& c = cora();
  std::vector<std::vector<GlobalId>> rows(static_cast<std::size_t>(testing::kCoraNodes));
  for (const PartData& data : c.parts) {
    ASSERT_EQ(data.adjacency.n_rows(), data.n_owned);
    EXPECT_EQ(data.adjacency.n_cols, data.n_owned + data.n_halo);
    for (std::int64_t row = 0; row < data.n_owned; ++row) {
      const auto columns = data.adjacency.row(row);
      EXPECT_TRUE(std::is_sorted(columns.begin(), columns.end()));
      for (const LocalId column : columns) {
        ASSERT_GE(column, 0);
        ASSERT_LT(column, data.n_owned + data.n_halo);
        rows[data.canonical_id[row]].push_back(data.canonical_id[column]);
      }
    }
  }
  Csr<GlobalId> rebuilt;
  rebuilt.n_cols = testing::kCoraNodes;
  for (auto& row : rows) {
    std::sort(row.begin(), row.end());
    rebuilt.col_index.insert(rebuilt.col_index.end(), row.begin(), row.end());
    rebuilt.row_start.push_back(static_cast<std::int64_t>(rebuilt.col_index.size()));
  }
  EXPECT_EQ(rebuilt.row_start, c.adjacency.row_start);
  EXPECT_EQ(rebuilt.col_index, c.adjacency.col_index);
}

TEST_P(PartBuilderOnCora, SendListsMatchThePeersHaloRows) {
  const CoraParts& c = cora();
  const int num_parts = GetParam();
  for (const PartData& sender : c.parts) {
    ASSERT_EQ(sender.send_offsets.size(), static_cast<std::size_t>(num_parts) + 1);
    for (const PartData& receiver : c.parts) {
      const int p = sender.part, q = receiver.part;
      std::vector<GlobalId> sent, received;
      for (std::int64_t i = sender.send_offsets[q]; i < sender.send_offsets[q + 1]; ++i) {
        ASSERT_LT(sender.send_rows[i], sender.n_owned);
        sent.push_back(sender.canonical_id[sender.send_rows[i]]);
      }
      for (std::int64_t i = receiver.halo_offsets[p]; i < receiver.halo_offsets[p + 1]; ++i) {
        received.push_back(receiver.canonical_id[receiver.n_owned + i]);
      }
      EXPECT_EQ(sent, received) << "from part " << p << " to part " << q;
    }
  }
}

TEST_P(PartBuilderOnCora, HaloRowsAreGroupedByOwnerInOrderedIdOrder) {
  const CoraParts& c = cora();
  for (const PartData& data : c.parts) {
    ASSERT_EQ(data.halo_offsets.size(), static_cast<std::size_t>(GetParam()) + 1);
    EXPECT_EQ(data.halo_offsets.front(), 0);
    EXPECT_EQ(data.halo_offsets.back(), data.n_halo);
    EXPECT_EQ(data.halo_offsets[data.part], data.halo_offsets[data.part + 1]);
    for (int q = 0; q < GetParam(); ++q) {
      for (std::int64_t i = data.halo_offsets[q]; i < data.halo_offsets[q + 1]; ++i) {
        const GlobalId node = data.canonical_id[data.n_owned + i];
        EXPECT_EQ(c.part_of[node], q);
        if (i > data.halo_offsets[q]) {
          const GlobalId previous = data.canonical_id[data.n_owned + i - 1];
          EXPECT_LT(c.ordering.canonical_to_ordered[previous],
                    c.ordering.canonical_to_ordered[node]);
        }
      }
    }
  }
}

TEST_P(PartBuilderOnCora, InteriorRowsComeFirstAndHaveNoHaloNeighbours) {
  for (const PartData& data : cora().parts) {
    for (std::int64_t row = 0; row < data.n_owned; ++row) {
      const auto columns = data.adjacency.row(row);
      const bool touches_halo = std::any_of(columns.begin(), columns.end(),
                                            [&](LocalId column) { return column >= data.n_owned; });
      EXPECT_EQ(touches_halo, row >= data.n_interior) << "part " << data.part << " row " << row;
    }
  }
}

TEST_P(PartBuilderOnCora, RowsCarryGlobalDegreesAndOriginalIds) {
  const CoraParts& c = cora();
  for (const PartData& data : c.parts) {
    const auto n_rows = static_cast<std::size_t>(data.n_owned + data.n_halo);
    ASSERT_EQ(data.canonical_id.size(), n_rows);
    ASSERT_EQ(data.node_id.size(), n_rows);
    ASSERT_EQ(data.degree.size(), n_rows);
    for (std::size_t row = 0; row < n_rows; ++row) {
      const GlobalId node = data.canonical_id[row];
      EXPECT_EQ(data.degree[row], c.adjacency.row_length(node));
      EXPECT_EQ(data.node_id[row], c.original_ids[node]);
    }
  }
}

TEST_P(PartBuilderOnCora, FeaturesFollowTheLocalRowOrder) {
  for (const PartData& data : cora().parts) {
    const FeatureMatrix& features = data.features;
    ASSERT_EQ(features.n_rows(), data.n_owned);
    EXPECT_EQ(features.n_cols, 7);
    for (std::int64_t row = 0; row < data.n_owned; ++row) {
      const GlobalId node = data.canonical_id[row];
      ASSERT_EQ(features.row_length(row), 1);
      EXPECT_EQ(features.row(row)[0], node % 7);
      EXPECT_EQ(features.row_values(row)[0], static_cast<float>(node));
    }
  }
}

TEST_P(PartBuilderOnCora, StatisticsAgreeWithTheParts) {
  const CoraParts& c = cora();
  const PartitionStatistics stats = compute_statistics(c.adjacency, c.part_of, c.parts);
  std::int64_t halo = 0, sent = 0, owned_max = 0, cut = 0;
  for (const PartData& data : c.parts) {
    EXPECT_EQ(stats.sent[data.part], static_cast<std::int64_t>(data.send_rows.size()));
    sent += stats.sent[data.part];
    EXPECT_EQ(stats.owned[data.part], data.n_owned);
    EXPECT_EQ(stats.interior[data.part], data.n_interior);
    EXPECT_EQ(stats.halo[data.part], data.n_halo);
    EXPECT_EQ(stats.local_edges[data.part], data.adjacency.nnz());
    EXPECT_EQ(stats.train_edges[data.part], static_cast<std::int64_t>(data.train_edges.size()));
    halo += data.n_halo;
    owned_max = std::max(owned_max, data.n_owned);
  }
  for (const NodePair& e : c.split.train) cut += c.part_of[e.first] != c.part_of[e.second];
  EXPECT_EQ(stats.comm_volume, halo);
  EXPECT_EQ(sent, halo);  // every halo row is sent by exactly one owner
  EXPECT_EQ(stats.edge_cut, cut);
  EXPECT_DOUBLE_EQ(stats.imbalance, static_cast<double>(owned_max) * GetParam() /
                                        static_cast<double>(testing::kCoraNodes));
  if (GetParam() == 1) {
    EXPECT_EQ(stats.edge_cut, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Parts, PartBuilderOnCora, ::testing::Values(1, 2, 4));

TEST(NodeOrdering, FollowsCuthillMcKeeFromTheLowestDegreeNode) {
  // Star 0-{1,2,3,4} plus 4-5. Start at 1 (degree 1, lowest id), then 0, then 0's neighbours
  // by (degree, id): 2, 3, then 4 (degree 2), then 5.
  const std::vector<NodePair> edges{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {4, 5}};
  const Csr<GlobalId> adjacency = symmetric_adjacency(6, edges);
  const std::vector<std::int32_t> part_of(6, 0);
  const NodeOrdering ordering = order_nodes(adjacency, part_of, 1);
  EXPECT_EQ(ordering.ordered_to_canonical, (std::vector<GlobalId>{1, 0, 2, 3, 4, 5}));
  EXPECT_EQ(ordering.interior_counts, (std::vector<std::int64_t>{6}));
}

TEST(PartBuilder, BuildsTheHaloAndSendListsOfASplitPath) {
  // Path 0-1-2-3 cut in the middle: part 0 = {0 interior, 1 boundary}, part 1 = {3, 2}.
  const std::vector<NodePair> edges{{0, 1}, {1, 2}, {2, 3}};
  const Csr<GlobalId> adjacency = symmetric_adjacency(4, edges);
  const std::vector<std::int32_t> part_of{0, 0, 1, 1};
  const NodeOrdering ordering = order_nodes(adjacency, part_of, 2);
  EXPECT_EQ(ordering.ordered_to_canonical, (std::vector<GlobalId>{0, 1, 3, 2}));
  EXPECT_EQ(ordering.interior_counts, (std::vector<std::int64_t>{1, 1}));
  EdgeSplit split;
  split.train = edges;
  const std::vector<GlobalId> original_ids{40, 41, 42, 43};
  const std::vector<PartData> parts =
      build_parts(adjacency, part_of, ordering, split, FeatureMatrix{}, original_ids);
  ASSERT_EQ(parts.size(), 2u);
  const PartData& first = parts[0];
  EXPECT_EQ(first.canonical_id, (std::vector<GlobalId>{0, 1, 2}));
  EXPECT_EQ(first.node_id, (std::vector<GlobalId>{40, 41, 42}));
  EXPECT_EQ(first.degree, (std::vector<std::int64_t>{1, 2, 2}));
  EXPECT_EQ(first.halo_offsets, (std::vector<std::int64_t>{0, 0, 1}));
  EXPECT_EQ(first.send_offsets, (std::vector<std::int64_t>{0, 0, 1}));
  EXPECT_EQ(first.send_rows, (std::vector<LocalId>{1}));
  EXPECT_EQ(first.adjacency.row_start, (std::vector<std::int64_t>{0, 1, 3}));
  EXPECT_EQ(first.adjacency.col_index, (std::vector<LocalId>{1, 0, 2}));
  EXPECT_EQ(first.train_edges, (std::vector<NodePair>{{0, 1}, {1, 2}}));
  EXPECT_EQ(first.features.n_cols, 0);
  EXPECT_EQ(first.features.row_start, (std::vector<std::int64_t>{0, 0, 0}));
  const PartData& second = parts[1];
  EXPECT_EQ(second.canonical_id, (std::vector<GlobalId>{3, 2, 1}));
  EXPECT_EQ(second.halo_offsets, (std::vector<std::int64_t>{0, 1, 1}));
  EXPECT_EQ(second.send_rows, (std::vector<LocalId>{1}));
  EXPECT_EQ(second.train_edges, (std::vector<NodePair>{{2, 3}}));

  const PartitionStatistics stats = compute_statistics(adjacency, part_of, parts);
  EXPECT_EQ(stats.edge_cut, 1);
  EXPECT_EQ(stats.comm_volume, 2);
  EXPECT_DOUBLE_EQ(stats.imbalance, 1.0);
}

}  // namespace
}  // namespace distgae
