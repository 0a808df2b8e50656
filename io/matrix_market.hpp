// A streaming MatrixMarket parser shared by the graph and the feature readers.
//
// Understands "%%MatrixMarket matrix coordinate|array real|integer|pattern general|symmetric"
// (case-insensitive). Entries come one at a time, 0-based, each with the line it was read from;
// a symmetric matrix's off-diagonal entries are followed by their mirror. Nothing is held in
// memory beyond one read buffer, so callers decide how to store what they keep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "io/text_scanner.hpp"

namespace distgae {

enum class MatrixMarketFormat { coordinate, array };
enum class MatrixMarketField { real, integer, pattern };
enum class MatrixMarketSymmetry { general, symmetric };

struct MatrixMarketHeader {
  MatrixMarketFormat format = MatrixMarketFormat::coordinate;
  MatrixMarketField field = MatrixMarketField::real;
  MatrixMarketSymmetry symmetry = MatrixMarketSymmetry::general;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  // Values stored in the file: the size line's count (coordinate), rows*cols (general array) or
  // the lower triangle rows*(rows+1)/2 (symmetric array). Mirrored entries are not counted.
  // Never more than the rest of a regular file can hold (checked when the size line is read).
  std::int64_t stored_entries = 0;
  std::int64_t size_line = 0;  // 1-based line of the size line, for errors about the sizes
  // File offset of the line after the size line: the entries' region, which ranks reading the
  // file by ranges split between them (io/text_range.hpp).
  std::uint64_t entries_offset = 0;
};

struct MatrixMarketEntry {
  std::int64_t row = 0;   // 0-based
  std::int64_t col = 0;   // 0-based
  double value = 0.0;     // finite; 1 for a pattern entry
  std::int64_t line = 0;  // 1-based line of the file that holds it (a mirror shares its line)
};

class MatrixMarketReader {
 public:
  // Opens the file and parses its banner and size line; any problem is an InputError naming the
  // file and line. So is a declared count of entries that the rest of the file is too short to
  // hold (a coordinate entry line takes at least 4 bytes, "i j\n", an array value 2), so that
  // nothing sized by it can be larger than the file warrants.
  explicit MatrixMarketReader(const std::string& path);
  // Reads only the entries on the lines of `range` (within the entries' region, its begin a
  // line start) of a file whose header another reader parsed: its first line is `first_line`
  // and its first entry the `first_entry`-th (0-based) of the file, the line numbers and
  // positions (array format) the whole file gives them. next() then ends at the range's end
  // without the file's "fewer entries than declared" check: that is check_entry_total's, on
  // the whole file's count; an entry past the declared count is an error as before.
  MatrixMarketReader(const std::string& path, const MatrixMarketHeader& header, ByteRange range,
                     std::int64_t first_line, std::int64_t first_entry);

  const MatrixMarketHeader& header() const { return header_; }
  const std::string& path() const { return lines_.path(); }
  // Lines holding a stored entry read so far (comments and blank lines excluded).
  std::int64_t data_lines() const {
    return static_cast<std::int64_t>(entries_read_ - first_entry_);
  }

  // Entries worth reserving room for: the declared count, which the file's size bounds; for a
  // pipe, whose size is unknown and whose count is only checked at its end, at most 2^20.
  std::size_t reservable_entries() const;

  // Sets `entry` to the next entry; false after the last one, once it has checked that the file
  // holds exactly the declared number. Bad entries are InputErrors naming the line, among them
  // an entry of a symmetric coordinate matrix above the diagonal (the format stores the lower
  // triangle only, and its mirror would be a second value for the same position).
  bool next(MatrixMarketEntry& entry);

  // Calls visit(const MatrixMarketEntry&) for every remaining entry.
  template <class Visitor>
  void for_each_entry(Visitor&& visit) {
    MatrixMarketEntry entry;
    while (next(entry)) visit(static_cast<const MatrixMarketEntry&>(entry));
  }

 private:
  void set_array_position(std::int64_t entry_index);
  void parse_banner();
  void parse_size_line();
  void check_declared_entries();
  bool next_data_line(std::string_view& line);
  void parse_coordinate_entry(std::string_view line, MatrixMarketEntry& entry);
  void parse_array_entry(std::string_view line, MatrixMarketEntry& entry);
  std::int64_t parse_index(std::string_view token, std::int64_t bound, const char* what);
  double parse_value(std::string_view token);
  [[noreturn]] void fail(const std::string& message) const;

  LineReader lines_;
  MatrixMarketHeader header_;
  std::int64_t entries_read_ = 0;  // entries of the file before the next one (0-based index)
  std::int64_t first_entry_ = 0;   // entries_read_ when this reader started (0 for a whole file)
  bool ranged_ = false;
  std::int64_t array_row_ = 0;  // position of the next array value
  std::int64_t array_col_ = 0;
  std::optional<MatrixMarketEntry> pending_mirror_;
  bool size_known_ = false;  // a regular file: the declared count was checked against its size
};

// Lines that begin in a range of a file, and those among them holding an entry (neither blank
// nor a '%' comment): a range's census, before it is parsed, from which each range learns its
// first line number and first entry index.
struct MatrixMarketLineCount {
  std::int64_t lines = 0;
  std::int64_t entry_lines = 0;
};
MatrixMarketLineCount count_matrix_market_lines(const std::string& path, ByteRange range);

// The whole file's end-of-entries check, for a file read by ranges: InputError at
// `last_line` (the file's last line) when it holds fewer than the declared entries.
void check_entry_total(const std::string& path, const MatrixMarketHeader& header,
                       std::int64_t entries, std::int64_t last_line);

// True when `bytes` (the start of a file) begins with the MatrixMarket banner "%%MatrixMarket".
bool has_matrix_market_banner(std::string_view bytes);

}  // namespace distgae
