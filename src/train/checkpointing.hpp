// When and where checkpoints are written and which one a resume starts from
// (RUN_DIR/checkpoints/ckpt-<epoch>.h5; io/checkpoint_file.hpp has the format).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "comm/communicator.hpp"
#include "io/checkpoint_file.hpp"
#include "train/trainer.hpp"
#include "train/training_config.hpp"

namespace distgae {

struct FoundCheckpoint {
  CheckpointState state;
  std::string path;
};

class CheckpointPolicy {
 public:
  CheckpointPolicy(const TrainingConfig& config, const Communicator& world);

  // A checkpoint is due after `epoch` (every --checkpoint-every epochs).
  bool due(std::int64_t epoch) const;

  // Collective. Writes the checkpoint of the trainer's state after `epoch`, then prunes all but
  // the newest --keep; an older one goes only once the new one is complete. Rank 0 writes the
  // replicated part and its metrics_jsonl; featureless rows are written by every rank, its own
  // block of each array in turn, through parallel HDF5.
  void save(const Trainer& trainer, std::int64_t epoch, const std::string& metrics_jsonl);

  // Collective. The newest checkpoint that every rank can read (all see the same files), less
  // its node rows (Trainer::restore reads each rank's block of them); a damaged one is skipped
  // with a warning naming it. Empty when there is none.
  std::optional<FoundCheckpoint> load_newest() const;

  const std::string& directory() const { return directory_; }

 private:
  TrainingConfig config_;
  Communicator world_;
  std::string directory_;
};

}  // namespace distgae
