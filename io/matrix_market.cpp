#include "io/matrix_market.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "io/declared_size.hpp"

namespace distgae {
namespace {

constexpr std::string_view kBanner = "%%MatrixMarket";
constexpr const char* kBannerForm =
    "'%%MatrixMarket matrix coordinate|array real|integer|pattern general|symmetric'";

bool is_unsupported_field(std::string_view field) {
  return iequals(field, "complex");
}

bool is_unsupported_symmetry(std::string_view symmetry) {
  return iequals(symmetry, "skew-symmetric") || iequals(symmetry, "hermitian");
}

// Number of stored values of an array matrix, or -1 when it does not fit in int64.
std::int64_t array_value_count(std::int64_t rows, std::int64_t cols, bool symmetric) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (symmetric) {
    // rows * (rows + 1) / 2, computed on the even factor first so it cannot overflow early.
    const std::int64_t a = rows % 2 == 0 ? rows / 2 : rows;
    const std::int64_t b = rows % 2 == 0 ? rows + 1 : (rows + 1) / 2;
    return (a != 0 && b > kMax / a) ? -1 : a * b;
  }
  return (rows != 0 && cols > kMax / rows) ? -1 : rows * cols;
}

}  // namespace

bool has_matrix_market_banner(std::string_view bytes) {
  bytes = strip_utf8_bom(bytes);
  return bytes.size() >= kBanner.size() && iequals(bytes.substr(0, kBanner.size()), kBanner);
}

MatrixMarketReader::MatrixMarketReader(const std::string& path) : lines_(path) {
  parse_banner();
  parse_size_line();
  header_.entries_offset = lines_.bytes_consumed();
}

MatrixMarketReader::MatrixMarketReader(const std::string& path, const MatrixMarketHeader& header,
                                       ByteRange range, std::int64_t first_line,
                                       std::int64_t first_entry)
    : lines_(path, range, first_line),
      header_(header),
      entries_read_(first_entry),
      first_entry_(first_entry),
      ranged_(true) {
  if (header_.format == MatrixMarketFormat::array) set_array_position(first_entry);
}

// Column-major positions: a general array's column c holds rows 0..rows-1; a symmetric one's
// rows c..rows-1, so column c starts at entry c*rows - c*(c-1)/2 (found by bisection).
void MatrixMarketReader::set_array_position(std::int64_t entry_index) {
  __extension__ using Wide = __int128;
  const std::int64_t rows = header_.rows;
  if (rows == 0 || entry_index >= header_.stored_entries) return;  // past the end: never used
  if (header_.symmetry != MatrixMarketSymmetry::symmetric) {
    array_col_ = entry_index / rows;
    array_row_ = entry_index % rows;
    return;
  }
  const auto column_start = [rows](std::int64_t c) {
    return static_cast<Wide>(c) * rows - static_cast<Wide>(c) * (c - 1) / 2;
  };
  std::int64_t low = 0;  // column_start(low) <= entry_index < column_start(high)
  std::int64_t high = rows;
  while (high - low > 1) {
    const std::int64_t middle = low + (high - low) / 2;
    (column_start(middle) <= entry_index ? low : high) = middle;
  }
  array_col_ = low;
  array_row_ = low + static_cast<std::int64_t>(entry_index - column_start(low));
}

MatrixMarketLineCount count_matrix_market_lines(const std::string& path, ByteRange range) {
  // Line numbers do not matter here; 2 keeps the byte-order-mark rule of line 1 out of it.
  constexpr std::int64_t kFirstLine = 2;
  LineReader lines(path, range, kFirstLine);
  MatrixMarketLineCount count;
  std::string_view line;
  while (lines.next(line)) {
    line = skip_blanks(line);
    if (!line.empty() && line.front() != '%') ++count.entry_lines;
  }
  count.lines = lines.line_number() - (kFirstLine - 1);
  return count;
}

void check_entry_total(const std::string& path, const MatrixMarketHeader& header,
                       std::int64_t entries, std::int64_t last_line) {
  if (entries < header.stored_entries) {
    throw InputError(at_line(path, last_line,
                             fmt::format("file ends after {} of the {} declared entries", entries,
                                         header.stored_entries)));
  }
}

void MatrixMarketReader::fail(const std::string& message) const {
  throw InputError(at_line(path(), lines_.line_number(), message));
}

void MatrixMarketReader::parse_banner() {
  std::string_view line;
  if (!lines_.next(line)) {
    throw InputError(at_line(path(), 1, fmt::format("empty file, expected {}", kBannerForm)));
  }
  std::string_view rest = line;
  const std::string_view banner = next_token(rest);
  const std::string_view object = next_token(rest);
  const std::string_view format = next_token(rest);
  const std::string_view field = next_token(rest);
  const std::string_view symmetry = next_token(rest);
  if (!iequals(banner, kBanner) || symmetry.empty() || !next_token(rest).empty()) {
    fail(fmt::format("malformed MatrixMarket banner, expected {}", kBannerForm));
  }
  if (!iequals(object, "matrix")) {
    fail(fmt::format("unsupported MatrixMarket object {} (only 'matrix')", quote_excerpt(object)));
  }
  if (iequals(format, "coordinate")) {
    header_.format = MatrixMarketFormat::coordinate;
  } else if (iequals(format, "array")) {
    header_.format = MatrixMarketFormat::array;
  } else {
    fail(
        fmt::format("unknown MatrixMarket format {} (coordinate or array)", quote_excerpt(format)));
  }
  if (iequals(field, "real")) {
    header_.field = MatrixMarketField::real;
  } else if (iequals(field, "integer")) {
    header_.field = MatrixMarketField::integer;
  } else if (iequals(field, "pattern")) {
    header_.field = MatrixMarketField::pattern;
  } else if (is_unsupported_field(field)) {
    fail(fmt::format("unsupported MatrixMarket field {} (real, integer or pattern)",
                     quote_excerpt(field)));
  } else {
    fail(fmt::format("unknown MatrixMarket field {} (real, integer or pattern)",
                     quote_excerpt(field)));
  }
  if (iequals(symmetry, "general")) {
    header_.symmetry = MatrixMarketSymmetry::general;
  } else if (iequals(symmetry, "symmetric")) {
    header_.symmetry = MatrixMarketSymmetry::symmetric;
  } else if (is_unsupported_symmetry(symmetry)) {
    fail(fmt::format("unsupported MatrixMarket symmetry {} (general or symmetric)",
                     quote_excerpt(symmetry)));
  } else {
    fail(fmt::format("unknown MatrixMarket symmetry {} (general or symmetric)",
                     quote_excerpt(symmetry)));
  }
  if (header_.format == MatrixMarketFormat::array && header_.field == MatrixMarketField::pattern) {
    fail("the pattern field needs the coordinate format, not array");
  }
}

void MatrixMarketReader::parse_size_line() {
  const bool coordinate = header_.format == MatrixMarketFormat::coordinate;
  const char* expected = coordinate ? "'rows columns entries'" : "'rows columns'";
  std::string_view line;
  if (!next_data_line(line)) {
    throw InputError(
        at_line(path(), lines_.line_number() + 1, fmt::format("missing size line {}", expected)));
  }
  header_.size_line = lines_.line_number();
  std::string_view rest = line;
  std::int64_t sizes[3] = {0, 0, 0};
  const int wanted = coordinate ? 3 : 2;
  for (int i = 0; i < wanted; ++i) {
    const std::string_view token = next_token(rest);
    if (parse_int64(token, sizes[i]) != ParseStatus::ok || sizes[i] < 0) {
      fail(fmt::format("bad size line, expected {} as non-negative integers, got {}", expected,
                       quote_excerpt(line)));
    }
  }
  if (!next_token(rest).empty()) {
    fail(fmt::format("bad size line, expected {} only, got {}", expected, quote_excerpt(line)));
  }
  header_.rows = sizes[0];
  header_.cols = sizes[1];
  const bool symmetric = header_.symmetry == MatrixMarketSymmetry::symmetric;
  if (symmetric && header_.rows != header_.cols) {
    fail(fmt::format("a symmetric matrix must be square, got {} x {}", header_.rows, header_.cols));
  }
  header_.stored_entries =
      coordinate ? sizes[2] : array_value_count(header_.rows, header_.cols, symmetric);
  if (header_.stored_entries < 0) {
    fail(fmt::format("a {} x {} array has more values than fit in 64 bits", header_.rows,
                     header_.cols));
  }
  check_declared_entries();
}

// A coordinate matrix cannot hold more entries than it has positions (more would repeat one),
// and no matrix more than the rest of the file can hold: refused here, before a caller sizes
// anything by the count.
void MatrixMarketReader::check_declared_entries() {
  const bool symmetric = header_.symmetry == MatrixMarketSymmetry::symmetric;
  const std::int64_t positions = array_value_count(header_.rows, header_.cols, symmetric);
  if (positions >= 0 && header_.stored_entries > positions) {
    fail(fmt::format("declares {} entries, but a {} x {}{} matrix has only {} positions",
                     header_.stored_entries, header_.rows, header_.cols,
                     symmetric ? " symmetric" : "", positions));
  }
  const std::optional<std::uint64_t> remaining = lines_.bytes_remaining();
  if (!remaining) return;
  size_known_ = true;
  // The shortest line an entry can take: two indices (a pattern entry; a value makes it longer,
  // but the bound stays loose so that a short line gets its own, more precise error) or a value.
  const bool array = header_.format == MatrixMarketFormat::array;
  const std::uint64_t min_entry_bytes = array ? 2 : 4;
  const char* shortest = array ? "'1\\n'" : "'1 1\\n'";
  const std::int64_t fit = entries_that_fit(*remaining, min_entry_bytes);
  if (header_.stored_entries > fit) {
    fail(
        fmt::format("declares {} entries, but the {} bytes after this line hold at most {} "
                    "(an entry takes at least {} bytes, as {}): truncated file or wrong size line",
                    header_.stored_entries, *remaining, fit, min_entry_bytes, shortest));
  }
}

// Skips comment ('%') and blank lines.
bool MatrixMarketReader::next_data_line(std::string_view& line) {
  while (lines_.next(line)) {
    line = skip_blanks(line);
    if (!line.empty() && line.front() != '%') return true;
  }
  return false;
}

std::size_t MatrixMarketReader::reservable_entries() const {
  const std::int64_t cap = size_known_ ? header_.stored_entries : std::int64_t{1} << 20;
  return static_cast<std::size_t>(std::min(header_.stored_entries, cap));
}

bool MatrixMarketReader::next(MatrixMarketEntry& entry) {
  if (pending_mirror_) {
    entry = *pending_mirror_;
    pending_mirror_.reset();
    return true;
  }
  std::string_view line;
  if (entries_read_ == header_.stored_entries) {
    if (next_data_line(line)) {
      fail(fmt::format("more entries than the {} declared", header_.stored_entries));
    }
    return false;
  }
  if (!next_data_line(line)) {
    if (ranged_) return false;
    // Throws: fewer entries than declared were read.
    check_entry_total(path(), header_, entries_read_, lines_.line_number());
  }
  if (header_.format == MatrixMarketFormat::coordinate) {
    parse_coordinate_entry(line, entry);
  } else {
    parse_array_entry(line, entry);
  }
  entry.line = lines_.line_number();
  ++entries_read_;
  if (header_.symmetry == MatrixMarketSymmetry::symmetric && entry.col > entry.row) {
    fail(
        fmt::format("entry at row {}, column {} lies above the diagonal: a symmetric "
                    "MatrixMarket file stores the lower triangle only (row >= column)",
                    entry.row + 1, entry.col + 1));
  }
  if (header_.symmetry == MatrixMarketSymmetry::symmetric && entry.row != entry.col) {
    pending_mirror_ = MatrixMarketEntry{entry.col, entry.row, entry.value, entry.line};
  }
  return true;
}

void MatrixMarketReader::parse_coordinate_entry(std::string_view line, MatrixMarketEntry& entry) {
  const bool pattern = header_.field == MatrixMarketField::pattern;
  std::string_view rest = line;
  std::string_view tokens[3];
  int count = 0;
  for (std::string_view token = next_token(rest); !token.empty(); token = next_token(rest)) {
    if (count < 3) tokens[count] = token;
    ++count;
  }
  const int wanted = pattern ? 2 : 3;
  if (count != wanted) {
    fail(fmt::format("expected {} columns ({}), got {}", wanted,
                     pattern ? "row column" : "row column value", count));
  }
  entry.row = parse_index(tokens[0], header_.rows, "row") - 1;
  entry.col = parse_index(tokens[1], header_.cols, "column") - 1;
  entry.value = pattern ? 1.0 : parse_value(tokens[2]);
}

void MatrixMarketReader::parse_array_entry(std::string_view line, MatrixMarketEntry& entry) {
  std::string_view rest = line;
  const std::string_view token = next_token(rest);
  if (!next_token(rest).empty()) fail("expected one value per line in array format");
  entry.value = parse_value(token);
  entry.row = array_row_;
  entry.col = array_col_;
  // Column-major; a symmetric array stores each column from the diagonal down.
  if (++array_row_ == header_.rows) {
    ++array_col_;
    array_row_ = header_.symmetry == MatrixMarketSymmetry::symmetric ? array_col_ : 0;
  }
}

std::int64_t MatrixMarketReader::parse_index(std::string_view token, std::int64_t bound,
                                             const char* what) {
  std::int64_t index = 0;
  const ParseStatus status = parse_int64(token, index);
  if (status == ParseStatus::not_a_number) {
    fail(fmt::format("expected an integer {} index, got {}", what, quote_excerpt(token)));
  }
  if (status != ParseStatus::ok || index < 1 || index > bound) {
    fail(fmt::format("{} index {} outside 1..{}", what, quote_excerpt(token), bound));
  }
  return index;
}

double MatrixMarketReader::parse_value(std::string_view token) {
  if (header_.field == MatrixMarketField::integer) {
    std::int64_t value = 0;
    const ParseStatus status = parse_int64(token, value);
    if (status == ParseStatus::not_a_number) {
      fail(fmt::format("expected an integer value, got {}", quote_excerpt(token)));
    }
    if (status == ParseStatus::out_of_range) {
      fail(fmt::format("integer value {} does not fit in 64 bits", quote_excerpt(token)));
    }
    return static_cast<double>(value);
  }
  double value = 0.0;
  const ParseStatus status = parse_double(token, value);
  if (status == ParseStatus::not_a_number) {
    fail(fmt::format("expected a real value, got {}", quote_excerpt(token)));
  }
  if (status == ParseStatus::out_of_range) {
    fail(fmt::format("value {} is out of the range of a double", quote_excerpt(token)));
  }
  if (!std::isfinite(value)) {
    fail(fmt::format("value {} is not finite (NaN and Inf are not allowed)", quote_excerpt(token)));
  }
  return value;
}

}  // namespace distgae
