// A lower bound of the memory one rank's training allocates, from the part's sizes and the
// configuration, so that sizes that can never fit (--hidden 1e8, --neg 1e9) are refused before
// anything is created, with the figure, instead of ending in std::bad_alloc or the OOM killer.
// It counts only arrays the trainer certainly holds at once, so it never refuses a run that
// would fit; bench/epoch.py measures what a run really takes (about 1.5-2x this bound).
#pragma once

#include <string>

#include "io/dataset.hpp"
#include "train/training_config.hpp"

namespace distgae {

struct MemoryEstimate {
  double bytes = 0.0;   // at least this many, per rank
  std::string largest;  // the largest term, as "what (size)" for a message
  double largest_bytes = 0.0;
};

MemoryEstimate estimate_training_memory(const TrainingConfig& config, const DatasetMeta& meta,
                                        const PartData& part);

}  // namespace distgae
