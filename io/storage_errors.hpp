// Why a write failed, when the system said so. HDF5 and iostreams report a failed write without
// its reason, but the failing write(2) left errno set: a full disk (ENOSPC), a quota, an I/O
// error. Appending that reason to the one-line error tells a user "free some space" apart from
// a bug.
#pragma once

#include <functional>
#include <string>

namespace distgae {

// " (No space left on device)" and the like when errno names a storage failure (ENOSPC, EDQUOT,
// EIO, EFBIG, EROFS), else "". Only meaningful right after a failed write that started with
// errno cleared: any other errno is left unsaid, as it may be stale. Where errno says nothing
// (MPI-IO reports its own errors and may leave errno as it found it) and `path` is given, the
// free space of the file system holding it is the clue: under 1 MiB, it is said to be full.
std::string storage_failure_cause(const std::string& path = "");

// Runs `write` with errno cleared; a std::runtime_error it throws (other than InputError, and
// other than a filesystem_error, whose message has the reason already) is thrown again as a
// std::runtime_error with storage_failure_cause(path) appended.
void with_storage_cause(const std::function<void()>& write, const std::string& path = "");

}  // namespace distgae
