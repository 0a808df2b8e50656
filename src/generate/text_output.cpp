#include "generate/text_output.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"

namespace distgae {
namespace {
constexpr std::size_t kStdioBufferBytes = std::size_t{4} << 20;
}

TextFile::TextFile(std::filesystem::path path)
    : path_(std::move(path)),
      file_(std::fopen(path_.c_str(), "wb")),
      stdio_buffer_(std::make_unique_for_overwrite<char[]>(kStdioBufferBytes)) {
  if (!file_) fail("cannot create");
  std::setvbuf(file_.get(), stdio_buffer_.get(), _IOFBF, kStdioBufferBytes);
}

void TextFile::fail(const char* what) const {
  throw std::runtime_error(
      at_file(path_.string(), fmt::format("{}: {}", what, std::strerror(errno))));
}

void TextFile::write(std::string_view text) {
  if (text.empty()) return;
  if (std::fwrite(text.data(), 1, text.size(), file_.get()) != text.size()) fail("write failed");
  bytes_written_ += text.size();
}

void TextFile::overwrite_at(std::uint64_t offset, std::string_view text) {
  if (std::fseek(file_.get(), static_cast<long>(offset), SEEK_SET) != 0) fail("seek failed");
  if (std::fwrite(text.data(), 1, text.size(), file_.get()) != text.size()) fail("write failed");
  if (std::fseek(file_.get(), 0, SEEK_END) != 0) fail("seek failed");
}

void TextFile::close() {
  std::FILE* file = file_.release();
  const bool flushed = std::fflush(file) == 0;
  const bool closed = std::fclose(file) == 0;
  if (!flushed || !closed) fail("write failed");
}

}  // namespace distgae
