// The random draws of training, each a pure function of (seed, purpose, epoch, canonical ids) so
// that a run gives the same numbers for every number of ranks (DESIGN.md, Determinism).
#pragma once

#include <cstdint>
#include <span>

#include "core/types.hpp"
#include "model/dense.hpp"

namespace distgae {

// Negative `draw` of positive edge (u, v) in `epoch`: both endpoints uniform over all
// num_nodes nodes (canonical ids as drawn: unordered, possibly equal). DESIGN.md draws only the
// far endpoint; drawing both matches the reference implementation and the distribution of the
// held-out negatives, and measurably raises test AUC on Citeseer and Pubmed (bench/accuracy.py).
NodePair negative_pair(std::uint64_t seed, std::int64_t epoch, NodePair positive, int draw,
                       GlobalId num_nodes);

// VGAE's ε: noise [n, latent] standard normal, row i keyed by canonical_ids[i] (Box-Muller on
// two counter-based uniforms per entry).
void fill_vgae_noise(std::uint64_t seed, std::int64_t epoch,
                     std::span<const GlobalId> canonical_ids, Matrix& noise);

}  // namespace distgae
