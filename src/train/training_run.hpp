// One whole training run in RUN_DIR: resume (when asked), the epochs with their metrics lines,
// checkpoints and stop signals, then the test metrics, embeddings and summary.json.
#pragma once

#include "comm/communicator.hpp"
#include "io/dataset.hpp"
#include "train/training_config.hpp"

namespace distgae {

// Collective. Returns the process exit code: kExitOk, or kExitCheckpointed when a stop signal
// ended the run after its checkpoint was written. The part is moved into the trainer, which
// keeps only what training needs (one copy of a large part is most of a rank's memory).
int run_training(const TrainingConfig& config, const DatasetMeta& meta, PartData part,
                 const Communicator& world);

}  // namespace distgae
