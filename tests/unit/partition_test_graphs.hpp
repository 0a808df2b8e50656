// Graphs shared by the partition/ unit tests: the bundled Cora edge list, read by a tiny parser
// of its own so these tests do not depend on io/'s readers.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "io/graph_readers.hpp"
#include "partition/canonical_graph.hpp"

namespace distgae::testing {

inline constexpr GlobalId kCoraNodes = 2708;
inline constexpr std::int64_t kCoraEdges = 5278;

// data/cora/edges.txt as read: "u v" lines, '#' comments.
inline RawGraph read_cora_raw() {
  RawGraph raw;
  raw.source_path = DISTGAE_TEST_DATA "/cora/edges.txt";
  std::ifstream in(raw.source_path);
  if (!in) throw std::runtime_error("cannot open " + raw.source_path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    NodePair edge;
    fields >> edge.first >> edge.second;
    raw.edges.push_back(edge);
    ++raw.data_lines;
  }
  return raw;
}

// Cora canonicalised once per test binary (node ids 0..2707, all with edges).
inline const CanonicalGraph& cora_graph() {
  static const CanonicalGraph graph = canonicalize(read_cora_raw(), NodeSetSpec{});
  return graph;
}

}  // namespace distgae::testing
