// Core index types shared by every module.
//
// Three id spaces exist (see DESIGN.md): original ids (the user's, any int64), canonical ids
// (0..N-1, fixed before partitioning) and partition-ordered ids (contiguous per rank). All three
// are GlobalId; LocalId indexes a rank's owned rows followed by its halo rows.
#pragma once

#include <cstdint>
#include <utility>

namespace distgae {

using GlobalId = std::int64_t;
using LocalId = std::int32_t;

// An undirected pair of canonical ids, stored with first < second once canonicalised.
struct NodePair {
  GlobalId first = 0;
  GlobalId second = 0;
  friend bool operator==(const NodePair&, const NodePair&) = default;
  friend auto operator<=>(const NodePair&, const NodePair&) = default;
};

// Returns the pair ordered so that first <= second.
inline NodePair ordered_pair(GlobalId a, GlobalId b) {
  return a < b ? NodePair{a, b} : NodePair{b, a};
}

}  // namespace distgae
