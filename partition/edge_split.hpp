// The seeded train/val/test split of the canonical edges, with negative pairs.
//
// A pure function of (canonical graph, seed, fractions): it never sees the number of parts, so
// the split is the same for every P (DESIGN.md, Determinism).
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"
#include "partition/canonical_graph.hpp"

namespace distgae {

struct SplitOptions {
  double val_frac = 0.05;
  double test_frac = 0.10;
  std::uint64_t seed = 0;
  bool no_split = false;  // every edge trains; no val/test pairs
};

struct EdgeSplit {
  // All canonical pairs, first < second, each list sorted ascending.
  std::vector<NodePair> train;
  std::vector<NodePair> val_pos, val_neg;
  std::vector<NodePair> test_pos, test_neg;
};

// Positives: floor(test_frac * E) test and floor(val_frac * E) val edges, chosen by ranking
// every edge by a hash of (seed, its canonical ids). Negatives: as many pairs for each, uniform
// over non-edges of the full graph: u != v, never an edge, no pair twice (across val and test).
// Throws InputError when the fractions are out of range or the graph has too few non-edges.
EdgeSplit split_edges(const CanonicalGraph& graph, const SplitOptions& options);

}  // namespace distgae
