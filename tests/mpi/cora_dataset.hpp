// The bundled Cora partitioned for the running job's world size, written once per process group
// by rank 0 into a temporary directory that every rank then reads its own part from.
#pragma once

#include <string>

namespace distgae::testing {

// Path of the dataset directory (created on first call; collective: every rank must call it).
const std::string& cora_dataset_for_world();

}  // namespace distgae::testing
