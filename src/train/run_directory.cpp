#include "train/run_directory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "comm/agreement.hpp"
#include "core/error.hpp"

namespace distgae {
namespace fs = std::filesystem;
namespace {

// A full disk or a failing device is the system's fault (exit 1); a path the user may not or
// cannot write to is bad input (exit 2).
[[noreturn]] void throw_io_error(const std::string& path, const std::string& what, int error) {
  const std::string message = at_file(path, what + ": " + std::strerror(error));
  if (error == ENOSPC || error == EDQUOT || error == EIO) throw std::runtime_error(message);
  throw InputError(message);
}

void create_run_directory(const fs::path& run, bool force, bool resume) {
  // Checked here, in the agreed step, and not left to the file system: an empty path would put
  // the write probe in the working directory.
  if (run.empty()) throw InputError("the run directory is an empty path");
  const char* const run_files[] = {"metrics.jsonl", "summary.json", "embeddings", "checkpoints"};
  std::error_code error;
  if (fs::exists(run, error) && !fs::is_directory(run, error)) {
    throw InputError(at_file(run.string(), "exists and is not a directory"));
  }
  bool has_run = false;
  for (const char* name : run_files) has_run = has_run || fs::exists(run / name, error);
  if (has_run && !force && !resume) {
    throw InputError(at_file(run.string(),
                             "holds a previous run (pass --resume to continue it, --force to "
                             "replace it)"));
  }
  if (has_run && !resume) {
    for (const char* name : run_files) {
      fs::remove_all(run / name, error);
      if (error) throw_io_error((run / name).string(), "cannot remove", error.value());
    }
  }
  fs::create_directories(run, error);
  if (error) throw_io_error(run.string(), "cannot create the run directory", error.value());
}

// Writes and removes one byte in `run`, as this rank: on a cluster every rank writes its own
// files there, and a directory one node cannot see or write is found now, not after training.
void probe_writable(const fs::path& run, int rank) {
  const std::string probe = (run / (".distgae-write-test-" + std::to_string(rank))).string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT) throw InputError(at_file(run.string(), "not visible from this rank"));
    throw_io_error(run.string(), "cannot write in the run directory", error);
  }
  const char byte = 0;
  int error = 0;
  if (::write(fd, &byte, 1) != 1 || ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  ::unlink(probe.c_str());
  if (error != 0) throw_io_error(run.string(), "cannot write in the run directory", error);
}

}  // namespace

void prepare_run_directory(const std::string& dir, bool force, bool resume,
                           const Communicator& world) {
  const fs::path run(dir);
  agree_on_root_errors(world, [&] { create_run_directory(run, force, resume); });
  agree_on_errors(world, [&] { probe_writable(run, world.rank()); });
}

}  // namespace distgae
