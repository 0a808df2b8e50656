#include "io/text_scanner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <sys/stat.h>

#include "core/error.hpp"

namespace distgae {
namespace {

std::FILE* open_for_reading(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw InputError(at_file(path, fmt::format("cannot open: {}", std::strerror(errno))));
  }
  return file;
}

// from_chars rejects a leading '+', which some writers emit; drop it unless a sign follows.
std::string_view strip_plus(std::string_view token) {
  if (token.size() > 1 && token[0] == '+' && token[1] != '-' && token[1] != '+') {
    token.remove_prefix(1);
  }
  return token;
}

}  // namespace

LineReader::LineReader(std::string path, std::size_t chunk_bytes)
    : path_(std::move(path)),
      file_(open_for_reading(path_)),
      buffer_(std::make_unique_for_overwrite<char[]>(std::max<std::size_t>(chunk_bytes, 1))),
      capacity_(std::max<std::size_t>(chunk_bytes, 1)) {
  struct stat status {};
  if (::fstat(::fileno(file_.get()), &status) == 0 && S_ISREG(status.st_mode)) {
    file_size_ = static_cast<std::uint64_t>(status.st_size);
  }
}

LineReader::LineReader(std::string path, ByteRange range, std::int64_t first_line,
                       std::size_t chunk_bytes)
    : LineReader(std::move(path), chunk_bytes) {
  if (range.begin > 0 && ::fseeko(file_.get(), static_cast<off_t>(range.begin), SEEK_SET) != 0) {
    throw InputError(at_file(path_, fmt::format("cannot seek: {}", std::strerror(errno))));
  }
  buffer_offset_ = range.begin;
  unread_limit_ = range.size();
  line_number_ = first_line - 1;
}

std::optional<std::uint64_t> LineReader::bytes_remaining() const {
  if (!file_size_) return std::nullopt;
  const std::uint64_t consumed = bytes_consumed();
  return *file_size_ > consumed ? *file_size_ - consumed : 0;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    const char* start = buffer_.get() + begin_;
    const std::size_t available = end_ - begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', available));
    if (newline != nullptr || (at_eof_ && available > 0)) {
      const std::size_t length =
          newline != nullptr ? static_cast<std::size_t>(newline - start) : available;
      line = std::string_view(start, length);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line_number_ == 0) line = strip_utf8_bom(line);
      begin_ += newline != nullptr ? length + 1 : length;
      ++line_number_;
      return true;
    }
    if (at_eof_) return false;
    refill();
  }
}

// Moves the unread tail to the front of the buffer and appends the next chunk of the file. The
// buffer doubles only when a single line is longer than it.
void LineReader::refill() {
  const std::size_t tail = end_ - begin_;
  if (begin_ > 0 && tail > 0) std::memmove(buffer_.get(), buffer_.get() + begin_, tail);
  buffer_offset_ += begin_;
  begin_ = 0;
  end_ = tail;
  if (end_ == capacity_) {
    auto larger = std::make_unique_for_overwrite<char[]>(capacity_ * 2);
    std::memcpy(larger.get(), buffer_.get(), end_);
    buffer_ = std::move(larger);
    capacity_ *= 2;
  }
  const auto wanted =
      static_cast<std::size_t>(std::min<std::uint64_t>(capacity_ - end_, unread_limit_));
  const std::size_t got = std::fread(buffer_.get() + end_, 1, wanted, file_.get());
  end_ += got;
  unread_limit_ -= got;
  if (got < wanted && std::ferror(file_.get()) != 0) {
    throw InputError(at_file(path_, fmt::format("read error: {}", std::strerror(errno))));
  }
  if (got < wanted || unread_limit_ == 0) at_eof_ = true;
}

std::string read_file_prefix(const std::string& path, std::size_t count) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(open_for_reading(path), &std::fclose);
  std::string bytes(count, '\0');
  const std::size_t got = std::fread(bytes.data(), 1, count, file.get());
  if (got < count && std::ferror(file.get()) != 0) {
    throw InputError(at_file(path, fmt::format("read error: {}", std::strerror(errno))));
  }
  bytes.resize(got);
  return bytes;
}

ParseStatus parse_int64(std::string_view token, std::int64_t& value) {
  token = strip_plus(token);
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (ec == std::errc::result_out_of_range) return ParseStatus::out_of_range;
  if (ec != std::errc{} || ptr != end) return ParseStatus::not_a_number;
  return ParseStatus::ok;
}

ParseStatus parse_double(std::string_view token, double& value) {
  token = strip_plus(token);
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) return ParseStatus::out_of_range;
  if (ec != std::errc{} || ptr != end) return ParseStatus::not_a_number;
  return ParseStatus::ok;
}

std::string quote_excerpt(std::string_view text) {
  constexpr std::size_t kMaxShown = 80;
  std::string quoted = "'";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\\') {
      quoted += "\\\\";
    } else if (byte >= 0x20 && byte < 0x7f) {
      quoted += static_cast<char>(byte);
    } else {
      quoted += fmt::format("\\x{:02x}", byte);
    }
  }
  if (text.size() > kMaxShown) return quoted + fmt::format("...' ({} bytes)", text.size());
  return quoted + '\'';
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    const char y = (b[i] >= 'A' && b[i] <= 'Z') ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

}  // namespace distgae
