// Helpers shared by the unit tests: a scratch directory per test (as an RAII object or a gtest
// fixture), the one-line InputError a read throws, and a substring check that prints both sides.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace distgae::testing_util {

// A fresh directory <temp>/<prefix>-<pid>-<test name>, removed with everything in it on
// destruction. ctest runs each test as its own process, hence the pid. Only valid while a test
// runs (it is named after the current one).
class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& prefix)
      : dir_(std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(dir_);  // a leftover of a crashed run with a reused pid
    std::filesystem::create_directories(dir_);
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // The path of `name` in the directory (nothing is created).
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Writes `content` byte for byte to the file `name` in the directory; returns its path.
  std::string write(const std::string& content, const std::string& name) const {
    const std::string file = path(name);
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }

 private:
  std::filesystem::path dir_;
};

// Fixture owning a ScratchDirectory for the duration of each test; `write(content)` uses the
// fixture's default file name.
class ScratchDirectoryTest : public ::testing::Test {
 protected:
  explicit ScratchDirectoryTest(std::string prefix, std::string default_name = "input.txt")
      : prefix_(std::move(prefix)), default_name_(std::move(default_name)) {}
  void SetUp() override { scratch_.emplace(prefix_); }
  void TearDown() override { scratch_.reset(); }

  const std::filesystem::path& dir() const { return scratch_->dir(); }
  std::string path(const std::string& name) const { return scratch_->path(name); }
  std::string write(const std::string& content, const std::string& name) const {
    return scratch_->write(content, name);
  }
  std::string write(const std::string& content) const { return write(content, default_name_); }

 private:
  std::string prefix_;
  std::string default_name_;
  std::optional<ScratchDirectory> scratch_;
};

// The message of the InputError `read()` throws, which must be one line; fails the test (naming
// `context` when given) if nothing is thrown.
template <class Read>
std::string input_error(Read&& read, const std::string& context = "") {
  try {
    read();
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "no InputError" << (context.empty() ? "" : " for " + context);
  return "";
}

// n floats start, start + 0.25, ...: distinct and exactly representable, so a value moved to
// another place shows.
inline std::vector<float> ramp(std::size_t n, float start) {
  std::vector<float> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = start + 0.25f * static_cast<float>(i);
  return values;
}

inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

}  // namespace distgae::testing_util
