// Creating an HDF5 file so that a full disk (or any failed write) ends in an error naming the
// file, never in a crash.
//
// HDF5 1.10 (Debian 12's 1.10.8) cannot recover from a failed flush of a file's metadata: the
// flush leaves its cache half switched over, every later close of the file fails, and a close
// that fails frees the file but keeps its identifier, which the library closes again when it
// shuts down at MPI_Finalize or exit, and crashes (HDFFV-11052, fixed in HDF5 1.14.1). A full
// disk must therefore never reach HDF5's metadata writes. So the file's blocks are set aside
// before HDF5 writes anything: right after H5Fcreate (which writes nothing yet), fallocate
// reserves, without changing the file's size, room for all its data and a margin for metadata;
// a disk too full for that fails there, with only an empty file to close. After the close, the
// blocks reserved past the file's end are given back. Where the file system cannot preallocate
// (EOPNOTSUPP), the file is written without the guarantee.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "io/h5_file.hpp"

namespace distgae {

// `bytes` of disk space held in a hidden file beside `file_path` (same directory, hence the same
// file system) until release() or destruction: room for closing a file whose preallocation
// failed. Throws std::runtime_error naming file_path, with the system's reason, when the space
// is not there.
class SpaceReserve {
 public:
  SpaceReserve(const std::filesystem::path& file_path, std::uint64_t bytes);
  ~SpaceReserve();
  SpaceReserve(const SpaceReserve&) = delete;
  SpaceReserve& operator=(const SpaceReserve&) = delete;

  // Gives the space back now (idempotent).
  void release();

 private:
  std::filesystem::path reserve_path_;
};

// Reserves disk blocks for bytes [0, bytes) of the existing file `path`, keeping its size.
// Returns 0, or the errno of the failure (ENOSPC: the disk is too full; EOPNOTSUPP: the file
// system cannot preallocate).
int preallocate(const std::string& path, std::uint64_t bytes);
// Gives back blocks reserved past the end of `path` (a failure is ignored: only space is lost).
void release_preallocation(const std::string& path);

// Room for the metadata of files like ours (object headers, attributes, a global heap for the
// string attributes whose total size is `attribute_bytes`), beyond their raw data.
std::uint64_t metadata_margin_bytes(std::uint64_t attribute_bytes = 0);

// Creates `path` (replacing it), reserves `data_bytes` (what `fill` writes as raw data, and any
// space its datasets allocate) plus metadata_margin_bytes(attribute_bytes), lets `fill` write
// the contents, flushes and closes it, and gives back what was not used. On any failure the file
// is removed and a std::runtime_error naming it (with the system's reason when there is one) is
// thrown; HDF5 is left with no file open and nothing it cannot close.
void write_h5_file(const std::string& path, std::uint64_t data_bytes, std::uint64_t attribute_bytes,
                   const std::function<void(H5File&)>& fill);

}  // namespace distgae
