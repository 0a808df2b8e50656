// Graphs shared by the partition/ unit tests: the bundled Cora edge list.
#pragma once

#include "io/graph_readers.hpp"
#include "partition/canonical_graph.hpp"

namespace distgae::testing {

inline constexpr GlobalId kCoraNodes = 2708;
inline constexpr std::int64_t kCoraEdges = 5278;

// data/cora/edges.txt as read.
inline RawGraph read_cora_raw() {
  return read_edge_list(DISTGAE_TEST_DATA "/cora/edges.txt");
}

// Cora canonicalised once per test binary (node ids 0..2707, all with edges).
inline const CanonicalGraph& cora_graph() {
  static const CanonicalGraph graph = canonicalize(read_cora_raw(), NodeSetSpec{});
  return graph;
}

}  // namespace distgae::testing
