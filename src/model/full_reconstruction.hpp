// The paper's dense reconstruction objective (`--decoder full`; Kipf & Welling 2016, tkipf/gae):
//   norm · mean over all N² pairs (u, v) of weighted BCE(z_u · z_v, a_uv), a = A_train + I,
//   pos_weight = (N² - nnz) / nnz, norm = N² / (2 (N² - nnz)), nnz = 2·E_train (the training
//   adjacency without self loops, exactly as tkipf/gae computes them; the labels add I).
// Each part computes its owned rows u against every node v, so it needs every row of z.
#pragma once

#include <cstdint>
#include <span>

#include "core/csr.hpp"
#include "core/exact_sum.hpp"
#include "core/types.hpp"
#include "model/dense.hpp"

namespace distgae {

struct FullReconstructionWeights {
  double pos_weight = 1.0;
  double norm = 1.0;
  double num_nodes = 1.0;
};
// adjacency_nnz = 2·E_train.
FullReconstructionWeights full_reconstruction_weights(GlobalId num_nodes,
                                                      std::int64_t adjacency_nnz);

// z_all: [N, latent], rows in the order that `positives` indexes. Callers pass canonical order:
// every row's sums then run over the nodes in the same order whatever the number of parts, so
// each node's loss and gradient are the same bits for any P.
// owned_rows: [n_owned] the row of z_all of each owned node.
// positives: [n_owned rows], row i lists the z_all rows v with a_uv = 1 (its training neighbours
// and itself), sorted. Returns this part's share of the loss (sum over its rows of the terms
// above, already multiplied by norm / N²; each row's in double, the rows' exactly); writes dz_owned
// [n_owned, latent] = ∂loss/∂z_u, which counts both (u, v) and (v, u) since the loss is symmetric
// in them.
ExactSum full_reconstruction_loss(const Matrix& z_all, std::span<const std::int64_t> owned_rows,
                                  const Csr<std::int64_t, float>& positives,
                                  const FullReconstructionWeights& weights, Matrix& dz_owned);

}  // namespace distgae
