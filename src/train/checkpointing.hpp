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

  // Collective. Writes the checkpoint of the trainer's state after `epoch` with its checksums,
  // then prunes all but the newest --keep; an older one goes only once the new one is complete.
  // Rank 0 writes the replicated part and its metrics_jsonl; featureless rows are written by
  // every rank, its own block of each array in turn, through parallel HDF5. A failure on any
  // rank (a full disk) throws the same AgreedError on every rank, naming the checkpoint and the
  // file, and leaves no temporary file and every earlier checkpoint as it was.
  void save(const Trainer& trainer, std::int64_t epoch, const std::string& metrics_jsonl);

  // Collective. The newest checkpoint that passes every check on every rank (all see the same
  // files): the file's own (io/checkpoint_file.hpp), its history (train/checkpoint_history.hpp)
  // and, for featureless runs, its node arrays' values and checksums, each rank reading an even
  // share of their rows. Returned less its node rows (Trainer::restore reads each rank's block
  // of them). A damaged one is skipped on every rank together, with a warning naming it and what
  // is wrong; a version-1 file (no checksums) is used with a warning. Empty when none is usable.
  std::optional<FoundCheckpoint> load_newest() const;

  const std::string& directory() const { return directory_; }

 private:
  // Rank 0, after writing the checkpoint of `epoch`: removes all but the newest --keep, and any
  // of a later epoch (stale: left by a run that got further and skipped on resume as damaged).
  void prune(std::int64_t epoch) const;

  TrainingConfig config_;
  Communicator world_;
  std::string directory_;
};

}  // namespace distgae
