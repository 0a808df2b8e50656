// The seeded train/val/test split of the canonical edges, with negative pairs.
//
// A pure function of (canonical graph, seed, fractions): it never sees the number of parts, so
// the split is the same for every P (DESIGN.md, Determinism).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
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

// The rules split_edges is made of, shared with the distributed split
// (partition/distributed/distributed_split.hpp) so that both give the same split and the same
// messages.

// Throws InputError unless both fractions lie in [0, 1) and sum to less than 1.
void check_split_fractions(const SplitOptions& options);

struct HeldOutCounts {
  std::int64_t test = 0;  // floor(test_frac * E)
  std::int64_t val = 0;   // floor(val_frac * E)
};
HeldOutCounts held_out_counts(std::int64_t num_edges, const SplitOptions& options);

// A positive's rank: the first `test` edges by (key, index in the sorted edge list) are test,
// the next `val` val.
inline std::uint64_t edge_split_key(std::uint64_t seed, NodePair edge) {
  return random_bits(
      seed, RandomPurpose::kEdgeSplit,
      {static_cast<std::uint64_t>(edge.first), static_cast<std::uint64_t>(edge.second)});
}

// Negative draw `index`: a uniform pair of canonical ids below num_nodes, ordered; nullopt when
// both ends are the same node.
inline std::optional<NodePair> negative_draw(std::uint64_t seed, std::uint64_t index,
                                             std::uint64_t num_nodes) {
  const auto a = static_cast<GlobalId>(
      bounded(random_bits(seed, RandomPurpose::kSplitNegative, {index, 0}), num_nodes));
  const auto b = static_cast<GlobalId>(
      bounded(random_bits(seed, RandomPurpose::kSplitNegative, {index, 1}), num_nodes));
  if (a == b) return std::nullopt;
  return ordered_pair(a, b);
}

// The unconnected pairs of a graph of N nodes and E edges (saturating: past N = 2^32 they
// outnumber any request). Throws InputError, through check_enough_non_edges, when fewer than
// `needed`.
std::uint64_t non_edge_count(std::uint64_t num_nodes, std::int64_t num_edges);
void check_enough_non_edges(std::uint64_t non_edges, std::int64_t needed,
                            const SplitOptions& options);

// The draws made before giving up: draws 0 .. limit-1; if they accept fewer than `needed` pairs
// the split fails with gave_up_drawing(needed, limit, options).
std::uint64_t negative_draw_limit(std::uint64_t num_nodes, std::uint64_t non_edges,
                                  std::int64_t needed);
InputError gave_up_drawing(std::int64_t needed, std::uint64_t draws, const SplitOptions& options);

}  // namespace distgae
