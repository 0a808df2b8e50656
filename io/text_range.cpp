#include "io/text_range.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <sys/stat.h>

#include "core/error.hpp"

namespace distgae {
namespace {

// Bytes read per call while counting or searching: as LineReader's chunk.
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FileHandle = std::unique_ptr<std::FILE, FileCloser>;

FileHandle open_at(const std::string& path, std::uint64_t offset) {
  FileHandle file(std::fopen(path.c_str(), "rb"));
  if (!file) throw InputError(at_file(path, fmt::format("cannot open: {}", std::strerror(errno))));
  if (::fseeko(file.get(), static_cast<off_t>(offset), SEEK_SET) != 0) {
    throw InputError(at_file(path, fmt::format("cannot seek: {}", std::strerror(errno))));
  }
  return file;
}

// Reads up to `wanted` bytes into `buffer`; fewer only at the end of the file.
std::size_t read_chunk(const std::string& path, std::FILE* file, char* buffer, std::size_t wanted) {
  const std::size_t got = std::fread(buffer, 1, wanted, file);
  if (got < wanted && std::ferror(file) != 0) {
    throw InputError(at_file(path, fmt::format("read error: {}", std::strerror(errno))));
  }
  return got;
}

}  // namespace

std::uint64_t regular_file_size(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    throw InputError(at_file(path, fmt::format("cannot open: {}", std::strerror(errno))));
  }
  if (!S_ISREG(status.st_mode)) {
    throw InputError(at_file(path,
                             "not a regular file (a job of several ranks reads its input "
                             "by byte ranges, which needs one)"));
  }
  return static_cast<std::uint64_t>(status.st_size);
}

// The first line start at or after `offset` within `region`: `offset` itself when the byte
// before it is a newline (or it is the region's begin), else the byte after the next newline,
// else the region's end.
std::uint64_t line_start_at_or_after(const std::string& path, ByteRange region,
                                     std::uint64_t offset) {
  if (offset <= region.begin) return region.begin;
  if (offset >= region.end) return region.end;
  FileHandle file = open_at(path, offset - 1);
  std::vector<char> buffer(kChunkBytes);
  std::uint64_t position = offset - 1;  // file offset of buffer[0]
  while (position < region.end) {
    const auto wanted =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), region.end - position));
    const std::size_t got = read_chunk(path, file.get(), buffer.data(), wanted);
    const auto* newline = static_cast<const char*>(std::memchr(buffer.data(), '\n', got));
    if (newline != nullptr) {
      return std::min(region.end,
                      position + static_cast<std::uint64_t>(newline - buffer.data()) + 1);
    }
    if (got < wanted) break;  // the file is shorter than the region said
    position += got;
  }
  return region.end;
}

ByteRange line_aligned_range(const std::string& path, ByteRange region, int part, int parts) {
  // The even cut of part p: region.begin + floor(size p / parts), exact in 128 bits.
  const auto cut = [&](int p) {
    __extension__ using Wide = unsigned __int128;
    return region.begin +
           static_cast<std::uint64_t>(static_cast<Wide>(region.size()) * static_cast<Wide>(p) /
                                      static_cast<Wide>(parts));
  };
  const std::uint64_t begin =
      part == 0 ? region.begin : line_start_at_or_after(path, region, cut(part));
  const std::uint64_t end =
      part + 1 == parts ? region.end : line_start_at_or_after(path, region, cut(part + 1));
  return ByteRange{begin, std::max(begin, end)};
}

std::int64_t count_lines(const std::string& path, ByteRange range) {
  if (range.empty()) return 0;
  FileHandle file = open_at(path, range.begin);
  std::vector<char> buffer(
      static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, range.size())));
  std::int64_t newlines = 0;
  std::uint64_t left = range.size();
  char last = '\n';
  while (left > 0) {
    const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), left));
    const std::size_t got = read_chunk(path, file.get(), buffer.data(), wanted);
    if (got == 0) break;  // the file shrank: count what is there
    newlines += std::count(buffer.data(), buffer.data() + got, '\n');
    last = buffer[got - 1];
    left -= got;
  }
  return newlines + (last != '\n' ? 1 : 0);
}

}  // namespace distgae
