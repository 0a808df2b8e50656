// The run directory (--out): created, or checked before a run writes anything into it.
#pragma once

#include <string>

#include "comm/communicator.hpp"

namespace distgae {

// Collective. Rank 0 creates RUN_DIR. An existing run there (metrics.jsonl, embeddings/,
// checkpoints/) is an InputError unless `force`, which removes that run's files first, or
// `resume`, which keeps them; a non-empty directory that is not a run is never touched. Then
// every rank checks that it can write there. Errors are agreed by every rank: InputError for a
// path that cannot be used (empty, not a directory, read-only, not writable, not visible from a
// rank), std::runtime_error for a full disk or an I/O error.
void prepare_run_directory(const std::string& dir, bool force, bool resume,
                           const Communicator& world);

}  // namespace distgae
