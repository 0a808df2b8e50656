// Sparse × dense kernels on CSR, parallel over rows with OpenMP. Every output row is summed by one
// thread in the CSR's column order, so results have the same bits for every thread count.
// bench/kernels measures them against the memory-bandwidth roofline (bench/README.md).
#pragma once

#include <cstdint>

#include "core/csr.hpp"
#include "core/fixed_point.hpp"
#include "core/types.hpp"
#include "model/dense.hpp"

namespace distgae {

// y.row(r) = Σ_k a(r, k) · x.row(k) for r in [row_begin, row_end) (a's values, or all ones when a
// has none). x: [≥ a.n_cols, w] (rows past a.n_cols are not read); y: [≥ row_end, w], already
// sized. Rows outside the range are left untouched. Widths 16, 32 and 64 use fixed-size kernels;
// x's rows are prefetched a few nonzeros ahead when x is larger than the caches.
void spmm_rows(const Csr<LocalId, float>& a, const Matrix& x, Matrix& y, std::int64_t row_begin,
               std::int64_t row_end);

// Drops a's values when every one is exactly 1 (binary features, such as bag-of-words: Cora's and
// Citeseer's), and frees them. The kernels then take the pattern path, which adds rows unscaled,
// the same bits as multiplying them by 1, and reads a third less per nonzero. Returns whether it
// dropped them.
bool drop_unit_values(Csr<std::int32_t, float>& a);

// y = X · W for sparse features X [n, d] (values, or all ones when X has no values) and dense
// W [d, w]. y: [n, w] (resized).
void sparse_times_dense(const Csr<std::int32_t, float>& x, const Matrix& w, Matrix& y);

// The transpose of a [n, d] CSR as a [d, n] CSR (values kept, or none when a has none); each row's
// columns come out sorted. Build it once and use spmm_rows for repeated Xᵀ · dY products.
Csr<std::int32_t, float> transpose(const Csr<std::int32_t, float>& a);

// out = a · x exactly, for a's values (1 when it has none) and x's entries holding integers (on
// the grids of core/fixed_point.hpp) whose products stay under 2^kExactProductBits and whose row
// sums stay under 2^62. With a = Xᵀ of a part's features, the part's share of dW = Xᵀ · dT,
// whose sum over parts has the same bits for any partition. out: [a.n_rows() · x.cols()].
void spmm_exact(const Csr<LocalId, float>& a, const Matrix& x, std::int64_t* out);

// dW = Xᵀ · dY for sparse X [n, d] and dense dY [n, w]; dW: [d, w] (resized, overwritten).
// Builds Xᵀ on every call (no atomics); callers in a loop keep transpose(x) and use spmm_rows.
void sparse_transpose_times_dense(const Csr<std::int32_t, float>& x, const Matrix& dy, Matrix& dw);

}  // namespace distgae
