// Â = D^-1/2 (A + I) D^-1/2 restricted to one part's owned rows, with global degrees (so every
// part holds exactly the rows of the one global matrix), and its stored transpose for backward.
#pragma once

#include <cstdint>
#include <span>

#include "core/csr.hpp"
#include "core/types.hpp"

namespace distgae {

struct NormalizedAdjacency {
  std::int64_t n_owned = 0;
  std::int64_t n_interior = 0;     // rows 0..n_interior-1 read owned columns only
  std::int64_t n_local = 0;        // n_owned + n_halo
  Csr<LocalId, float> rows;        // [n_owned, n_local]: self loop included, columns sorted
  Csr<LocalId, float> transposed;  // [n_local, n_owned]: rows^T, columns sorted
};

// adjacency: the part's training adjacency ([n_owned, n_local], no self loops);
// degree: [n_local] global training degrees (without self loop); entry (i, j) of Â is
// 1 / sqrt((degree[i] + 1) * (degree[j] + 1)).
NormalizedAdjacency normalize_adjacency(const Csr<LocalId>& adjacency,
                                        std::span<const std::int64_t> degree,
                                        std::int64_t n_interior);

}  // namespace distgae
