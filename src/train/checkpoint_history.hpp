// What a checkpoint says of the run that wrote it, checked before a resume trusts it: its
// metrics history (the metrics.jsonl lines a resumed run writes back first) and its
// configuration text (compared key by key with the resuming run's). io/checkpoint_file checks
// the arrays and the rest of the attributes; these two are JSON, which that module does not read.
#pragma once

#include <string>

#include "io/checkpoint_file.hpp"

namespace distgae {

// Throws InputError naming `path` unless state.metrics_jsonl is exactly state.epoch lines, each
// a JSON object whose `epoch` is its line number (1, 2, ..., epoch), each ending in a newline,
// and state.config_json is one JSON object.
void check_checkpoint_history(const std::string& path, const CheckpointState& state);

}  // namespace distgae
