#include "train/checkpointing.hpp"

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "comm/collective_h5.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace distgae {
namespace fs = std::filesystem;

CheckpointPolicy::CheckpointPolicy(const TrainingConfig& config, const Communicator& world)
    : config_(config),
      world_(world),
      directory_((fs::path(config.out_dir) / "checkpoints").string()) {}

bool CheckpointPolicy::due(std::int64_t epoch) const {
  return config_.checkpoint_every > 0 && epoch % config_.checkpoint_every == 0;
}

void CheckpointPolicy::save(const Trainer& trainer, std::int64_t epoch,
                            const std::string& metrics_jsonl) {
  CheckpointState state = trainer.checkpoint_state(epoch);
  const std::string path = (fs::path(directory_) / checkpoint_name(epoch)).string();
  const std::string temporary = path + ".tmp";
  const auto remove_temporary = [&] {
    std::error_code ignored;
    fs::remove(temporary, ignored);
  };

  // Rank 0 creates the file: attributes, replicated arrays, and room for the node arrays. Every
  // rank learns whether that worked before any opens the file.
  std::string failure;
  if (world_.rank() == 0) {
    try {
      state.metrics_jsonl = metrics_jsonl;
      fs::create_directories(directory_);
      create_checkpoint_file(temporary, state);
    } catch (const std::exception& error) {
      failure = error.what();
      remove_temporary();
    }
  }
  failure = world_.broadcast(failure);
  if (!failure.empty()) throw std::runtime_error("checkpoint not written: " + failure);

  // Node rows: each rank writes its canonical block of one array at a time, so none holds more
  // than its share of one array.
  if (state.featureless) {
    const std::int64_t first_row = trainer.node_row_block().first;
    CollectiveRowWriter writer(world_, temporary);
    for (int array = 0; array < static_cast<int>(std::size(kCheckpointNodeArrays)); ++array) {
      writer.write(kCheckpointNodeArrays[array], first_row, trainer.checkpoint_node_rows(array),
                   state.hidden);
    }
    writer.close();
  }

  if (world_.rank() == 0) {
    try {
      commit_checkpoint_file(temporary, path);
    } catch (...) {
      remove_temporary();
      throw;
    }
    const std::vector<std::string> existing = list_checkpoints(directory_);
    for (std::size_t i = static_cast<std::size_t>(std::max(config_.keep, 1)); i < existing.size();
         ++i) {
      fs::remove(existing[i]);
    }
    log::info("checkpoint {} written", path);
  }
  // No rank goes on (or exits) before the checkpoint is on disk.
  world_.barrier();
}

std::optional<FoundCheckpoint> CheckpointPolicy::load_newest() const {
  for (const std::string& path : list_checkpoints(directory_)) {
    std::optional<CheckpointState> state;
    std::string failure;
    try {
      state = read_checkpoint_replicated(path);
    } catch (const InputError& error) {
      failure = error.what();
    }
    // Resume only from a file every rank could read, or the ranks would start apart.
    if (world_.allreduce_max(state ? 0 : 1) == 0) return FoundCheckpoint{std::move(*state), path};
    log::warning("skipping unreadable checkpoint ({}); trying the previous one",
                 failure.empty() ? path + ": unreadable on another rank" : failure);
  }
  return std::nullopt;
}

}  // namespace distgae
