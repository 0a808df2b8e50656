#include "train/checkpointing.hpp"

#include <filesystem>

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
  if (world_.rank() == 0) {
    state.metrics_jsonl = metrics_jsonl;
    fs::create_directories(directory_);
    const std::string path = (fs::path(directory_) / checkpoint_name(epoch)).string();
    write_checkpoint(path, state);
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
    try {
      return FoundCheckpoint{read_checkpoint(path), path};
    } catch (const InputError& error) {
      log::warning("skipping unreadable checkpoint ({}); trying the previous one", error.what());
    }
  }
  return std::nullopt;
}

}  // namespace distgae
