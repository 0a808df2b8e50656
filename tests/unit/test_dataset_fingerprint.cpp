#include "partition/dataset_fingerprint.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace distgae {
namespace {

using Features = Csr<std::int32_t, float>;

Features feature_rows(const std::vector<std::vector<std::pair<std::int32_t, float>>>& rows) {
  Features features;
  features.n_cols = 8;
  for (const auto& row : rows) {
    for (const auto& [column, value] : row) {
      features.col_index.push_back(column);
      features.values.push_back(value);
    }
    features.row_start.push_back(static_cast<std::int64_t>(features.col_index.size()));
  }
  return features;
}

// Rows [begin, end) of `features`, as the rank holding them has them.
Features slice(const Features& features, std::int64_t begin, std::int64_t end) {
  Features rows;
  rows.n_cols = features.n_cols;
  for (std::int64_t r = begin; r < end; ++r) {
    for (std::int64_t i = features.row_start[r]; i < features.row_start[r + 1]; ++i) {
      rows.col_index.push_back(features.col_index[i]);
      rows.values.push_back(features.values[i]);
    }
    rows.row_start.push_back(static_cast<std::int64_t>(rows.col_index.size()));
  }
  return rows;
}

struct Data {
  std::vector<std::int64_t> ids{50, -3, 7, 1LL << 40, 9};
  std::vector<NodePair> train{{0, 1}, {0, 3}, {1, 2}, {2, 4}, {3, 4}};
  Features features = feature_rows({{{0, 1.0f}}, {}, {{2, 0.5f}, {7, 2.0f}}, {{1, 1.0f}}, {}});
};

std::string whole(const Data& data) {
  DatasetFingerprint fingerprint;
  fingerprint.add(DatasetFingerprint::kOriginalIds, 0, data.ids);
  fingerprint.add_pairs(DatasetFingerprint::kTrain, 0, data.train);
  fingerprint.add_feature_rows(0, 0, data.features);
  return fingerprint.finish();
}

TEST(DatasetFingerprint, SharesAddUpToTheWholeForAnySplit) {
  const Data data;
  const std::string expected = whole(data);
  for (std::int64_t cut = 0; cut <= 5; ++cut) {
    DatasetFingerprint low, high;
    low.add(DatasetFingerprint::kOriginalIds, 0, std::span(data.ids).first(cut));
    high.add(DatasetFingerprint::kOriginalIds, cut, std::span(data.ids).subspan(cut));
    low.add_pairs(DatasetFingerprint::kTrain, 0, std::span(data.train).first(cut));
    high.add_pairs(DatasetFingerprint::kTrain, cut, std::span(data.train).subspan(cut));
    low.add_feature_rows(0, 0, slice(data.features, 0, cut));
    high.add_feature_rows(cut, data.features.row_start[cut], slice(data.features, cut, 5));
    DatasetFingerprint::Partial summed = low.partial();
    for (std::size_t i = 0; i < summed.size(); ++i) summed[i] += high.partial()[i];
    EXPECT_EQ(DatasetFingerprint::finish(summed), expected) << "cut after " << cut;
  }
}

TEST(DatasetFingerprint, ChangesWithAnyValueOrOrder) {
  const Data data;
  const std::string base = whole(data);
  Data swapped = data;
  std::swap(swapped.ids[0], swapped.ids[1]);
  EXPECT_NE(whole(swapped), base);
  Data moved = data;
  moved.train[2] = {1, 3};
  EXPECT_NE(whole(moved), base);
  Data value = data;
  value.features.values[1] = 0.25f;
  EXPECT_NE(whole(value), base);
  Data column = data;
  column.features.col_index[2] = 6;
  EXPECT_NE(whole(column), base);
  // The same non-zeros in other rows.
  Data rows = data;
  rows.features.row_start = {0, 0, 1, 3, 4, 4};
  EXPECT_NE(whole(rows), base);
  // The same words in another array.
  DatasetFingerprint as_val;
  as_val.add(DatasetFingerprint::kOriginalIds, 0, data.ids);
  as_val.add_pairs(DatasetFingerprint::kValPositive, 0, data.train);
  as_val.add_feature_rows(0, 0, data.features);
  EXPECT_NE(as_val.finish(), base);
}

}  // namespace
}  // namespace distgae
