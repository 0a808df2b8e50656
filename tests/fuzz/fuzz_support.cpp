#include "fuzz_support.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <system_error>
#include <typeinfo>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/h5_file.hpp"

namespace distgae::fuzz {
namespace fs = std::filesystem;
namespace {

// This process's scratch root, removed at exit (each input's directory already is).
struct ScratchRoot {
  fs::path path = fs::path("/dev/shm") / ("distgae-fuzz-" + std::to_string(::getpid()));
  ~ScratchRoot() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

const fs::path& scratch_root() {
  static const ScratchRoot root;
  return root.path;
}

}  // namespace

InputDirectory::InputDirectory() {
  static long long counter = 0;
  path_ = scratch_root() / std::to_string(counter++);
  fs::remove_all(path_);
  fs::create_directories(path_);
}

InputDirectory::~InputDirectory() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string InputDirectory::write(const std::string& name, const std::uint8_t* data,
                                  std::size_t size) const {
  const fs::path file = path_ / name;
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::fprintf(stderr, "fuzz harness: cannot write %s\n", file.c_str());
    std::abort();
  }
  return file.string();
}

void InputDirectory::link(const std::string& name, const fs::path& target) const {
  fs::create_symlink(fs::absolute(target), path_ / name);
}

void expect_success_or_input_error(const std::function<void()>& read) {
  try {
    read();
  } catch (const InputError&) {
    // The expected refusal of a bad input.
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fuzz finding: %s escaped instead of InputError: %s\n",
                 typeid(error).name(), error.what());
    std::abort();
  }
}

void expect_no_open_hdf5_objects() {
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open != 0) {
    std::fprintf(stderr, "fuzz finding: %zd HDF5 identifiers left open after the input\n", open);
    std::abort();
  }
}

fs::path fixture(const std::string& name) {
  return fs::path(DISTGAE_FUZZ_FIXTURES) / name;
}

}  // namespace distgae::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  distgae::silence_hdf5_errors();
  // Logging as rank 1 of 2 prints nothing (only rank 0 logs unless --verbose).
  distgae::log::set_rank(1, 2);
  return 0;
}
