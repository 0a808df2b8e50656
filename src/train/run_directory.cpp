#include "train/run_directory.hpp"

#include <filesystem>

#include "core/error.hpp"

namespace distgae {
namespace fs = std::filesystem;

void prepare_run_directory(const std::string& dir, bool force, bool resume,
                           const Communicator& world) {
  std::string error;
  if (world.rank() == 0) {
    const fs::path run(dir);
    const char* const run_files[] = {"metrics.jsonl", "summary.json", "embeddings", "checkpoints"};
    bool has_run = false;
    for (const char* name : run_files) has_run = has_run || fs::exists(run / name);
    if (has_run && !force && !resume) {
      error = at_file(dir,
                      "holds a previous run (pass --resume to continue it, --force to "
                      "replace it)");
    } else if (fs::exists(run) && !fs::is_directory(run)) {
      error = at_file(dir, "exists and is not a directory");
    } else {
      if (has_run && !resume) {
        for (const char* name : run_files) fs::remove_all(run / name);
      }
      fs::create_directories(run);
    }
  }
  error = world.broadcast(error);
  if (!error.empty()) throw InputError(error);
}

}  // namespace distgae
