// One whole training run in RUN_DIR: resume (when asked), the epochs with their metrics lines,
// checkpoints and stop signals, then the test metrics, embeddings and summary.json.
#pragma once

#include "comm/communicator.hpp"
#include "io/dataset.hpp"
#include "train/training_config.hpp"

namespace distgae {

// Collective. Returns the process exit code: kExitOk, or kExitCheckpointed when a stop signal
// ended the run after its checkpoint was written.
int run_training(const TrainingConfig& config, const DatasetMeta& meta, const PartData& part,
                 const Communicator& world);

}  // namespace distgae
