#include "io/feature_readers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "io/h5_file.hpp"
#include "io/matrix_market.hpp"
#include "io/text_scanner.hpp"

namespace distgae {
namespace {

// Doubles read per HDF5 block (8 MiB): bounds memory whatever the matrix size.
constexpr std::size_t kHdf5BlockValues = std::size_t{1} << 20;

struct FeatureEntry {
  std::int64_t row = 0;
  std::int32_t col = 0;
  float value = 0.0f;
  long long line = 0;
};

bool position_less(const FeatureEntry& a, const FeatureEntry& b) {
  return a.row != b.row ? a.row < b.row : a.col < b.col;
}

void check_column_count(const std::string& path, std::int64_t cols) {
  if (cols > std::numeric_limits<std::int32_t>::max()) {
    throw InputError(
        at_file(path, fmt::format("{} feature columns exceed the supported 2^31-1", cols)));
  }
}

// Reads every entry; zeros are kept for now so that a duplicate is caught even when one of the
// two copies is zero.
std::vector<FeatureEntry> collect_entries(MatrixMarketReader& reader) {
  const MatrixMarketHeader& header = reader.header();
  const bool coordinate = header.format == MatrixMarketFormat::coordinate;
  std::vector<FeatureEntry> entries;
  if (coordinate) entries.reserve(reader.reservable_entries());
  constexpr double kFloatMax = std::numeric_limits<float>::max();
  reader.for_each_entry([&](const MatrixMarketEntry& entry) {
    if (std::abs(entry.value) > kFloatMax) {
      throw InputError(at_line(reader.path(), entry.line,
                               fmt::format("value {} does not fit in float32", entry.value)));
    }
    // Array values cannot repeat a position, so their zeros can go at once.
    if (!coordinate && entry.value == 0.0) return;
    entries.push_back(FeatureEntry{entry.row, static_cast<std::int32_t>(entry.col),
                                   static_cast<float>(entry.value), entry.line});
  });
  return entries;
}

// Sorts by (row, column) unless the file already is (the common case), then rejects duplicates.
void sort_and_check_duplicates(const std::string& path, std::vector<FeatureEntry>& entries) {
  if (!std::is_sorted(entries.begin(), entries.end(), position_less)) {
    std::sort(entries.begin(), entries.end(), [](const FeatureEntry& a, const FeatureEntry& b) {
      return position_less(a, b) || (!position_less(b, a) && a.line < b.line);
    });
  }
  for (std::size_t i = 1; i < entries.size(); ++i) {
    const FeatureEntry& previous = entries[i - 1];
    const FeatureEntry& current = entries[i];
    if (previous.row == current.row && previous.col == current.col) {
      const FeatureEntry& later = previous.line > current.line ? previous : current;
      const FeatureEntry& earlier = previous.line > current.line ? current : previous;
      throw InputError(
          at_line(path, later.line,
                  fmt::format("duplicate entry at row {}, column {} (first on line {})",
                              later.row + 1, later.col + 1, earlier.line)));
    }
  }
}

// Builds the CSR from entries sorted by (row, column), dropping stored zeros.
FeatureMatrix entries_to_csr(const std::vector<FeatureEntry>& entries, std::int64_t rows,
                             std::int64_t cols) {
  FeatureMatrix matrix;
  matrix.n_cols = cols;
  matrix.row_start.assign(static_cast<std::size_t>(rows) + 1, 0);
  std::size_t nnz = 0;
  for (const FeatureEntry& entry : entries) nnz += entry.value != 0.0f ? 1 : 0;
  matrix.col_index.reserve(nnz);
  matrix.values.reserve(nnz);
  for (const FeatureEntry& entry : entries) {
    if (entry.value == 0.0f) continue;
    ++matrix.row_start[static_cast<std::size_t>(entry.row) + 1];
    matrix.col_index.push_back(entry.col);
    matrix.values.push_back(entry.value);
  }
  for (std::size_t r = 1; r < matrix.row_start.size(); ++r) {
    matrix.row_start[r] += matrix.row_start[r - 1];
  }
  return matrix;
}

// Opens `dataset` and checks it is a 2-D integer or float array; returns its [rows, cols].
std::pair<std::int64_t, std::int64_t> check_feature_dataset(const H5File& file,
                                                            const std::string& dataset,
                                                            const H5Handle& set) {
  const std::vector<hsize_t> dims = file.shape(dataset);
  if (dims.size() != 2) {
    throw InputError(at_file(file.path(), fmt::format("dataset '{}' has {} dimension(s), expected "
                                                      "2 (nodes x features)",
                                                      dataset, dims.size())));
  }
  H5Handle type(H5Dget_type(set.get()), H5Tclose);
  const H5T_class_t type_class = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) {
    throw InputError(at_file(file.path(), fmt::format("dataset '{}' must hold integers or "
                                                      "floating-point numbers",
                                                      dataset)));
  }
  const auto rows = static_cast<std::int64_t>(dims[0]);
  const auto cols = static_cast<std::int64_t>(dims[1]);
  check_column_count(file.path(), cols);
  return {rows, cols};
}

// Reads rows [first_row, first_row + block_rows) into `block` ([block_rows, cols], row-major).
void read_row_block(const H5File& file, const std::string& dataset, const H5Handle& set,
                    std::int64_t first_row, std::int64_t block_rows, std::int64_t cols,
                    std::vector<double>& block) {
  H5Handle file_space(H5Dget_space(set.get()), H5Sclose);
  const hsize_t start[2] = {static_cast<hsize_t>(first_row), 0};
  const hsize_t count[2] = {static_cast<hsize_t>(block_rows), static_cast<hsize_t>(cols)};
  H5Handle memory_space(H5Screate_simple(2, count, nullptr), H5Sclose);
  if (!file_space.valid() || !memory_space.valid() ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dread(set.get(), H5T_NATIVE_DOUBLE, memory_space.get(), file_space.get(), H5P_DEFAULT,
              block.data()) < 0) {
    throw InputError(
        at_file(file.path(), fmt::format("cannot read rows {}..{} of dataset '{}' (damaged file?)",
                                         first_row, first_row + block_rows - 1, dataset)));
  }
}

// Appends the non-zeros of a dense row block to `matrix`, rejecting NaN, Inf and values that
// float32 cannot hold.
void append_dense_rows(const std::string& path, const std::string& dataset, std::int64_t first_row,
                       std::int64_t block_rows, const std::vector<double>& block,
                       FeatureMatrix& matrix) {
  const std::int64_t cols = matrix.n_cols;
  constexpr double kFloatMax = std::numeric_limits<float>::max();
  for (std::int64_t r = 0; r < block_rows; ++r) {
    const double* row = block.data() + r * cols;
    for (std::int64_t c = 0; c < cols; ++c) {
      if (!(std::abs(row[c]) <= kFloatMax)) {
        throw InputError(at_file(
            path, fmt::format("dataset '{}' row {}, column {} (0-based): "
                              "value {} is {}",
                              dataset, first_row + r, c, row[c],
                              std::isfinite(row[c]) ? "too large for float32" : "not finite")));
      }
      const auto value = static_cast<float>(row[c]);
      if (value == 0.0f) continue;
      matrix.col_index.push_back(static_cast<std::int32_t>(c));
      matrix.values.push_back(value);
    }
    matrix.row_start.push_back(matrix.nnz());
  }
}

}  // namespace

FeatureMatrix read_matrix_market_features(const std::string& path) {
  MatrixMarketReader reader(path);
  const MatrixMarketHeader header = reader.header();
  check_column_count(path, header.cols);
  std::vector<FeatureEntry> entries = collect_entries(reader);
  sort_and_check_duplicates(path, entries);
  return entries_to_csr(entries, header.rows, header.cols);
}

FeatureMatrix read_hdf5_features(const std::string& path, const std::string& dataset) {
  read_file_prefix(path, 0);  // a missing file is "cannot open", not "not HDF5"
  const H5File file(path, H5File::Mode::kRead);
  if (!file.exists(dataset)) {
    throw InputError(at_file(path, fmt::format("no dataset '{}'", dataset)));
  }
  const H5Handle set(H5Dopen2(file.id(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set.valid()) {
    throw InputError(at_file(path, fmt::format("'{}' is not a readable dataset", dataset)));
  }
  const auto [rows, cols] = check_feature_dataset(file, dataset, set);
  FeatureMatrix matrix;
  matrix.n_cols = cols;
  matrix.row_start.reserve(static_cast<std::size_t>(rows) + 1);
  if (cols == 0) {
    matrix.row_start.assign(static_cast<std::size_t>(rows) + 1, 0);
    return matrix;
  }
  const std::int64_t block_rows =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(kHdf5BlockValues) / cols);
  std::vector<double> block(static_cast<std::size_t>(std::min(block_rows, rows) * cols));
  for (std::int64_t first = 0; first < rows; first += block_rows) {
    const std::int64_t count = std::min(block_rows, rows - first);
    read_row_block(file, dataset, set, first, count, cols, block);
    append_dense_rows(path, dataset, first, count, block, matrix);
  }
  return matrix;
}

FeatureMatrix read_features(const std::string& path, const std::string& dataset) {
  const std::string prefix = read_file_prefix(path, 32);
  if (has_hdf5_signature(prefix)) return read_hdf5_features(path, dataset);
  if (has_matrix_market_banner(prefix)) return read_matrix_market_features(path);
  throw InputError(at_file(path,
                           "unrecognised feature file: expected MatrixMarket (first line "
                           "'%%MatrixMarket matrix ...') or HDF5 (a 2-D dataset '" +
                               dataset + "')"));
}

}  // namespace distgae
