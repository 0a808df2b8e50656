// Reads a node-id list: one integer id per line ('#'/'%' comments and blank lines skipped).
// Used by `--node-ids` to give the complete node set (isolated nodes included) and the order of
// the feature rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "io/text_range.hpp"

namespace distgae {

std::vector<GlobalId> read_node_id_list(const std::string& path);

// The ids on the lines of `range` (io/text_range.hpp), the first numbered `first_line`, in file
// order, each with its line. A bad line is the InputError read_node_id_list throws for it.
struct NodeIdRange {
  std::vector<GlobalId> ids;
  std::vector<std::int64_t> line_numbers;  // [ids.size()]
};
NodeIdRange read_node_id_range(const std::string& path, ByteRange range, std::int64_t first_line);

// read_node_id_list's check once every line is read, on the whole list's count: none is an error.
void check_node_ids_found(const std::string& path, std::int64_t ids);

}  // namespace distgae
