// Readers for node-feature matrices: MatrixMarket (coordinate or array; real, integer or pattern;
// general or symmetric) and a dense 2-D dataset in an HDF5 file.
//
// Row i is the feature vector of the node with canonical id i. Features are held as CSR
// (float32); zeros are not stored. NaN or Inf anywhere is an error naming the file and line
// (MatrixMarket) or the dataset and row (HDF5).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/csr.hpp"
#include "io/matrix_market.hpp"
#include "io/text_range.hpp"

namespace distgae {

// [n_rows, n_cols] sparse features; n_cols is Csr::n_cols.
using FeatureMatrix = Csr<std::int32_t, float>;

FeatureMatrix read_matrix_market_features(const std::string& path);

// One stored value of a MatrixMarket feature matrix (0-based position) and the line it is on.
struct FeatureEntry {
  std::int64_t row = 0;
  std::int32_t col = 0;
  float value = 0.0f;
  std::int64_t line = 0;
};

// The pieces of read_matrix_market_features for a file read by ranges (every rank parses the
// header, then the entries of its range; each entry goes to the owner of its row, which builds
// its rows). Same checks, messages and result as the whole-file reader.
//
// The header, its dimensions checked against its entries as read_matrix_market_features does.
MatrixMarketHeader read_matrix_market_feature_header(const std::string& path);
// The entries on the lines of `range` (MatrixMarketReader's ranged constructor), each value
// checked for float32, an array's zeros dropped; a symmetric matrix's mirrors included.
// `entry_lines` (the range's count_matrix_market_lines) sizes the result.
std::vector<FeatureEntry> read_matrix_market_feature_range(const std::string& path,
                                                           const MatrixMarketHeader& header,
                                                           ByteRange range, std::int64_t first_line,
                                                           std::int64_t first_entry,
                                                           std::int64_t entry_lines);
// Rows [first_row, first_row + rows) of a matrix with `cols` columns, from every entry of those
// rows (in any order; sorted here): InputError on a duplicate position, stored zeros dropped.
FeatureMatrix feature_rows_from_entries(const std::string& path, std::vector<FeatureEntry>& entries,
                                        std::int64_t first_row, std::int64_t rows,
                                        std::int64_t cols);

// A feature dataset's [rows, columns], checked as read_hdf5_features checks it.
std::pair<std::int64_t, std::int64_t> read_hdf5_feature_shape(const std::string& path,
                                                              const std::string& dataset);
// Rows [first_row, first_row + count) of the dataset (which must have them), as
// read_hdf5_features reads them: row i of the result is dataset row first_row + i.
FeatureMatrix read_hdf5_feature_rows(const std::string& path, const std::string& dataset,
                                     std::int64_t first_row, std::int64_t count);

// `dataset` is a path inside the file ("features" or "/group/x"); 2-D, any integer or float type.
FeatureMatrix read_hdf5_features(const std::string& path, const std::string& dataset);

// Dispatches on the file's signature: HDF5 magic → HDF5 (dataset `dataset`), "%%MatrixMarket"
// → MatrixMarket; anything else is an error saying which formats are understood.
FeatureMatrix read_features(const std::string& path, const std::string& dataset = "features");

enum class FeatureFileFormat { matrix_market, hdf5 };
// read_features's dispatch: the format of the file by its first bytes, or its InputError.
FeatureFileFormat feature_file_format(const std::string& path, const std::string& dataset);

// Row i of the features is canonical node i: InputError naming `path` unless the matrix has
// exactly `num_nodes` rows.
void check_feature_row_count(const std::string& path, std::int64_t rows, std::int64_t num_nodes);

}  // namespace distgae
