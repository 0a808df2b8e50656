// The encoder's dense products over node rows, [n, k] · [k, m] with n in the millions and k, m a
// few dozen, threaded by rows with OpenMP. Eigen's own threading stays off: it spins while it
// synchronises (a Github epoch took 1.2 s instead of 10 ms of these products when a core was
// shared) and chooses its split by thread count. These split the rows into fixed blocks instead,
// so every thread count gives the same bits.
#pragma once

#include <cstdint>

#include "core/fixed_point.hpp"
#include "model/dense.hpp"

namespace distgae {

// out.topRows(rows) = a.topRows(rows) · b. out: at least `rows` rows, b.cols() columns.
void rows_times(const Matrix& a, const Matrix& b, Eigen::Index rows, Matrix& out);

// out = a.topRows(rows) · bᵀ. out: [rows, b.rows()] (resized).
void rows_times_transposed(const Matrix& a, const Matrix& b, Eigen::Index rows, Matrix& out);

// out = a.topRows(rows)ᵀ · c.topRows(rows), row-major [a.cols(), c.cols()]: each fixed block of
// rows gives a partial product, and the partials are added in block order in double.
void transpose_times(const Matrix& a, const Matrix& c, Eigen::Index rows, float* out);

// out = a.topRows(rows)ᵀ · c.topRows(rows) exactly, for operands that hold integers (on the grids
// of core/fixed_point.hpp) whose products stay under 2^kExactProductBits and whose sums over all
// rows stay under 2^62. Integer sums: the same bits whatever rows a part holds and however threads
// split them; summed over parts, the bits of the whole. out: [a.cols() · c.cols()], overwritten.
void transpose_times_exact(const Matrix& a, const Matrix& c, Eigen::Index rows, std::int64_t* out);

}  // namespace distgae
