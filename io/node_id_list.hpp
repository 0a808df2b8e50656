// Reads a node-id list: one integer id per line ('#'/'%' comments and blank lines skipped).
// Used by `--node-ids` to give the complete node set (isolated nodes included) and the order of
// the feature rows.
#pragma once

#include <string>
#include <vector>

#include "core/types.hpp"

namespace distgae {

std::vector<GlobalId> read_node_id_list(const std::string& path);

}  // namespace distgae
