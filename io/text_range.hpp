// Byte ranges of a text file that split it between the ranks of a job at line boundaries, so
// that each rank reads only its share: a line belongs to the range holding its first byte, and
// the ranges cover the file (or a region of it) exactly, in order, some possibly empty. MPI-free:
// the caller exchanges each range's line count (Communicator::exclusive_sum) to number its lines.
#pragma once

#include <cstdint>
#include <string>

namespace distgae {

// Bytes [begin, end) of a file.
struct ByteRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;

  std::uint64_t size() const { return end - begin; }
  bool empty() const { return end == begin; }
  bool operator==(const ByteRange&) const = default;
};

// The size of the regular file `path` in bytes; InputError naming it when it cannot be opened
// or is not a regular file (a pipe cannot be read by ranges).
std::uint64_t regular_file_size(const std::string& path);

// The first line start at or after `offset` within `region` (whose begin is a line start): the
// region's end when no line starts there.
std::uint64_t line_start_at_or_after(const std::string& path, ByteRange region,
                                     std::uint64_t offset);

// The range of `part` (0 <= part < parts) over `region` (whose begin is a line start): the
// region's bytes split evenly, each cut moved forward to the next line start. Reads only the
// bytes after each cut up to the next newline.
ByteRange line_aligned_range(const std::string& path, ByteRange region, int part, int parts);

// The number of lines that begin in `range` (whose begin is a line start): its newlines, plus
// one for a last line without a newline (only at the end of the file).
std::int64_t count_lines(const std::string& path, ByteRange range);

}  // namespace distgae
