// Feature readers: MatrixMarket and HDF5 into CSR float32, the read_features dispatcher, every
// documented error, and the bundled Cora features. HDF5 inputs are made with the C API here.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "io/feature_readers.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::contains;
using testing_util::input_error;
using testing_util::ScratchDirectoryTest;

class FeatureReaderTest : public ScratchDirectoryTest {
 protected:
  FeatureReaderTest() : ScratchDirectoryTest("distgae-features", "f.mtx") {}
  // Adds dataset `name` (parent groups created) to the HDF5 file `file_name`, creating the file
  // when it does not exist yet. `type` describes `data`; `file_type` (default: the same) is the
  // type stored on disk.
  std::string write_h5(const std::string& file_name, const std::string& name, hid_t type,
                       const void* data, const std::vector<hsize_t>& dims,
                       hid_t file_type = H5I_INVALID_HID) {
    const std::string path = this->path(file_name);
    const hid_t file = std::filesystem::exists(path)
                           ? H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)
                           : H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t link_props = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(link_props, 1);
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t set = H5Dcreate2(file, name.c_str(), file_type >= 0 ? file_type : type, space,
                                 link_props, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(set, 0);
    EXPECT_GE(H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0);
    H5Dclose(set);
    H5Sclose(space);
    H5Pclose(link_props);
    H5Fclose(file);
    return path;
  }
};

void expect_csr(const FeatureMatrix& matrix, std::int64_t cols,
                const std::vector<std::int64_t>& row_start, const std::vector<std::int32_t>& col,
                const std::vector<float>& values) {
  EXPECT_EQ(matrix.n_cols, cols);
  EXPECT_EQ(matrix.row_start, row_start);
  EXPECT_EQ(matrix.col_index, col);
  EXPECT_EQ(matrix.values, values);
}

TEST_F(FeatureReaderTest, MatrixMarketCoordinateSortsEachRowAndDropsZeros) {
  const std::string path = write(
      "%%MatrixMarket matrix coordinate real general\n4 5 6\n3 5 1.5\n1 4 2\n3 1 -1\n1 2 0\n"
      "1 1 0.25\n4 3 1e-3\n");
  expect_csr(read_matrix_market_features(path), 5, {0, 2, 2, 4, 5}, {0, 3, 0, 4, 2},
             {0.25f, 2.0f, -1.0f, 1.5f, 1e-3f});
}

TEST_F(FeatureReaderTest, MatrixMarketArrayIsStoredByRows) {
  const std::string path =
      write("%%MatrixMarket matrix array integer general\n2 3\n1\n0\n0\n4\n5\n0\n");
  expect_csr(read_matrix_market_features(path), 3, {0, 2, 3}, {0, 2, 1}, {1.0f, 5.0f, 4.0f});
}

TEST_F(FeatureReaderTest, MatrixMarketSymmetricAndPatternFeatures) {
  const std::string symmetric =
      write("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 3\n");
  expect_csr(read_matrix_market_features(symmetric), 3, {0, 1, 2, 3}, {1, 0, 2},
             {1.0f, 1.0f, 1.0f});
}

TEST_F(FeatureReaderTest, MatrixMarketDuplicateEntryIsAnErrorWithItsLine) {
  const std::string path =
      write("%%MatrixMarket matrix coordinate real general\n3 3 4\n2 2 1\n1 1 1\n3 1 2\n2 2 0\n");
  EXPECT_EQ(input_error([&] { read_matrix_market_features(path); }),
            path + ":6: duplicate entry at row 2, column 2 (first on line 3)");
  // An entry above the diagonal of a symmetric file is refused before its mirror could collide.
  const std::string mirrored =
      write("%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n2 1 1\n1 2 1\n", "s.mtx");
  EXPECT_TRUE(contains(input_error([&] { read_matrix_market_features(mirrored); }),
                       mirrored + ":4: entry at row 1, column 2 lies above the diagonal"));
}

TEST_F(FeatureReaderTest, MatrixMarketNonFiniteOrHugeValueIsAnErrorWithItsLine) {
  const std::string header = "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n";
  const std::string nan = write(header + "2 2 NaN\n");
  EXPECT_TRUE(contains(input_error([&] { read_matrix_market_features(nan); }),
                       nan + ":4: value 'NaN' is not finite"));
  const std::string inf = write(header + "2 2 inf\n", "inf.mtx");
  EXPECT_TRUE(contains(input_error([&] { read_features(inf); }), inf + ":4: value 'inf'"));
  const std::string huge = write(header + "2 2 1e300\n", "huge.mtx");
  EXPECT_TRUE(contains(input_error([&] { read_matrix_market_features(huge); }),
                       huge + ":4: value 1e+300 does not fit in float32"));
}

TEST_F(FeatureReaderTest, MatrixMarketWithZeroColumnsIsRefusedAtTheSizeLine) {
  const std::string coordinate =
      write("%%MatrixMarket matrix coordinate real general\n% c\n4 0 0\n");
  EXPECT_EQ(input_error([&] { read_features(coordinate); }),
            coordinate +
                ":3: the feature matrix has 0 columns (for a graph without features, leave "
                "--features out)");
  const std::string array = write("%%MatrixMarket matrix array real general\n4 0\n", "a.mtx");
  EXPECT_TRUE(contains(input_error([&] { read_features(array); }), array + ":2: the feature "
                                                                           "matrix has 0 columns"));
}

TEST_F(FeatureReaderTest, MatrixMarketWithMoreThanInt32ColumnsIsRefusedSayingWhy) {
  const std::string path =
      write("%%MatrixMarket matrix coordinate real general\n1 2147483648 1\n1 1 1\n");
  EXPECT_EQ(input_error([&] { read_features(path); }),
            path +
                ":2: 2147483648 feature columns exceed the supported 2147483647 (column indices "
                "are 32-bit, and the first layer holds a [columns, hidden] weight matrix)");
}

// The reader allocates a row offset per declared row: a size line of a few bytes declaring
// billions of rows (or columns) without entries is refused before anything is allocated.
TEST_F(FeatureReaderTest, MatrixMarketDeclaringFarMoreRowsOrColumnsThanEntriesIsRefused) {
  const std::string rows =
      write("%%MatrixMarket matrix coordinate real general\n99999999999 3 1\n1 1 1\n");
  EXPECT_EQ(input_error([&] { read_features(rows); }),
            rows +
                ":2: declares 99999999999 rows but only 1 entries; more than 16777216 rows "
                "without an entry are refused (each costs memory, none carries data)");
  const std::string cols =
      write("%%MatrixMarket matrix coordinate real general\n3 2000000000 1\n1 1 1\n", "c.mtx");
  EXPECT_TRUE(contains(input_error([&] { read_features(cols); }),
                       cols + ":2: declares 2000000000 columns but only 1 entries"));
  // Up to the allowance beyond the entries, rows without any are zero rows as before.
  const std::string allowed =
      write("%%MatrixMarket matrix coordinate real general\n16777217 3 1\n2 3 1.5\n", "ok.mtx");
  const FeatureMatrix matrix = read_features(allowed);
  EXPECT_EQ(matrix.n_rows(), 16777217);
  EXPECT_EQ(matrix.nnz(), 1);
  const std::string beyond =
      write("%%MatrixMarket matrix coordinate real general\n16777218 3 1\n2 3 1.5\n", "no.mtx");
  EXPECT_TRUE(contains(input_error([&] { read_features(beyond); }), beyond + ":2: declares "));
}

TEST_F(FeatureReaderTest, Hdf5DenseDoublesBecomeSparseRows) {
  const std::vector<double> dense = {0, 1.5, 0, -2, 0, 0, 3, 0.25, 0};
  const std::string path = write_h5("f.h5", "features", H5T_NATIVE_DOUBLE, dense.data(), {3, 3});
  expect_csr(read_hdf5_features(path, "features"), 3, {0, 1, 2, 4}, {1, 0, 0, 1},
             {1.5f, -2.0f, 3.0f, 0.25f});
}

TEST_F(FeatureReaderTest, Hdf5IntegerAndFloatTypesAreConverted) {
  const std::vector<std::int32_t> ints = {0, 7, -3, 0};
  const std::vector<float> floats = {0.5f, 0, 0, 0, 0, 2};
  write_h5("f.h5", "ints", H5T_NATIVE_INT32, ints.data(), {2, 2}, H5T_STD_I32BE);  // big-endian
  const std::string path =
      write_h5("f.h5", "/group/nested/floats", H5T_NATIVE_FLOAT, floats.data(), {2, 3});
  expect_csr(read_hdf5_features(path, "ints"), 2, {0, 1, 2}, {1, 0}, {7.0f, -3.0f});
  expect_csr(read_hdf5_features(path, "/group/nested/floats"), 3, {0, 1, 2}, {0, 2}, {0.5f, 2.0f});
}

TEST_F(FeatureReaderTest, Hdf5WideRowsAreReadInSeveralBlocks) {
  // More columns than one 2^20-value block holds, so each row is its own H5Dread.
  constexpr hsize_t kCols = (hsize_t{1} << 20) + 3;
  std::vector<float> dense(3 * kCols, 0.0f);
  dense[5] = 1.0f;
  dense[kCols + kCols - 1] = 2.0f;
  dense[2 * kCols] = 3.0f;
  const std::string path = write_h5("wide.h5", "x", H5T_NATIVE_FLOAT, dense.data(), {3, kCols});
  expect_csr(read_hdf5_features(path, "x"), static_cast<std::int64_t>(kCols), {0, 1, 2, 3},
             {5, static_cast<std::int32_t>(kCols - 1), 0}, {1.0f, 2.0f, 3.0f});
}

TEST_F(FeatureReaderTest, Hdf5NonFiniteValueNamesDatasetRowAndColumn) {
  const std::vector<double> dense = {0, 1, 2, std::numeric_limits<double>::quiet_NaN()};
  const std::string path = write_h5("f.h5", "features", H5T_NATIVE_DOUBLE, dense.data(), {2, 2});
  EXPECT_EQ(input_error([&] { read_hdf5_features(path, "features"); }),
            path + ": dataset 'features' row 1, column 1 (0-based): value nan is not finite");
}

TEST_F(FeatureReaderTest, Hdf5MissingWrongShapeOrWrongTypeDatasetIsAnError) {
  const std::vector<double> values = {1, 2, 3, 4};
  write_h5("f.h5", "flat", H5T_NATIVE_DOUBLE, values.data(), {4});
  const std::string path = write_h5("f.h5", "cube", H5T_NATIVE_DOUBLE, values.data(), {1, 2, 2});
  EXPECT_EQ(input_error([&] { read_hdf5_features(path, "features"); }),
            path + ": no dataset 'features'");
  EXPECT_EQ(input_error([&] { read_hdf5_features(path, "/no/such/group"); }),
            path + ": no dataset '/no/such/group'");
  EXPECT_TRUE(contains(input_error([&] { read_hdf5_features(path, "flat"); }),
                       path + ": dataset 'flat' has 1 dimension(s), expected 2"));
  EXPECT_TRUE(contains(input_error([&] { read_features(path, "cube"); }),
                       "dataset 'cube' has 3 dimension(s)"));
  const hid_t string_type = H5Tcopy(H5T_C_S1);
  H5Tset_size(string_type, 2);
  write_h5("f.h5", "names", string_type, "abcdefgh", {2, 2});
  H5Tclose(string_type);
  EXPECT_TRUE(contains(input_error([&] { read_hdf5_features(path, "names"); }),
                       "dataset 'names' must hold integers or floating-point numbers"));
}

// A chunked dataset whose chunks were never written costs nothing to declare: its shape alone
// must not size what the reader allocates or loops over.
TEST_F(FeatureReaderTest, Hdf5ZeroHugeOrUnbackedShapesAreRefusedNamingTheDataset) {
  const std::string path = this->path("shapes.h5");
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const auto add_unwritten = [&](const char* name, std::vector<hsize_t> dims) {
    const hid_t space = H5Screate_simple(2, dims.data(), nullptr);
    const hid_t create = H5Pcreate(H5P_DATASET_CREATE);
    const hsize_t chunk[2] = {1, 1};
    H5Pset_chunk(create, 2, chunk);
    const hid_t set =
        H5Dcreate2(file, name, H5T_NATIVE_FLOAT, space, H5P_DEFAULT, create, H5P_DEFAULT);
    EXPECT_GE(set, 0) << name;
    H5Dclose(set);
    H5Pclose(create);
    H5Sclose(space);
  };
  add_unwritten("no_columns", {4, 0});
  add_unwritten("too_wide", {1, hsize_t{1} << 31});
  add_unwritten("unbacked", {hsize_t{1} << 40, 4});
  H5Fclose(file);
  EXPECT_EQ(input_error([&] { read_features(path, "no_columns"); }),
            path +
                ": dataset 'no_columns': the feature matrix has 0 columns (for a graph without "
                "features, leave --features out)");
  EXPECT_TRUE(contains(input_error([&] { read_features(path, "too_wide"); }),
                       path + ": dataset 'too_wide': 2147483648 feature columns exceed the "
                              "supported 2147483647 (column indices are 32-bit"));
  EXPECT_TRUE(contains(input_error([&] { read_features(path, "unbacked"); }),
                       path + ": dataset 'unbacked' is [1099511627776, 4], more values than a "));
}

TEST_F(FeatureReaderTest, Hdf5ForeignOrTruncatedFileIsOneLineError) {
  const std::string text = write("not hdf5 at all\n", "fake.h5");
  EXPECT_TRUE(contains(input_error([&] { read_hdf5_features(text, "features"); }),
                       text + ": not a readable HDF5 file"));
  const std::vector<double> dense(200 * 50, 1.0);
  const std::string path = write_h5("t.h5", "features", H5T_NATIVE_DOUBLE, dense.data(), {200, 50});
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  ::testing::internal::CaptureStderr();
  const std::string message = input_error([&] { read_features(path); });
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");  // HDF5's error stack stays silent
  EXPECT_TRUE(contains(message, path + ": not a readable HDF5 file"));
  const std::string absent = this->path("absent.h5");
  EXPECT_TRUE(
      contains(input_error([&] { read_hdf5_features(absent, "x"); }), absent + ": cannot open"));
}

TEST_F(FeatureReaderTest, ReadFeaturesDispatchesOnTheSignature) {
  const std::vector<double> dense = {0, 1, 1, 0};
  const std::string h5 =
      write_h5("any-name.dat", "features", H5T_NATIVE_DOUBLE, dense.data(), {2, 2});
  EXPECT_EQ(read_features(h5).nnz(), 2);
  const std::string mtx =
      write("%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 3\n", "features.bin");
  EXPECT_EQ(read_features(mtx).values, std::vector<float>{3.0f});
  const std::string csv = write("1,2,3\n", "features.csv");
  const std::string message = input_error([&] { read_features(csv); });
  EXPECT_TRUE(contains(message, csv + ": unrecognised feature file"));
  EXPECT_TRUE(contains(message, "MatrixMarket"));
  EXPECT_TRUE(contains(message, "HDF5"));
  const std::string absent = path("absent");
  EXPECT_TRUE(contains(input_error([&] { read_features(absent); }), absent + ": cannot open"));
}

TEST(FeatureReaderCora, BundledFeaturesAre2708By1433With49216NonZeros) {
  const FeatureMatrix features =
      read_features(std::string(DISTGAE_TEST_DATA) + "/cora/features.mtx");
  EXPECT_EQ(features.n_rows(), 2708);
  EXPECT_EQ(features.n_cols, 1433);
  EXPECT_EQ(features.nnz(), 49216);
  for (std::int64_t row = 0; row < features.n_rows(); ++row) {
    const auto cols = features.row(row);
    ASSERT_TRUE(std::is_sorted(cols.begin(), cols.end()));
  }
}

}  // namespace
}  // namespace distgae
