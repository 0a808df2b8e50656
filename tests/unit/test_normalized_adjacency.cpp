#include "model/normalized_adjacency.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <span>
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
// Canonical ids not in local order: halo node 3 comes first.
const std::vector<GlobalId> kHandMadeCanonical = {10, 20, 30, 5, 40};

// Every row's columns in increasing canonical id.
void expect_canonical_rows(const Csr<LocalId, float>& a, std::span<const GlobalId> canonical) {
  for (std::int64_t r = 0; r < a.n_rows(); ++r) {
    const auto row = a.row(r);
    for (std::size_t k = 1; k < row.size(); ++k) {
      EXPECT_LT(canonical[row[k - 1]], canonical[row[k]]) << "row " << r;
    }
  }
}

NormalizedAdjacency hand_made() {
  return normalize_adjacency(hand_made_part(), kHandMadeDegrees, kHandMadeCanonical, 1);
}

TEST(NormalizedAdjacency, HandMadePartHasSelfLoopsAndSymmetricScalingInCanonicalOrder) {
  const NormalizedAdjacency a = hand_made();
  EXPECT_EQ(a.n_owned, 3);
  EXPECT_EQ(a.n_local, 5);
  EXPECT_EQ(a.n_interior, 1);
  // Row 0 holds local columns 0, 1, 3, whose canonical ids are 10, 20, 5: node 3 comes first.
  EXPECT_EQ(a.rows.col_index, (std::vector<LocalId>{3, 0, 1, 0, 1, 2, 1, 2, 4}));
  EXPECT_EQ(a.rows.row_start, (std::vector<std::int64_t>{0, 3, 6, 9}));
  const std::vector<double> expected = {
      1.0 / std::sqrt(12.0), 1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3,
      1.0 / std::sqrt(6.0)};
  ASSERT_EQ(a.rows.values.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_FLOAT_EQ(a.rows.values[k], static_cast<float>(expected[k])) << "entry " << k;
  }
}

TEST(NormalizedAdjacency, EveryPartsRowsFollowCanonicalOrder) {
  const testing::ModelGraph cora = testing::cora_model_graph(2708, 3, false);
  for (const PartData& part : cora.parts) {
    expect_canonical_rows(testing::normalized(part).rows, part.canonical_id);
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
  EXPECT_THROW(normalize_adjacency(unsorted, kHandMadeDegrees, kHandMadeCanonical, 1),
               std::invalid_argument);
  Csr<LocalId> self_loop = hand_made_part();
  self_loop.col_index[0] = 0;
  EXPECT_THROW(normalize_adjacency(self_loop, kHandMadeDegrees, kHandMadeCanonical, 1),
               std::invalid_argument);
  const std::vector<std::int64_t> too_few = {2, 2, 2};
  EXPECT_THROW(normalize_adjacency(hand_made_part(), too_few, kHandMadeCanonical, 1),
               std::invalid_argument);
  const std::vector<GlobalId> too_few_ids = {10, 20, 30};
  EXPECT_THROW(normalize_adjacency(hand_made_part(), kHandMadeDegrees, too_few_ids, 1),
               std::invalid_argument);
  EXPECT_THROW(normalize_adjacency(hand_made_part(), kHandMadeDegrees, kHandMadeCanonical, 4),
               std::invalid_argument);
}

}  // namespace
}  // namespace distgae
