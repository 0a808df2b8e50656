// The feature readers by range: a MatrixMarket file split into byte ranges, each range's entries
// parsed in order and sent to the owner of their row in a block distribution of the rows, which
// builds its rows, gives the rows read_matrix_market_features gives (and its errors, with the
// same lines); an HDF5 dataset read by blocks of rows gives read_hdf5_features' rows.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "io/feature_readers.hpp"
#include "io/h5_file.hpp"
#include "io/matrix_market.hpp"
#include "partition/distributed/node_blocks.hpp"
#include "range_split.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::describe;
using testing_util::input_error;
using testing_util::ScratchDirectoryTest;
using testing_util::Split;

class FeatureRangeTest : public ScratchDirectoryTest {
 protected:
  FeatureRangeTest() : ScratchDirectoryTest("distgae-feature-range", "f.mtx") {}
};

struct Outcome {
  FeatureMatrix matrix;
  std::string error;
};

void expect_same(const Outcome& actual, const Outcome& expected, const std::string& context) {
  EXPECT_EQ(actual.error, expected.error) << context;
  EXPECT_EQ(actual.matrix.n_cols, expected.matrix.n_cols) << context;
  EXPECT_EQ(actual.matrix.row_start, expected.matrix.row_start) << context;
  EXPECT_EQ(actual.matrix.col_index, expected.matrix.col_index) << context;
  EXPECT_EQ(actual.matrix.values, expected.matrix.values) << context;
}

template <class Read>
Outcome outcome_of(Read&& read) {
  Outcome outcome;
  try {
    outcome.matrix = read();
  } catch (const InputError& error) {
    outcome.error = error.what();
  }
  return outcome;
}

// Appends the rows of `block` to `matrix`.
void append_rows(const FeatureMatrix& block, FeatureMatrix& matrix) {
  matrix.n_cols = block.n_cols;
  const std::int64_t offset = matrix.nnz();
  for (std::int64_t r = 1; r <= block.n_rows(); ++r) {
    matrix.row_start.push_back(offset + block.row_start[static_cast<std::size_t>(r)]);
  }
  matrix.col_index.insert(matrix.col_index.end(), block.col_index.begin(), block.col_index.end());
  matrix.values.insert(matrix.values.end(), block.values.begin(), block.values.end());
}

// The file read range by range, its entries routed to `parts` row blocks, each block's rows
// built and the blocks concatenated: read_feature_block's steps in one process.
FeatureMatrix matrix_market_by_ranges(const std::string& path, const Split& split, int parts) {
  const MatrixMarketHeader header = read_matrix_market_feature_header(path);
  std::int64_t first_line = header.size_line + 1;
  std::int64_t first_entry = 0;
  std::vector<FeatureEntry> entries;
  for (const ByteRange& range : split) {
    const MatrixMarketLineCount count = count_matrix_market_lines(path, range);
    const std::vector<FeatureEntry> part = read_matrix_market_feature_range(
        path, header, range, first_line, first_entry, count.entry_lines);
    entries.insert(entries.end(), part.begin(), part.end());
    first_line += count.lines;
    first_entry += count.entry_lines;
  }
  check_entry_total(path, header, first_entry, first_line - 1);
  const NodeBlocks blocks(header.rows, parts);
  FeatureMatrix matrix;
  for (int owner = 0; owner < parts; ++owner) {
    std::vector<FeatureEntry> owned;
    for (const FeatureEntry& entry : entries) {
      if (blocks.owner(entry.row) == owner) owned.push_back(entry);
    }
    append_rows(feature_rows_from_entries(path, owned, blocks.begin(owner), blocks.size(owner),
                                          header.cols),
                matrix);
  }
  return matrix;
}

void expect_splits_read_as_whole(const std::string& path, std::uint64_t every_byte_limit = 4096) {
  const Outcome expected = outcome_of([&] { return read_matrix_market_features(path); });
  const MatrixMarketHeader header = MatrixMarketReader(path).header();
  const ByteRange region{header.entries_offset, regular_file_size(path)};
  int parts = 1;
  for (const Split& split : testing_util::splits_to_try(path, region, every_byte_limit)) {
    parts = parts % 4 + 1;
    expect_same(outcome_of([&] { return matrix_market_by_ranges(path, split, parts); }), expected,
                describe(split) + " into " + std::to_string(parts) + " row blocks");
  }
}

TEST_F(FeatureRangeTest, MatrixMarketFormatsAssembleTheWholeFilesRows) {
  const std::vector<std::string> files = {
      // Unsorted, with stored zeros and comment and blank lines between entries.
      "%%MatrixMarket matrix coordinate real general\n% c\n5 4 7\n3 2 1.5\n1 4 2\n\n1 1 0\n"
      "% mid\n5 3 -1\n2 2 3\n1 2 4\n4 4 0.25",
      "%%MatrixMarket matrix coordinate integer symmetric\n4 4 4\n2 1 3\n4 4 1\n3 2 0\n4 1 -2\n",
      "%%MatrixMarket matrix coordinate pattern general\n3 5 4\n3 5\n1 1\n2 3\n1 5\n",
      "%%MatrixMarket matrix array real general\n3 2\n1\n0\n2.5\n0\n4\n5\n",
      "%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n0\n\n4\n5\n6\n",
  };
  for (const std::string& content : files) {
    SCOPED_TRACE(content);
    const std::string path = write(content);
    ASSERT_EQ(outcome_of([&] { return read_matrix_market_features(path); }).error, "");
    expect_splits_read_as_whole(path);
  }
}

TEST_F(FeatureRangeTest, CoraFeatures) {
  expect_splits_read_as_whole(std::string(DISTGAE_TEST_DATA) + "/cora/features.mtx", 0);
}

TEST_F(FeatureRangeTest, ErrorsNameTheWholeFilesLine) {
  const std::vector<std::string> files = {
      // Duplicates: the one at the lowest position is reported, with both lines.
      "%%MatrixMarket matrix coordinate real general\n3 3 5\n3 3 1\n2 1 1\n1 2 1\n3 3 0\n"
      "1 2 5\n",
      "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n2 2 1e39\n3 3 nan\n",
      "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n2 2 1\n3 3 1\n",
      "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n\n2 2 1\n% end\n",
      "%%MatrixMarket matrix coordinate real symmetric\n3 3 2\n2 1 1\n2 3 1\n",
      "%%MatrixMarket matrix array real general\n2 2\n1.0\n2.0\n3.0\n",
  };
  for (const std::string& content : files) {
    SCOPED_TRACE(content);
    const std::string path = write(content);
    ASSERT_NE(outcome_of([&] { return read_matrix_market_features(path); }).error, "");
    expect_splits_read_as_whole(path);
  }
}

class Hdf5FeatureRangeTest : public ScratchDirectoryTest {
 protected:
  Hdf5FeatureRangeTest() : ScratchDirectoryTest("distgae-hdf5-range", "f.h5") {}
  std::string write_h5(const std::vector<double>& values, hsize_t rows, hsize_t cols) {
    const std::string file = path("f.h5");
    H5File(file, H5File::Mode::kCreate).write("features", values, {rows, cols});
    return file;
  }
};

TEST_F(Hdf5FeatureRangeTest, BlocksOfRowsConcatenateToTheWholeDataset) {
  constexpr hsize_t kRows = 11, kCols = 4;
  std::vector<double> values(kRows * kCols);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = i % 3 == 0 ? 0.0 : 0.5 * i;
  const std::string file = write_h5(values, kRows, kCols);
  const FeatureMatrix whole = read_hdf5_features(file, "features");
  EXPECT_EQ(read_hdf5_feature_shape(file, "features"),
            (std::pair<std::int64_t, std::int64_t>{kRows, kCols}));
  for (int parts = 1; parts <= 13; ++parts) {
    const NodeBlocks blocks(kRows, parts);
    Outcome joined;
    for (int part = 0; part < parts; ++part) {
      append_rows(read_hdf5_feature_rows(file, "features", blocks.begin(part), blocks.size(part)),
                  joined.matrix);
    }
    expect_same(joined, Outcome{whole, ""}, std::to_string(parts) + " blocks");
  }
}

TEST_F(Hdf5FeatureRangeTest, ANonFiniteValueIsReportedByTheBlockHoldingItsRow) {
  std::vector<double> values(6 * 3, 1.0);
  values[4 * 3 + 1] = std::numeric_limits<double>::quiet_NaN();
  const std::string file = write_h5(values, 6, 3);
  const std::string expected = input_error([&] { read_hdf5_features(file, "features"); });
  EXPECT_NE(expected, "");
  EXPECT_EQ(input_error([&] { read_hdf5_feature_rows(file, "features", 3, 3); }), expected);
  EXPECT_NO_THROW(read_hdf5_feature_rows(file, "features", 0, 3));
  EXPECT_NE(input_error([&] { read_hdf5_feature_rows(file, "features", 5, 2); }), "");
}

TEST(FeatureRowCount, TheMessageNamesBothCountsAndTheWayOut) {
  EXPECT_NO_THROW(check_feature_row_count("f.mtx", 5, 5));
  const std::string message = input_error([] { check_feature_row_count("f.mtx", 4, 5); });
  EXPECT_TRUE(testing_util::contains(message, "f.mtx: 4 feature rows, but the graph has 5 nodes"));
  EXPECT_TRUE(testing_util::contains(message, "--node-ids FILE"));
}

}  // namespace
}  // namespace distgae
