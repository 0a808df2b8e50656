#include "model/normalized_adjacency.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "model_test_graphs.hpp"

namespace distgae {
namespace {

// A part owning nodes 0..2 of the path 3 - 0 - 1 - 2 - 4, whose halo is nodes 3 and 4 (their
// global degrees are 3 and 1). Row 0 is interior only in name; n_interior just passes through.
Csr<LocalId> hand_made_part() {
  Csr<LocalId> adjacency;
  adjacency.n_cols = 5;
  adjacency.col_index = {1, 3, 0, 2, 1, 4};
  adjacency.row_start = {0, 2, 4, 6};
  return adjacency;
}
const std::vector<std::int64_t> kHandMadeDegrees = {2, 2, 2, 3, 1};

Eigen::MatrixXd to_dense(const Csr<LocalId, float>& a) {
  Eigen::MatrixXd dense = Eigen::MatrixXd::Zero(a.n_rows(), a.n_cols);
  for (std::int64_t r = 0; r < a.n_rows(); ++r) {
    for (std::int64_t k = a.row_start[r]; k < a.row_start[r + 1]; ++k) {
      dense(r, a.col_index[k]) += a.values[k];
    }
  }
  return dense;
}

void expect_sorted_rows(const Csr<LocalId, float>& a) {
  for (std::int64_t r = 0; r < a.n_rows(); ++r) {
    const auto row = a.row(r);
    for (std::size_t k = 1; k < row.size(); ++k) EXPECT_LT(row[k - 1], row[k]) << "row " << r;
  }
}

TEST(NormalizedAdjacency, HandMadePartHasSelfLoopsAndSymmetricScaling) {
  const NormalizedAdjacency a = normalize_adjacency(hand_made_part(), kHandMadeDegrees, 1);
  EXPECT_EQ(a.n_owned, 3);
  EXPECT_EQ(a.n_local, 5);
  EXPECT_EQ(a.n_interior, 1);
  EXPECT_EQ(a.rows.col_index, (std::vector<LocalId>{0, 1, 3, 0, 1, 2, 1, 2, 4}));
  EXPECT_EQ(a.rows.row_start, (std::vector<std::int64_t>{0, 3, 6, 9}));
  const std::vector<double> expected = {1.0 / 3, 1.0 / 3, 1.0 / std::sqrt(12.0),
                                        1.0 / 3, 1.0 / 3, 1.0 / 3,
                                        1.0 / 3, 1.0 / 3, 1.0 / std::sqrt(6.0)};
  ASSERT_EQ(a.rows.values.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_FLOAT_EQ(a.rows.values[k], static_cast<float>(expected[k])) << "entry " << k;
  }
}

TEST(NormalizedAdjacency, TransposedIsTheExactTransposeWithSortedColumns) {
  const NormalizedAdjacency a = normalize_adjacency(hand_made_part(), kHandMadeDegrees, 1);
  EXPECT_EQ(a.transposed.n_rows(), 5);
  EXPECT_EQ(a.transposed.n_cols, 3);
  EXPECT_EQ(to_dense(a.transposed), to_dense(a.rows).transpose());
  expect_sorted_rows(a.transposed);

  const testing::ModelGraph cora = testing::cora_model_graph(2708, 3, false);
  for (const PartData& part : cora.parts) {
    const NormalizedAdjacency b = testing::normalized(part);
    EXPECT_EQ(to_dense(b.transposed), to_dense(b.rows).transpose());
    expect_sorted_rows(b.rows);
    expect_sorted_rows(b.transposed);
  }
}

TEST(NormalizedAdjacency, PartsHoldTheRowsOfTheGlobalMatrix) {
  const testing::ModelGraph cora = testing::cora_model_graph(2708, 3, false);
  const Eigen::MatrixXd global = testing::dense_normalized_adjacency(cora);
  std::int64_t rows_seen = 0;
  std::int64_t entries_seen = 0;
  for (const PartData& part : cora.parts) {
    const NormalizedAdjacency a = testing::normalized(part);
    ASSERT_EQ(a.n_local, part.n_owned + part.n_halo);
    for (std::int64_t i = 0; i < a.n_owned; ++i) {
      const GlobalId u = part.canonical_id[i];
      for (std::int64_t k = a.rows.row_start[i]; k < a.rows.row_start[i + 1]; ++k) {
        const GlobalId v = part.canonical_id[a.rows.col_index[k]];
        EXPECT_FLOAT_EQ(a.rows.values[k], static_cast<float>(global(u, v)));
      }
      ++rows_seen;
    }
    entries_seen += a.rows.nnz();
  }
  EXPECT_EQ(rows_seen, cora.num_nodes);
  EXPECT_EQ(entries_seen, (global.array() != 0.0).count());
}

TEST(NormalizedAdjacency, RejectsMalformedInput) {
  Csr<LocalId> unsorted = hand_made_part();
  std::swap(unsorted.col_index[0], unsorted.col_index[1]);
  EXPECT_THROW(normalize_adjacency(unsorted, kHandMadeDegrees, 1), std::invalid_argument);
  Csr<LocalId> self_loop = hand_made_part();
  self_loop.col_index[0] = 0;
  EXPECT_THROW(normalize_adjacency(self_loop, kHandMadeDegrees, 1), std::invalid_argument);
  const std::vector<std::int64_t> too_few = {2, 2, 2};
  EXPECT_THROW(normalize_adjacency(hand_made_part(), too_few, 1), std::invalid_argument);
  EXPECT_THROW(normalize_adjacency(hand_made_part(), kHandMadeDegrees, 4), std::invalid_argument);
}

}  // namespace
}  // namespace distgae
