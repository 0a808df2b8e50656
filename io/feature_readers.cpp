#include "io/feature_readers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <span>
#include <tuple>
#include <vector>

#include "core/error.hpp"
#include "io/declared_size.hpp"
#include "io/h5_file.hpp"
#include "io/matrix_market.hpp"
#include "io/text_scanner.hpp"

namespace distgae {
namespace {

// Doubles read per HDF5 block (8 MiB): bounds memory whatever the matrix size.
constexpr std::size_t kHdf5BlockValues = std::size_t{1} << 20;

bool position_less(const FeatureEntry& a, const FeatureEntry& b) {
  return a.row != b.row ? a.row < b.row : a.col < b.col;
}

// Column indices are int32 (FeatureMatrix), and the first layer holds a [columns, hidden]
// weight matrix with Adam's two moments beside it, so neither zero columns (nothing to learn
// from; leave --features out for a featureless graph) nor 2^31 or more can be real features.
// `where` is "path:line" or "path: dataset 'x'".
void check_column_count(const std::string& where, std::int64_t cols) {
  if (cols == 0) {
    throw InputError(
        fmt::format("{}: the feature matrix has 0 columns (for a graph without "
                    "features, leave --features out)",
                    where));
  }
  if (cols > std::numeric_limits<std::int32_t>::max()) {
    throw InputError(fmt::format(
        "{}: {} feature columns exceed the supported 2147483647 (column indices are 32-bit, and "
        "the first layer holds a [columns, hidden] weight matrix)",
        where, cols));
  }
}

// A coordinate matrix's rows and columns beyond those its entries can name cost memory (CSR
// offsets per row, first-layer weights per column) and carry no data: few are accepted
// (io/declared_size.hpp), so that a size line of a few bytes cannot size gigabytes.
void check_declared_dimensions(const std::string& path, const MatrixMarketHeader& header) {
  const std::string where = fmt::format("{}:{}", path, header.size_line);
  check_column_count(where, header.cols);
  // A symmetric matrix's entry names a row and, through its mirror, a second one.
  const bool symmetric = header.symmetry == MatrixMarketSymmetry::symmetric;
  const std::int64_t limit = dimension_limit(header.stored_entries, symmetric ? 2 : 1);
  for (const auto& [count, what] : {std::pair{header.rows, "rows"}, {header.cols, "columns"}}) {
    if (count > limit) {
      throw InputError(fmt::format(
          "{}: declares {} {} but only {} entries; more than {} {} without an entry are "
          "refused (each costs memory, none carries data)",
          where, count, what, header.stored_entries, kUnbackedDimensionAllowance, what));
    }
  }
}

// Reads every entry; zeros are kept for now so that a duplicate is caught even when one of the
// two copies is zero.
std::vector<FeatureEntry> collect_entries(MatrixMarketReader& reader, std::size_t reserve) {
  const MatrixMarketHeader& header = reader.header();
  const bool coordinate = header.format == MatrixMarketFormat::coordinate;
  std::vector<FeatureEntry> entries;
  if (coordinate) entries.reserve(reserve);
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

// Builds the CSR of rows [first_row, first_row + rows) from their entries sorted by (row,
// column), dropping stored zeros.
FeatureMatrix entries_to_csr(const std::vector<FeatureEntry>& entries, std::int64_t first_row,
                             std::int64_t rows, std::int64_t cols) {
  FeatureMatrix matrix;
  matrix.n_cols = cols;
  matrix.row_start.assign(static_cast<std::size_t>(rows) + 1, 0);
  std::size_t nnz = 0;
  for (const FeatureEntry& entry : entries) nnz += entry.value != 0.0f ? 1 : 0;
  matrix.col_index.reserve(nnz);
  matrix.values.reserve(nnz);
  for (const FeatureEntry& entry : entries) {
    if (entry.value == 0.0f) continue;
    ++matrix.row_start[static_cast<std::size_t>(entry.row - first_row) + 1];
    matrix.col_index.push_back(entry.col);
    matrix.values.push_back(entry.value);
  }
  for (std::size_t r = 1; r < matrix.row_start.size(); ++r) {
    matrix.row_start[r] += matrix.row_start[r - 1];
  }
  return matrix;
}

// Opens `dataset` and checks it is a 2-D integer or float array whose shape the file can back;
// returns its [rows, cols].
std::pair<std::int64_t, std::int64_t> check_feature_dataset(const H5File& file,
                                                            const std::string& dataset,
                                                            const H5Handle& set) {
  const std::string where = fmt::format("{}: dataset '{}'", file.path(), dataset);
  const std::vector<hsize_t> dims = file.shape(dataset);
  if (dims.size() != 2) {
    throw InputError(
        fmt::format("{} has {} dimension(s), expected 2 (nodes x features)", where, dims.size()));
  }
  H5Handle type(H5Dget_type(set.get()), H5Tclose);
  const H5T_class_t type_class = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) {
    throw InputError(fmt::format("{} must hold integers or floating-point numbers", where));
  }
  // No integer or float is wider than 16 bytes; HDF5 would size its conversion buffers by a
  // damaged width (found by tests/fuzz: a 4 GiB allocation for one block).
  if (H5Tget_size(type.get()) > 16) {
    throw InputError(
        fmt::format("{} has {}-byte numbers (damaged file?)", where, H5Tget_size(type.get())));
  }
  constexpr auto kMax = static_cast<hsize_t>(std::numeric_limits<std::int64_t>::max());
  check_column_count(where, static_cast<std::int64_t>(std::min(dims[1], kMax)));
  // Every value is read, and a shape costs nothing to declare: unwritten chunks read as the fill
  // value. Beyond an allowance, the values must fit in the file at deflate's best ratio (~1000:1).
  constexpr std::int64_t kMaxCompression = 1024;
  std::error_code error;
  const std::uint64_t file_bytes = std::filesystem::file_size(file.path(), error);
  const std::int64_t limit = dimension_limit(
      static_cast<std::int64_t>(std::min<std::uint64_t>(error ? 0 : file_bytes, kMax)),
      kMaxCompression);
  if (dims[0] > static_cast<hsize_t>(limit) / dims[1]) {
    throw InputError(fmt::format(
        "{} is [{}, {}], more values than a {}-byte file can hold even compressed (at most {})",
        where, dims[0], dims[1], file_bytes, limit));
  }
  return {static_cast<std::int64_t>(dims[0]), static_cast<std::int64_t>(dims[1])};
}

// Reads the block [first_row, +block_rows) x [first_col, +block_cols) into `block`, row-major.
void read_block(const H5File& file, const std::string& dataset, const H5Handle& set,
                std::int64_t first_row, std::int64_t block_rows, std::int64_t first_col,
                std::int64_t block_cols, std::vector<double>& block) {
  H5Handle file_space(H5Dget_space(set.get()), H5Sclose);
  const hsize_t start[2] = {static_cast<hsize_t>(first_row), static_cast<hsize_t>(first_col)};
  const hsize_t count[2] = {static_cast<hsize_t>(block_rows), static_cast<hsize_t>(block_cols)};
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

// Appends the non-zeros of `values`, columns first_col.. of row `row`, to the last row of
// `matrix`, rejecting NaN, Inf and values that float32 cannot hold.
void append_row_values(const std::string& path, const std::string& dataset, std::int64_t row,
                       std::int64_t first_col, std::span<const double> values,
                       FeatureMatrix& matrix) {
  constexpr double kFloatMax = std::numeric_limits<float>::max();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::int64_t col = first_col + static_cast<std::int64_t>(i);
    if (!(std::abs(values[i]) <= kFloatMax)) {
      throw InputError(at_file(
          path, fmt::format("dataset '{}' row {}, column {} (0-based): value {} is {}", dataset,
                            row, col, values[i],
                            std::isfinite(values[i]) ? "too large for float32" : "not finite")));
    }
    const auto value = static_cast<float>(values[i]);
    if (value == 0.0f) continue;
    matrix.col_index.push_back(static_cast<std::int32_t>(col));
    matrix.values.push_back(value);
  }
}

// `path`, once it is known to open: a missing file is "cannot open", not "not HDF5".
const std::string& openable(const std::string& path) {
  read_file_prefix(path, 0);
  return path;
}

// Opens a feature dataset and checks its type and shape (check_feature_dataset).
struct OpenFeatureDataset {
  H5File file;
  H5Handle set;
  std::int64_t rows = 0;
  std::int64_t cols = 0;

  OpenFeatureDataset(const std::string& path, const std::string& dataset)
      : file(openable(path), H5File::Mode::kRead) {
    if (!file.exists(dataset)) {
      throw InputError(at_file(path, fmt::format("no dataset '{}'", dataset)));
    }
    set = H5Handle(H5Dopen2(file.id(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
    if (!set.valid()) {
      throw InputError(at_file(path, fmt::format("'{}' is not a readable dataset", dataset)));
    }
    std::tie(rows, cols) = check_feature_dataset(file, dataset, set);
  }
};

}  // namespace

FeatureMatrix read_matrix_market_features(const std::string& path) {
  MatrixMarketReader reader(path);
  const MatrixMarketHeader header = reader.header();
  check_declared_dimensions(path, header);
  std::vector<FeatureEntry> entries = collect_entries(reader, reader.reservable_entries());
  return feature_rows_from_entries(path, entries, 0, header.rows, header.cols);
}

MatrixMarketHeader read_matrix_market_feature_header(const std::string& path) {
  const MatrixMarketHeader header = MatrixMarketReader(path).header();
  check_declared_dimensions(path, header);
  return header;
}

std::vector<FeatureEntry> read_matrix_market_feature_range(const std::string& path,
                                                           const MatrixMarketHeader& header,
                                                           ByteRange range, std::int64_t first_line,
                                                           std::int64_t first_entry,
                                                           std::int64_t entry_lines) {
  MatrixMarketReader reader(path, header, range, first_line, first_entry);
  return collect_entries(reader, static_cast<std::size_t>(std::max<std::int64_t>(0, entry_lines)));
}

FeatureMatrix feature_rows_from_entries(const std::string& path, std::vector<FeatureEntry>& entries,
                                        std::int64_t first_row, std::int64_t rows,
                                        std::int64_t cols) {
  sort_and_check_duplicates(path, entries);
  return entries_to_csr(entries, first_row, rows, cols);
}

std::pair<std::int64_t, std::int64_t> read_hdf5_feature_shape(const std::string& path,
                                                              const std::string& dataset) {
  const OpenFeatureDataset open(path, dataset);
  return {open.rows, open.cols};
}

FeatureMatrix read_hdf5_features(const std::string& path, const std::string& dataset) {
  return read_hdf5_feature_rows(path, dataset, 0, -1);
}

// count < 0: every row from first_row on (read_hdf5_features).
FeatureMatrix read_hdf5_feature_rows(const std::string& path, const std::string& dataset,
                                     std::int64_t first_row, std::int64_t count) {
  const OpenFeatureDataset open(path, dataset);
  const std::int64_t cols = open.cols;
  const std::int64_t end_row = count < 0 ? open.rows : first_row + count;
  if (first_row < 0 || end_row > open.rows || first_row > end_row) {
    throw InputError(at_file(path, fmt::format("dataset '{}' has {} rows, not rows {}..{}", dataset,
                                               open.rows, first_row, end_row - 1)));
  }
  const std::int64_t rows = end_row - first_row;
  FeatureMatrix matrix;
  matrix.n_cols = cols;
  matrix.row_start.reserve(static_cast<std::size_t>(rows) + 1);  // holds the leading 0 already
  // Blocks of whole rows, or of one row's columns when a row alone outgrows a block.
  const std::int64_t kBlock = static_cast<std::int64_t>(kHdf5BlockValues);
  const std::int64_t block_cols = std::min(cols, kBlock);
  const std::int64_t block_rows = block_cols == cols ? std::max<std::int64_t>(1, kBlock / cols) : 1;
  std::vector<double> block(static_cast<std::size_t>(std::min(block_rows, rows) * block_cols));
  for (std::int64_t first = first_row; first < end_row; first += block_rows) {
    const std::int64_t block_count = std::min(block_rows, end_row - first);
    for (std::int64_t first_col = 0; first_col < cols; first_col += block_cols) {
      const std::int64_t width = std::min(block_cols, cols - first_col);
      read_block(open.file, dataset, open.set, first, block_count, first_col, width, block);
      for (std::int64_t r = 0; r < block_count; ++r) {
        const std::span<const double> values(block.data() + r * width,
                                             static_cast<std::size_t>(width));
        append_row_values(path, dataset, first + r, first_col, values, matrix);
        // A row's last segment closes it (only one segment per row when rows are whole).
        if (first_col + width == cols) matrix.row_start.push_back(matrix.nnz());
      }
    }
  }
  return matrix;
}

FeatureFileFormat feature_file_format(const std::string& path, const std::string& dataset) {
  const std::string prefix = read_file_prefix(path, 32);
  if (has_hdf5_signature(prefix)) return FeatureFileFormat::hdf5;
  if (has_matrix_market_banner(prefix)) return FeatureFileFormat::matrix_market;
  throw InputError(at_file(path,
                           "unrecognised feature file: expected MatrixMarket (first line "
                           "'%%MatrixMarket matrix ...') or HDF5 (a 2-D dataset '" +
                               dataset + "')"));
}

void check_feature_row_count(const std::string& path, std::int64_t rows, std::int64_t num_nodes) {
  if (rows == num_nodes) return;
  throw InputError(at_file(
      path, fmt::format("{} feature rows, but the graph has {} nodes (row i must be canonical node "
                        "i; for ids 0..N-1 with isolated nodes pass --num-nodes N, or list every "
                        "node in feature-row order with --node-ids FILE)",
                        rows, num_nodes)));
}

FeatureMatrix read_features(const std::string& path, const std::string& dataset) {
  return feature_file_format(path, dataset) == FeatureFileFormat::hdf5
             ? read_hdf5_features(path, dataset)
             : read_matrix_market_features(path);
}

}  // namespace distgae
