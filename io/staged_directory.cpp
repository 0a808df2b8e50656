#include "io/staged_directory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "core/error.hpp"

namespace distgae {
namespace fs = std::filesystem;

namespace {
fs::path sibling(const fs::path& path, const std::string& tag) {
  fs::path name = path.filename();
  if (name.empty()) name = path.parent_path().filename();  // "out/" → "out"
  const fs::path parent =
      path.has_filename() ? path.parent_path() : path.parent_path().parent_path();
  // fmt, not operator+: GCC 12 raises a false -Wrestrict on chained std::string additions.
  return parent / fmt::format(".{}.{}-{}", name.string(), tag, ::getpid());
}
}  // namespace

void fsync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error(
        at_file(path.string(), fmt::format("cannot open to sync: {}", std::strerror(errno))));
  }
  // A write the page cache accepted may still fail on its way to the device: fsync says so.
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) {
    throw std::runtime_error(
        at_file(path.string(), fmt::format("fsync failed: {}", std::strerror(error))));
  }
}

StagedDirectory::StagedDirectory(fs::path final_path, bool overwrite)
    : final_(std::move(final_path)), overwrite_(overwrite) {
  if (fs::exists(final_) && !overwrite_) {
    throw InputError(at_file(final_.string(), "output exists (pass --force to replace it)"));
  }
  const fs::path parent = fs::absolute(final_).parent_path();
  if (!fs::is_directory(parent)) {
    throw InputError(at_file(final_.string(), "parent directory does not exist"));
  }
  staging_ = sibling(final_, "tmp");
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
  if (!fs::create_directory(staging_)) {
    throw std::runtime_error(at_file(staging_.string(), "cannot create directory"));
  }
}

StagedDirectory::~StagedDirectory() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void StagedDirectory::commit() {
  for (const auto& entry : fs::directory_iterator(staging_)) {
    if (entry.is_regular_file()) fsync_path(entry.path());
  }
  fsync_path(staging_);
  fs::path previous;
  if (fs::exists(final_)) {
    if (!overwrite_) throw InputError(at_file(final_.string(), "output appeared meanwhile"));
    previous = sibling(final_, "old");
    fs::rename(final_, previous);
  }
  std::error_code error;
  fs::rename(staging_, final_, error);
  if (error) {
    // The previous output goes back where it was: a failure leaves it, not nothing.
    std::error_code ignored;
    if (!previous.empty()) fs::rename(previous, final_, ignored);
    throw fs::filesystem_error("cannot rename the output into place", staging_, final_, error);
  }
  committed_ = true;
  fsync_path(fs::absolute(final_).parent_path());
  if (!previous.empty()) fs::remove_all(previous);
}

}  // namespace distgae
