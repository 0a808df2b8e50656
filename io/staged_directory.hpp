// A directory written under a temporary sibling name and renamed into place by commit(): readers
// never see a half-written output, and a failure (exception, signal-free exit) removes the
// temporary. Sibling, so the rename stays on one file system and is atomic.
#pragma once

#include <filesystem>
#include <string>

namespace distgae {

class StagedDirectory {
 public:
  // Throws InputError naming `final_path` when it exists and `overwrite` is false.
  StagedDirectory(std::filesystem::path final_path, bool overwrite);
  ~StagedDirectory();
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;

  // Where to write the files now.
  const std::filesystem::path& staging_path() const { return staging_; }
  // fsyncs every file, then replaces final_path (an existing one only now, when overwriting).
  void commit();

 private:
  std::filesystem::path final_;
  std::filesystem::path staging_;
  bool overwrite_ = false;
  bool committed_ = false;
};

// fsyncs a file or directory; throws std::runtime_error naming it on failure.
void fsync_path(const std::filesystem::path& path);

}  // namespace distgae
