// The dataset invariants (io/part_validation.hpp), rule by rule: a real part of Cora, built by
// the partition pipeline, tampered with in memory in one way at a time, must be refused with an
// error naming the file and the dataset or attribute, and the untouched one accepted.
#include "io/part_validation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>

#include "cora_partitioned.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::contains;
using testing_util::cora_partitioned;
using testing_util::input_error;

constexpr const char* kPath = "cora-2/part-1.h5";

void expect_fragments(const std::string& message, std::initializer_list<const char*> fragments) {
  EXPECT_TRUE(contains(message, kPath));
  for (const char* fragment : fragments) EXPECT_TRUE(contains(message, fragment));
}

// Removes adjacency entry k (and one from its row's degree), keeping the CSR well formed.
void remove_entry(PartData& part, std::int64_t k) {
  Csr<LocalId>& adjacency = part.adjacency;
  const auto row = std::upper_bound(adjacency.row_start.begin(), adjacency.row_start.end(), k) -
                   adjacency.row_start.begin() - 1;
  adjacency.col_index.erase(adjacency.col_index.begin() + k);
  for (std::size_t r = static_cast<std::size_t>(row) + 1; r < adjacency.row_start.size(); ++r) {
    --adjacency.row_start[r];
  }
  --part.degree[row];
}

// Part 1 of Cora in two parts: it has owned rows, halo rows from part 0 and sends rows there.
class PartValidation : public ::testing::Test {
 protected:
  DatasetMeta meta = cora_partitioned(2).meta;
  PartData part = cora_partitioned(2).parts[1];

  std::string structure_error() {
    return input_error([&] { check_part_structure(part, kPath); }, "check_part_structure");
  }
  std::string meta_error() {
    check_part_structure(part, kPath);
    return input_error([&] { check_part_against_meta(part, meta, kPath); },
                       "check_part_against_meta");
  }
  // The first adjacency entry of an owned row pointing at another owned row.
  std::int64_t owned_entry() const {
    for (std::int64_t k = 0; k < part.adjacency.nnz(); ++k) {
      if (part.adjacency.col_index[k] < part.n_owned) return k;
    }
    return -1;
  }
};

TEST(PartValidationOfCora, AcceptsEveryPartInOneTwoAndFourParts) {
  for (const int parts : {1, 2, 4}) {
    const PartitionedDataset& cora = cora_partitioned(parts);
    EXPECT_NO_THROW(check_dataset_meta(cora.meta, "meta.h5"));
    for (const PartData& part : cora.parts) {
      EXPECT_NO_THROW(check_part_structure(part, kPath));
      EXPECT_NO_THROW(check_part_against_meta(part, cora.meta, kPath));
      EXPECT_FALSE(part.graph_fingerprint.empty());
    }
  }
}

TEST_F(PartValidation, RefusesHeaderAttributesOutOfRange) {
  expect_fragments(input_error([&] { check_part_header(part, 0, kPath); }),
                   {"attribute 'part' is 1", "part 0"});
  part.n_owned = -1;
  expect_fragments(structure_error(), {"attribute 'n_owned' is -1"});
  part = cora_partitioned(2).parts[1];
  part.n_halo = -5;
  expect_fragments(structure_error(), {"attribute 'n_halo' is -5"});
  part = cora_partitioned(2).parts[1];
  part.n_interior = part.n_owned + 1;
  expect_fragments(structure_error(), {"attribute 'n_interior'"});
  part = cora_partitioned(2).parts[1];
  part.n_owned = std::int64_t{1} << 31;
  expect_fragments(structure_error(), {"'n_owned'", "32-bit local ids"});
  part = cora_partitioned(2).parts[1];
  part.num_parts = 0;
  expect_fragments(structure_error(), {"attribute 'num_parts' is 0"});
}

TEST_F(PartValidation, RefusesHeaderAttributesThatDisagreeWithMeta) {
  const auto against_meta = [&] {
    return input_error([&] { check_part_header_against_meta(part, meta, kPath); });
  };
  part.num_parts = 3;
  expect_fragments(against_meta(), {"attribute 'num_parts' is 3", "2 parts"});
  part = cora_partitioned(2).parts[1];
  part.n_owned += 1;
  expect_fragments(against_meta(), {"attribute 'n_owned'", "part_offsets"});
  part = cora_partitioned(2).parts[1];
  part.n_interior -= 1;
  expect_fragments(against_meta(), {"attribute 'n_interior'", "stats/interior[1]"});
  part = cora_partitioned(2).parts[1];
  part.n_halo += 1;
  expect_fragments(against_meta(), {"attribute 'n_halo'", "stats/halo[1]"});
}

TEST_F(PartValidation, RefusesArraysOfTheWrongSize) {
  part.degree.pop_back();
  expect_fragments(structure_error(), {"'nodes/degree'", "n_owned + n_halo"});
  part = cora_partitioned(2).parts[1];
  part.send_offsets.push_back(part.send_offsets.back());
  expect_fragments(structure_error(), {"'send/offsets'", "num_parts + 1"});
}

TEST_F(PartValidation, RefusesHaloOffsetsThatDoNotSpanTheHaloInOrder) {
  ASSERT_GT(part.n_halo, 0);
  part.halo_offsets[0] = 1;
  expect_fragments(structure_error(), {"halo/offsets[0] = 1, must be 0"});
  part = cora_partitioned(2).parts[1];
  part.halo_offsets[1] = part.n_halo + 1;
  expect_fragments(structure_error(), {"halo/offsets[2]", "never decrease"});
  part = cora_partitioned(2).parts[1];
  part.halo_offsets[1] = part.halo_offsets[2] = part.n_halo - 1;
  expect_fragments(structure_error(), {"halo/offsets[2]", "must end at"});
  part = cora_partitioned(2).parts[1];
  part.halo_offsets[1] = 0;  // part 1's halo rows said to be its own
  expect_fragments(structure_error(), {"halo/offsets", "of its own"});
}

TEST_F(PartValidation, RefusesSendRowsOutsideTheOwnedRowsOrNotTheRowsAPeerNeeds) {
  ASSERT_GE(part.send_rows.size(), 2u);
  part.send_offsets[2] += 1;
  expect_fragments(structure_error(), {"send/offsets[2]", "the entries of send/rows"});
  part = cora_partitioned(2).parts[1];
  part.send_rows[0] = static_cast<LocalId>(part.n_owned);
  expect_fragments(structure_error(), {"send/rows[0]", "not an owned row"});
  part = cora_partitioned(2).parts[1];
  part.send_rows[1] = -1;
  expect_fragments(structure_error(), {"send/rows[1] = -1", "not an owned row"});
  part = cora_partitioned(2).parts[1];
  std::swap(part.send_rows[0], part.send_rows[1]);
  expect_fragments(structure_error(), {"send/rows[0]", "neighbour on part 0"});
  part = cora_partitioned(2).parts[1];
  part.send_rows.pop_back();
  part.send_offsets[1] -= 1;
  part.send_offsets[2] -= 1;
  expect_fragments(structure_error(), {"send/rows lists", "also has a neighbour there"});
}

TEST_F(PartValidation, RefusesAdjacencyRowStartsAndColumnsOutOfRangeOrOrder) {
  part.adjacency.n_cols += 1;
  expect_fragments(structure_error(), {"attribute 'n_cols' of 'adjacency'"});
  part = cora_partitioned(2).parts[1];
  part.adjacency.row_start[5] = part.adjacency.row_start[6] + 1;
  expect_fragments(structure_error(), {"adjacency/row_start[6]", "never decrease"});
  part = cora_partitioned(2).parts[1];
  part.adjacency.row_start.back() -= 1;
  expect_fragments(structure_error(), {"adjacency/row_start", "must end at"});
  part = cora_partitioned(2).parts[1];
  part.adjacency.col_index[0] = static_cast<LocalId>(part.n_owned + part.n_halo);
  expect_fragments(structure_error(), {"adjacency/col_index[0]", "outside [0"});
  part = cora_partitioned(2).parts[1];
  std::int64_t wide_row = 0;  // a row with two entries or more
  while (part.adjacency.row_length(wide_row) < 2) ++wide_row;
  const std::int64_t k = part.adjacency.row_start[wide_row];
  std::swap(part.adjacency.col_index[k], part.adjacency.col_index[k + 1]);
  expect_fragments(structure_error(), {"adjacency/col_index", "columns must increase"});
  part = cora_partitioned(2).parts[1];
  part.adjacency.col_index[k] = static_cast<LocalId>(wide_row);
  expect_fragments(structure_error(), {"adjacency/col_index", "self loop"});
}

TEST_F(PartValidation, RefusesDegreesOtherThanTheTrainingDegree) {
  part.degree[0] += 1;
  expect_fragments(structure_error(), {"nodes/degree[0]", "training degree"});
  part = cora_partitioned(2).parts[1];
  part.degree[0] = -1;
  expect_fragments(structure_error(), {"nodes/degree[0] = -1"});
  part = cora_partitioned(2).parts[1];
  part.degree[part.n_owned] = -3;
  expect_fragments(structure_error(), {"= -3 for a halo row"});
}

TEST_F(PartValidation, RefusesInteriorRowsWithHaloNeighboursAndBoundaryRowsWithout) {
  ASSERT_LT(part.n_interior, part.n_owned);
  part.n_interior += 1;
  expect_fragments(structure_error(), {"is interior", "n_interior"});
  part = cora_partitioned(2).parts[1];
  ASSERT_GT(part.n_interior, 0);
  part.n_interior -= 1;
  expect_fragments(structure_error(), {"boundary row", "without a halo neighbour"});
}

TEST_F(PartValidation, RefusesAnOwnedEdgeListedInOneDirectionOnly) {
  const std::int64_t k = owned_entry();
  ASSERT_GE(k, 0);
  remove_entry(part, k);
  expect_fragments(structure_error(), {"adjacency: row", "does not list it back"});
}

TEST_F(PartValidation, RefusesAHaloRowThatNoOwnedRowNeeds) {
  // Remove the entries of one halo column whose rows keep another neighbour on part 0, so that
  // only the unreferenced halo row is wrong.
  const Csr<LocalId>& adjacency = cora_partitioned(2).parts[1].adjacency;
  for (LocalId halo = static_cast<LocalId>(part.n_owned); halo < part.n_owned + part.n_halo;
       ++halo) {
    std::vector<std::int64_t> entries;
    bool others = true;
    for (std::int64_t row = 0; row < part.n_owned; ++row) {
      const auto cols = adjacency.row(row);
      const auto at = std::find(cols.begin(), cols.end(), halo);
      if (at == cols.end()) continue;
      entries.push_back(adjacency.row_start[row] + (at - cols.begin()));
      others = others && std::count_if(cols.begin(), cols.end(),
                                       [&](LocalId c) { return c >= part.n_owned; }) >= 2;
    }
    if (!others) continue;
    for (auto e = entries.rbegin(); e != entries.rend(); ++e) remove_entry(part, *e);
    expect_fragments(structure_error(), {"halo row", "no owned row's neighbour"});
    return;
  }
  FAIL() << "no halo row of Cora's part 1 whose rows have other halo neighbours";
}

TEST_F(PartValidation, RefusesFeaturesOutOfRangeOrNotFinite) {
  part.features.col_index[0] = static_cast<std::int32_t>(part.features.n_cols);
  expect_fragments(structure_error(), {"features/col_index[0]", "outside [0, n_cols"});
  part = cora_partitioned(2).parts[1];
  part.features.values[3] = std::numeric_limits<float>::quiet_NaN();
  expect_fragments(structure_error(), {"features/values[3] = nan", "not finite"});
  part = cora_partitioned(2).parts[1];
  part.features.values[4] = -std::numeric_limits<float>::infinity();
  expect_fragments(structure_error(), {"features/values[4] = -inf"});
  part = cora_partitioned(2).parts[1];
  part.features.row_start[2] = part.features.row_start[3] + 1;
  expect_fragments(structure_error(), {"features/row_start[3]", "never decrease"});
  part = cora_partitioned(2).parts[1];
  part.features.values.pop_back();
  expect_fragments(structure_error(), {"'features/values'"});
}

}  // namespace
}  // namespace distgae
