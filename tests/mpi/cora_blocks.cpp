#include "cora_blocks.hpp"

#include <gtest/gtest.h>

#include <string>

#include "io/feature_readers.hpp"
#include "io/graph_readers.hpp"

namespace distgae::testing {
namespace {

// Rows [begin, end) of a CSR matrix, as a matrix of their own.
template <class Col, class Value>
Csr<Col, Value> slice_rows(const Csr<Col, Value>& matrix, std::int64_t begin, std::int64_t end) {
  Csr<Col, Value> rows;
  rows.n_cols = matrix.n_cols;
  const std::int64_t first = matrix.row_start[begin];
  for (std::int64_t row = begin; row < end; ++row) {
    rows.row_start.push_back(matrix.row_start[row + 1] - first);
  }
  rows.col_index.assign(matrix.col_index.begin() + first,
                        matrix.col_index.begin() + matrix.row_start[end]);
  if (matrix.has_values()) {
    rows.values.assign(matrix.values.begin() + first,
                       matrix.values.begin() + matrix.row_start[end]);
  }
  return rows;
}

std::vector<NodePair> pairs_starting_in(const std::vector<NodePair>& pairs, GlobalId begin,
                                        GlobalId end) {
  std::vector<NodePair> share;
  for (const NodePair& pair : pairs) {
    if (pair.first >= begin && pair.first < end) share.push_back(pair);
  }
  return share;
}

}  // namespace

const CoraGraph& cora_graph() {
  static const CoraGraph cora = [] {
    CoraGraph built;
    built.graph = canonicalize(read_graph(DISTGAE_TEST_DATA "/cora/edges.txt"), NodeSetSpec{});
    SplitOptions split;
    split.seed = 7;
    built.split = split_edges(built.graph, split);
    built.adjacency = symmetric_adjacency(built.graph.num_nodes(), built.split.train);
    built.features = read_features(DISTGAE_TEST_DATA "/cora/features.mtx");
    return built;
  }();
  return cora;
}

ReferenceParts reference_parts(const CoraGraph& cora, const PartitionOptions& options,
                               bool featured) {
  ReferenceParts reference;
  reference.part_of = assign_parts(cora.adjacency, options);
  reference.ordering = order_nodes(cora.adjacency, reference.part_of, options.num_parts);
  reference.parts =
      build_parts(cora.adjacency, reference.part_of, reference.ordering, cora.split,
                  featured ? cora.features : FeatureMatrix{}, cora.graph.original_ids);
  reference.stats = compute_statistics(cora.adjacency, reference.part_of, reference.parts);
  return reference;
}

CoraBlock slice_block(const CoraGraph& cora, const std::vector<std::int32_t>& part_of, int rank,
                      int ranks, bool featured) {
  CoraBlock block;
  block.blocks = NodeBlocks(cora.graph.num_nodes(), ranks);
  const GlobalId begin = block.blocks.begin(rank), end = block.blocks.end(rank);
  block.adjacency = slice_rows(cora.adjacency, begin, end);
  block.part_of.assign(part_of.begin() + begin, part_of.begin() + end);
  block.original_ids.assign(cora.graph.original_ids.begin() + begin,
                            cora.graph.original_ids.begin() + end);
  block.split.train = pairs_starting_in(cora.split.train, begin, end);
  block.split.val_pos = pairs_starting_in(cora.split.val_pos, begin, end);
  block.split.val_neg = pairs_starting_in(cora.split.val_neg, begin, end);
  block.split.test_pos = pairs_starting_in(cora.split.test_pos, begin, end);
  block.split.test_neg = pairs_starting_in(cora.split.test_neg, begin, end);
  if (featured) {
    block.features = slice_rows(cora.features, begin, end);
  } else {
    block.features.row_start.assign(static_cast<std::size_t>(end - begin) + 1, 0);
  }
  return block;
}

void fill_scalar_meta(const CoraGraph& cora, bool featured, DatasetMeta& meta) {
  meta.num_edges = cora.graph.num_edges();
  meta.num_train_edges = static_cast<std::int64_t>(cora.split.train.size());
  meta.num_val_edges = static_cast<std::int64_t>(cora.split.val_pos.size());
  meta.num_test_edges = static_cast<std::int64_t>(cora.split.test_pos.size());
  meta.seed = 7;
  meta.val_frac = 0.05;
  meta.test_frac = 0.10;
  meta.partitioner = meta.num_parts == 1 ? "single" : "metis";
  meta.objective = meta.num_parts == 1 ? "" : "vol";
  meta.feature_dim = featured ? cora.features.n_cols : 0;
  meta.source_graph = DISTGAE_TEST_DATA "/cora/edges.txt";
  meta.source_features = featured ? DISTGAE_TEST_DATA "/cora/features.mtx" : "";
  meta.graph_fingerprint = "0123456789abcdef";
  meta.input_lines = cora.graph.input_edges;
  meta.self_loops_dropped = cora.graph.self_loops_dropped;
  meta.duplicates_merged = cora.graph.duplicates_merged;
}

void expect_same_part(const PartData& actual, const PartData& expected) {
  SCOPED_TRACE("part " + std::to_string(expected.part));
  EXPECT_EQ(actual.part, expected.part);
  EXPECT_EQ(actual.num_parts, expected.num_parts);
  EXPECT_EQ(actual.n_owned, expected.n_owned);
  EXPECT_EQ(actual.n_interior, expected.n_interior);
  EXPECT_EQ(actual.n_halo, expected.n_halo);
  EXPECT_EQ(actual.canonical_id, expected.canonical_id);
  EXPECT_EQ(actual.node_id, expected.node_id);
  EXPECT_EQ(actual.degree, expected.degree);
  EXPECT_EQ(actual.halo_offsets, expected.halo_offsets);
  EXPECT_EQ(actual.send_offsets, expected.send_offsets);
  EXPECT_EQ(actual.send_rows, expected.send_rows);
  EXPECT_EQ(actual.adjacency.n_cols, expected.adjacency.n_cols);
  EXPECT_EQ(actual.adjacency.row_start, expected.adjacency.row_start);
  EXPECT_EQ(actual.adjacency.col_index, expected.adjacency.col_index);
  EXPECT_EQ(actual.adjacency.values, expected.adjacency.values);
  // Pair lists are compared whole: gtest would print NodePair vectors as raw bytes.
  EXPECT_TRUE(actual.train_edges == expected.train_edges);
  EXPECT_TRUE(actual.val_pos == expected.val_pos);
  EXPECT_TRUE(actual.val_neg == expected.val_neg);
  EXPECT_TRUE(actual.test_pos == expected.test_pos);
  EXPECT_TRUE(actual.test_neg == expected.test_neg);
  EXPECT_EQ(actual.features.n_cols, expected.features.n_cols);
  EXPECT_EQ(actual.features.row_start, expected.features.row_start);
  EXPECT_EQ(actual.features.col_index, expected.features.col_index);
  EXPECT_EQ(actual.features.values, expected.features.values);
  EXPECT_EQ(actual.graph_fingerprint, expected.graph_fingerprint);
}

}  // namespace distgae::testing
