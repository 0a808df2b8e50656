// Â = D^-1/2 (A + I) D^-1/2 restricted to one part's owned rows, with global degrees (so every
// part holds exactly the rows of the one global matrix). Each row lists its nonzeros in the
// canonical-id order of their columns, whatever the local numbering: a row's sum in Â · T adds
// the same terms in the same order on any partition, so it has the same bits for any number of
// parts. Â is symmetric, so backward is Â · dY too (no transpose is stored).
#pragma once

#include <cstdint>
#include <span>

#include "core/csr.hpp"
#include "core/types.hpp"

namespace distgae {

struct NormalizedAdjacency {
  std::int64_t n_owned = 0;
  std::int64_t n_interior = 0;  // rows 0..n_interior-1 read owned columns only
  std::int64_t n_local = 0;     // n_owned + n_halo
  // [n_owned, n_local]: self loop included, each row's columns in canonical-id order.
  Csr<LocalId, float> rows;
};

// adjacency: the part's training adjacency ([n_owned, n_local], no self loops, each row's local
// columns sorted); degree: [n_local] global training degrees (without self loop); canonical_id:
// [n_local] the local nodes' canonical ids (distinct). Entry (i, j) of Â is
// 1 / sqrt((degree[i] + 1) * (degree[j] + 1)).
NormalizedAdjacency normalize_adjacency(const Csr<LocalId>& adjacency,
                                        std::span<const std::int64_t> degree,
                                        std::span<const GlobalId> canonical_id,
                                        std::int64_t n_interior);

}  // namespace distgae
