#include "io/h5_file_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "core/error.hpp"
#include "io/storage_errors.hpp"

namespace distgae {
namespace fs = std::filesystem;

namespace {

// What closing an empty HDF5 file writes (superblock, root group), with room to spare.
constexpr std::uint64_t kCloseRoom = std::uint64_t{64} << 10;

bool cannot_preallocate(int error) {
  return error == EOPNOTSUPP || error == ENOSYS;
}

}  // namespace

SpaceReserve::SpaceReserve(const fs::path& file_path, std::uint64_t bytes) {
  reserve_path_ = file_path.parent_path() /
                  fmt::format(".{}.reserve-{}", file_path.filename().string(), ::getpid());
  const int fd = ::open(reserve_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int error = fd < 0 ? errno : 0;
  if (fd >= 0) {
    // posix_fallocate returns its error rather than setting errno; it allocates real blocks
    // (glibc writes zeros where the file system cannot), unlike a sparse ftruncate.
    error = ::posix_fallocate(fd, 0, static_cast<off_t>(bytes));
    ::close(fd);
  }
  if (error != 0) {
    std::error_code ignored;
    fs::remove(reserve_path_, ignored);
    reserve_path_.clear();
    throw std::runtime_error(
        at_file(file_path.string(), fmt::format("cannot write it: {}", std::strerror(error))));
  }
}

SpaceReserve::~SpaceReserve() {
  release();
}

void SpaceReserve::release() {
  if (reserve_path_.empty()) return;
  ::unlink(reserve_path_.c_str());
  reserve_path_.clear();
}

int preallocate(const std::string& path, std::uint64_t bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int error =
      ::fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(bytes)) == 0 ? 0 : errno;
  ::close(fd);
  return error;
}

void release_preallocation(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return;
  // Shrinking frees every block past the new end; growing by one byte first makes it a shrink
  // (some file systems skip a truncate to the size a file already has). Neither needs space.
  if (::truncate(path.c_str(), status.st_size + 1) == 0) ::truncate(path.c_str(), status.st_size);
}

std::uint64_t metadata_margin_bytes(std::uint64_t attribute_bytes) {
  // Our files' metadata is a few KiB; the global heap holds each string attribute once.
  return (std::uint64_t{32} << 10) + 2 * attribute_bytes;
}

void write_h5_file(const std::string& path, std::uint64_t data_bytes, std::uint64_t attribute_bytes,
                   const std::function<void(H5File&)>& fill) {
  SpaceReserve close_room(path, kCloseRoom);
  try {
    std::optional<H5File> file;
    with_storage_cause([&] { file.emplace(path, H5File::Mode::kCreate); }, path);
    const std::uint64_t bytes = data_bytes + metadata_margin_bytes(attribute_bytes);
    const int error = preallocate(path, bytes);
    if (error != 0 && !cannot_preallocate(error)) {
      close_room.release();  // the close writes the empty file's superblock and root group
      file.reset();
      throw std::runtime_error(
          at_file(path, fmt::format("cannot reserve {} KiB to write it: {}", (bytes + 1023) / 1024,
                                    std::strerror(error))));
    }
    try {
      errno = 0;
      fill(*file);
      file->flush();
    } catch (const std::runtime_error& failure) {
      // Only where the file system could not preallocate: the reason is read now, before the
      // close's own system calls, and the reserve is room for the close.
      const std::string message = failure.what() + storage_failure_cause(path);
      close_room.release();
      file.reset();
      throw std::runtime_error(message);
    } catch (...) {
      close_room.release();
      throw;
    }
    file.reset();
    release_preallocation(path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(path, ignored);
    throw;
  }
}

}  // namespace distgae
