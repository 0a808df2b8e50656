// What every libFuzzer harness shares: the input written as a real file in a fresh scratch
// directory on /dev/shm (the readers take paths, and HDF5 opens files), and the rule that an
// InputError is the expected refusal while anything else is a finding. The support library
// also defines LLVMFuzzerInitialize for every harness: HDF5's error stack and the readers'
// warnings stay quiet, since they would print for most of the millions of inputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace distgae::fuzz {

// A directory of its own for one input, removed with everything in it on destruction. Each
// input gets a new name: HDF5 keeps a file open while any object in it is, and would hand a
// reused name's stale contents to the next input (the handle-leak check below reports that).
class InputDirectory {
 public:
  InputDirectory();
  ~InputDirectory();
  InputDirectory(const InputDirectory&) = delete;
  InputDirectory& operator=(const InputDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes the fuzz input to `name` in the directory; returns its path.
  std::string write(const std::string& name, const std::uint8_t* data, std::size_t size) const;
  // Makes `name` in the directory a link to the real file `target` (a fixture).
  void link(const std::string& name, const std::filesystem::path& target) const;

 private:
  std::filesystem::path path_;
};

// Runs `read`: returns normally when it succeeds or throws InputError; any other exception is
// printed with its type and message and aborts, which libFuzzer reports as a crash.
void expect_success_or_input_error(const std::function<void()>& read);

// Aborts when HDF5 identifiers (files, datasets, attributes, ...) are still open after an
// input: a reader that leaks one on an error path would keep the file open for good.
void expect_no_open_hdf5_objects();

// The committed fixture files (tests/fuzz/fixtures): real outputs the inputs are read beside.
std::filesystem::path fixture(const std::string& name);

}  // namespace distgae::fuzz
