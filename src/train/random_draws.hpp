// The random draws of training, each a pure function of (seed, purpose, epoch, canonical ids) so
// that a run gives the same numbers for every number of ranks (DESIGN.md, Determinism).
#pragma once

#include <cstdint>
#include <span>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "model/dense.hpp"

namespace distgae {

// The key of one epoch's negatives, hashed once per epoch and extended per draw.
inline std::uint64_t negative_epoch_key(std::uint64_t seed, std::int64_t epoch) {
  return random_bits(seed, RandomPurpose::kTrainNegative, {static_cast<std::uint64_t>(epoch)});
}

// Negative `draw` of positive edge (u, v) in the epoch of `epoch_key`: both endpoints uniform
// over all num_nodes nodes (canonical ids as drawn: unordered, possibly equal). DESIGN.md draws
// only the far endpoint; drawing both matches the reference implementation and the distribution
// of the held-out negatives, and measurably raises test AUC on Citeseer and Pubmed
// (bench/accuracy.py). One keyed hash per pair, then one more mix per endpoint: the endpoints are
// two counters of the same key (this runs for every training edge every epoch). Inline: it is
// the sampling loop's whole body.
inline NodePair negative_pair(std::uint64_t epoch_key, NodePair positive, int draw,
                              GlobalId num_nodes) {
  const std::uint64_t key = extend_bits(
      epoch_key, {static_cast<std::uint64_t>(positive.first),
                  static_cast<std::uint64_t>(positive.second), static_cast<std::uint64_t>(draw)});
  const auto n = static_cast<std::uint64_t>(num_nodes);
  return {static_cast<GlobalId>(bounded(mix64(key ^ 0), n)),
          static_cast<GlobalId>(bounded(mix64(key ^ 1), n))};
}

// VGAE's ε: noise [n, latent] (sized by the caller) standard normal, entry (i, d) keyed by
// (seed, epoch, canonical_ids[i], d): Box–Muller in float on two 24-bit counter-based uniforms
// per entry.
void fill_vgae_noise(std::uint64_t seed, std::int64_t epoch,
                     std::span<const GlobalId> canonical_ids, Matrix& noise);

}  // namespace distgae
