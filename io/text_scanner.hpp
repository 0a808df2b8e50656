// Fast line-by-line reading of large text files and allocation-free token parsing.
//
// Graph files reach hundreds of millions of lines, so the reader fills one large buffer with
// fread and hands out lines as views into it; tokens are views too and numbers are parsed with
// std::from_chars (locale independent, no iostreams, no heap allocation per line).
#pragma once

#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "io/text_range.hpp"

namespace distgae {

class LineReader {
 public:
  // Opens `path`; a file that cannot be opened is an InputError naming it.
  // One chunk (1 MiB) per read: large enough that syscalls do not matter, small enough that the
  // buffer's first-touch page faults do not either.
  explicit LineReader(std::string path, std::size_t chunk_bytes = std::size_t{1} << 20);
  // Reads only the lines of `range` (io/text_range.hpp: its begin a line start), numbering the
  // first `first_line`: one rank's share of a file, with the line numbers the whole file has.
  LineReader(std::string path, ByteRange range, std::int64_t first_line,
             std::size_t chunk_bytes = std::size_t{1} << 20);

  // Sets `line` to the next line without its '\n' (and a '\r' before it, and a UTF-8 byte-order
  // mark before the first line); false at end of file.
  // The view stays valid until the next call.
  bool next(std::string_view& line);

  // 1-based number of the line last returned by next().
  std::int64_t line_number() const { return line_number_; }
  // The file offset after the lines returned so far (the bytes consumed, for a whole file).
  std::uint64_t bytes_consumed() const { return buffer_offset_ + begin_; }
  // Bytes after the lines returned so far, from the size the file had when opened; unset for a
  // pipe or device, whose size is unknown. What a header declares is checked against it.
  std::optional<std::uint64_t> bytes_remaining() const;
  const std::string& path() const { return path_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };

  void refill();

  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::unique_ptr<char[]> buffer_;  // not a vector: it would zero (and so touch) every page
  std::size_t capacity_ = 0;
  std::uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
  std::size_t begin_ = 0;            // first unread byte
  std::size_t end_ = 0;              // one past the last valid byte
  bool at_eof_ = false;
  std::uint64_t unread_limit_ =
      std::numeric_limits<std::uint64_t>::max();  // bytes of the range not yet read into the buffer
  std::int64_t line_number_ = 0;
  std::optional<std::uint64_t> file_size_;  // unset unless a regular file
};

// The first `count` bytes of the file (fewer when it is shorter); InputError if it cannot be read.
std::string read_file_prefix(const std::string& path, std::size_t count);

inline bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// Removes and returns the next whitespace-separated token of `rest`; empty when none is left.
inline std::string_view next_token(std::string_view& rest) {
  std::size_t begin = 0;
  while (begin < rest.size() && is_blank(rest[begin])) ++begin;
  std::size_t end = begin;
  while (end < rest.size() && !is_blank(rest[end])) ++end;
  std::string_view token = rest.substr(begin, end - begin);
  rest.remove_prefix(end);
  return token;
}

// `line` without leading blanks: empty for a blank line.
inline std::string_view skip_blanks(std::string_view line) {
  std::size_t begin = 0;
  while (begin < line.size() && is_blank(line[begin])) ++begin;
  return line.substr(begin);
}

// `text` without a leading UTF-8 byte-order mark (some Windows tools write one).
inline std::string_view strip_utf8_bom(std::string_view text) {
  return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

enum class ParseStatus { ok, not_a_number, out_of_range };

// The whole token must be the number; a leading '+' is accepted.
ParseStatus parse_int64(std::string_view token, std::int64_t& value);
// Accepts decimal and exponent forms plus "inf"/"nan" (callers decide whether those are allowed).
ParseStatus parse_double(std::string_view token, double& value);

// Input text (a token, a line) quoted for an error message: its first 80 bytes between single
// quotes, control characters and other non-ASCII bytes as \xNN and a backslash as \\; when cut,
// "..." inside the quotes and the full length after them ('abc...' (10485760 bytes)). Every message
// that shows file contents goes through it, so an error stays one short, printable line whatever
// the file holds (a 10 MB line, a NUL, an escape sequence that would drive the terminal).
std::string quote_excerpt(std::string_view text);

// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

}  // namespace distgae
