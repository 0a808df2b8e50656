// Writing large text files fast: numbers formatted with std::to_chars into a caller's buffer,
// buffers written with fwrite through one large stdio buffer. No iostreams, no locale.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace distgae {

// Appends the decimal digits of `value` to `buffer`.
inline void append_decimal(std::string& buffer, std::uint64_t value) {
  char digits[20];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  buffer.append(digits, result.ptr);
}

// Appends "u v\n".
inline void append_pair_line(std::string& buffer, std::uint64_t first, std::uint64_t second) {
  append_decimal(buffer, first);
  buffer.push_back(' ');
  append_decimal(buffer, second);
  buffer.push_back('\n');
}

// A chunk of lines produced by one thread, written in order by another (ordered_chunks.hpp).
struct TextChunk {
  std::string text;
  std::uint64_t lines = 0;  // data lines in `text` (edges, nonzeros, labels)
};

// A text file created (or truncated) for writing. Every failure, a full disk included, is a
// std::runtime_error naming the file; close() reports a failed final flush.
class TextFile {
 public:
  explicit TextFile(std::filesystem::path path);

  void write(std::string_view text);
  // Overwrites bytes at `offset` (already written) and returns to the end: patches a header
  // field reserved with a fixed width.
  void overwrite_at(std::uint64_t offset, std::string_view text);
  std::uint64_t bytes_written() const { return bytes_written_; }
  const std::filesystem::path& path() const { return path_; }
  // Flushes and closes; the destructor closes silently when close() was not reached.
  void close();

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  [[noreturn]] void fail(const char* what) const;

  std::filesystem::path path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::unique_ptr<char[]> stdio_buffer_;
  std::uint64_t bytes_written_ = 0;
};

}  // namespace distgae
