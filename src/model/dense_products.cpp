#include "model/dense_products.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/parallel_work.hpp"

namespace distgae {
namespace {

// Rows per block: large enough that a block's product runs at Eigen's single-thread speed,
// small enough that two threads share the work of graphs of a few thousand nodes.
constexpr Eigen::Index kBlockRows = 2048;

Eigen::Index block_count(Eigen::Index rows) {
  return (rows + kBlockRows - 1) / kBlockRows;
}

// Blocks go to threads when there are several and the product is large enough to pay for it.
bool parallel_blocks(Eigen::Index blocks, Eigen::Index rows, Eigen::Index inner,
                     Eigen::Index outer) {
  return blocks > 1 && worth_parallel_work(std::int64_t{rows} * inner * outer);
}

void check_rows(const Matrix& m, Eigen::Index rows, const char* what) {
  if (rows < 0 || m.rows() < rows) {
    throw std::invalid_argument(std::string("dense products: ") + what + " has fewer rows than " +
                                std::to_string(rows));
  }
}

// Fixed widths: the node-row products have an inner and an outer width of 16, 32 or 64 (hidden and
// latent sizes), where Eigen's general product spends most of its time packing operands for a
// blocking built for large matrices (a [2708, 32] · [32, 16] product took 29 µs, 6x its FMA
// count). With the widths known, an output row is one to four SIMD registers summed in place.
template <int Width>
using FixedRow = Eigen::Matrix<float, 1, Width>;
template <int Rows, int Cols>
using FixedMatrix = Eigen::Matrix<float, Rows, Cols, Eigen::RowMajor>;

// Calls f.template operator()<Inner, Outer>() when both widths are fixed ones (with_row_width's
// 16, 32 or 64); false otherwise.
template <class F>
bool with_fixed_widths(Eigen::Index inner, Eigen::Index outer, F&& f) {
  return with_row_width(inner, [&]<int Inner>() {
    return with_row_width(outer, [&]<int Outer>() {
      if constexpr (Inner == Eigen::Dynamic || Outer == Eigen::Dynamic) {
        return false;
      } else {
        f.template operator()<Inner, Outer>();
        return true;
      }
    });
  });
}

// out rows [begin, end) = a rows · b, b [Inner, Outer] row-major. Each output row is summed over
// the inner index in order, one accumulator: the bits do not depend on blocks or threads. One
// row's sum is a chain of Inner dependent additions, so rows go four at a time: four chains in
// flight instead of one (the same additions in the same order per row).
template <int Inner, int Outer>
void rows_times_fixed(const float* a, const FixedMatrix<Inner, Outer>& b, float* out,
                      Eigen::Index begin, Eigen::Index end) {
  constexpr int kRowsAtOnce = 4;
  Eigen::Index r = begin;
  for (; r + kRowsAtOnce <= end; r += kRowsAtOnce) {
    const float* a_rows = a + r * Inner;
    std::array<FixedRow<Outer>, kRowsAtOnce> sums;
    for (int j = 0; j < kRowsAtOnce; ++j) sums[j] = a_rows[j * Inner] * b.row(0);
    for (int k = 1; k < Inner; ++k) {
      for (int j = 0; j < kRowsAtOnce; ++j) sums[j].noalias() += a_rows[j * Inner + k] * b.row(k);
    }
    for (int j = 0; j < kRowsAtOnce; ++j) {
      Eigen::Map<FixedRow<Outer>>(out + (r + j) * Outer) = sums[j];
    }
  }
  for (; r < end; ++r) {
    const float* a_row = a + r * Inner;
    FixedRow<Outer> sum = a_row[0] * b.row(0);
    for (int k = 1; k < Inner; ++k) sum.noalias() += a_row[k] * b.row(k);
    Eigen::Map<FixedRow<Outer>>(out + r * Outer) = sum;
  }
}

// partial = Σ over rows [begin, end), in order, of a rowᵀ · c row: [Inner, Outer] row-major.
// The Inner accumulator rows do not all fit in registers, so they go in groups of about sixteen
// SIMD registers, each group a pass over the block's rows (in cache); every entry is still summed
// over the rows in order from zero.
template <int Inner, int Outer>
void transpose_times_fixed(const float* a, const float* c, Eigen::Index begin, Eigen::Index end,
                           float* partial) {
  constexpr int kGroup = std::clamp(256 / Outer, 1, Inner);
  static_assert(Inner % kGroup == 0);
  for (int k0 = 0; k0 < Inner; k0 += kGroup) {
    std::array<FixedRow<Outer>, kGroup> sums;
    for (auto& sum : sums) sum.setZero();
    for (Eigen::Index r = begin; r < end; ++r) {
      const float* a_row = a + r * Inner + k0;
      const Eigen::Map<const FixedRow<Outer>> c_row(c + r * Outer);
      for (int j = 0; j < kGroup; ++j) sums[j].noalias() += a_row[j] * c_row;
    }
    for (int j = 0; j < kGroup; ++j) {
      Eigen::Map<FixedRow<Outer>>(partial + (k0 + j) * Outer) = sums[j];
    }
  }
}

// out.topRows(rows) = a.topRows(rows) · b over fixed blocks (threads when worth it), with the
// fixed-width kernel when the widths allow. b: a matrix or a transposed one (an Eigen expression,
// so no temporary is allocated).
template <class B>
void block_rows_times(const Matrix& a, const B& b, Eigen::Index rows, Matrix& out) {
  const Eigen::Index blocks = block_count(rows);
  const bool parallel = parallel_blocks(blocks, rows, b.rows(), b.cols());
  const bool fixed = with_fixed_widths(b.rows(), b.cols(), [&]<int Inner, int Outer>() {
    const FixedMatrix<Inner, Outer> fixed_b = b;
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
    for (Eigen::Index block = 0; block < blocks; ++block) {
      const Eigen::Index begin = block * kBlockRows;
      rows_times_fixed<Inner, Outer>(a.data(), fixed_b, out.data(), begin,
                                     std::min(rows, begin + kBlockRows));
    }
  });
  if (fixed) return;
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
  for (Eigen::Index block = 0; block < blocks; ++block) {
    const Eigen::Index begin = block * kBlockRows;
    const Eigen::Index count = std::min(kBlockRows, rows - begin);
    out.middleRows(begin, count).noalias() = a.middleRows(begin, count) * b;
  }
}

// partial = Σ over rows [begin, end) of a rowᵀ · c row, [inner, outer] row-major, for operands
// holding integers (core/fixed_point.hpp: exact products). Each chunk of kExactChunk rows is
// summed in double, exactly (every partial sum is an integer under 2^53), and added to partial as
// an integer: the result does not depend on where the block or its chunks begin. With fixed
// widths the double accumulators of a group of k rows stay in registers over a chunk.
template <int Inner, int Outer>
void transpose_times_exact_fixed(const float* a, const float* c, Eigen::Index begin,
                                 Eigen::Index end, std::int64_t* partial) {
  constexpr int kGroup = std::clamp(128 / Outer, 1, Inner);
  static_assert(Inner % kGroup == 0);
  std::fill(partial, partial + Inner * Outer, std::int64_t{0});
  for (int k0 = 0; k0 < Inner; k0 += kGroup) {
    for (Eigen::Index chunk = begin; chunk < end; chunk += kExactChunk) {
      const Eigen::Index chunk_end = std::min<Eigen::Index>(end, chunk + kExactChunk);
      alignas(64) double sums[kGroup][Outer] = {};
      for (Eigen::Index r = chunk; r < chunk_end; ++r) {
        const float* a_row = a + r * Inner + k0;
        const float* c_row = c + r * Outer;
        alignas(64) double c_wide[Outer];
        for (int j = 0; j < Outer; ++j) c_wide[j] = static_cast<double>(c_row[j]);
        // Exact products and sums: a fused multiply-add gives the very same bits as the two
        // operations it fuses, so it is safe here (-ffp-contract=off keeps it out elsewhere).
        for (int g = 0; g < kGroup; ++g) {
          const double a_rg = static_cast<double>(a_row[g]);
#pragma omp simd
          for (int j = 0; j < Outer; ++j) sums[g][j] = std::fma(a_rg, c_wide[j], sums[g][j]);
        }
      }
      for (int g = 0; g < kGroup; ++g) {
        std::int64_t* out = partial + (k0 + g) * Outer;
        for (int j = 0; j < Outer; ++j) out[j] += static_cast<std::int64_t>(sums[g][j]);
      }
    }
  }
}

void transpose_times_exact_block(const Matrix& a, const Matrix& c, Eigen::Index begin,
                                 Eigen::Index end, std::int64_t* partial) {
  const bool fixed = with_fixed_widths(a.cols(), c.cols(), [&]<int Inner, int Outer>() {
    transpose_times_exact_fixed<Inner, Outer>(a.data(), c.data(), begin, end, partial);
  });
  if (fixed) return;
  const Eigen::Index inner = a.cols();
  const Eigen::Index outer = c.cols();
  std::fill(partial, partial + inner * outer, std::int64_t{0});
  Eigen::MatrixXd sums(inner, outer);
  for (Eigen::Index chunk = begin; chunk < end; chunk += kExactChunk) {
    const Eigen::Index count = std::min<Eigen::Index>(end, chunk + kExactChunk) - chunk;
    sums.noalias() = a.middleRows(chunk, count).cast<double>().transpose() *
                     c.middleRows(chunk, count).cast<double>();
    for (Eigen::Index k = 0; k < inner; ++k) {
      for (Eigen::Index j = 0; j < outer; ++j) {
        partial[k * outer + j] += static_cast<std::int64_t>(sums(k, j));
      }
    }
  }
}

}  // namespace

void transpose_times_exact(const Matrix& a, const Matrix& c, Eigen::Index rows, std::int64_t* out) {
  check_rows(a, rows, "A");
  check_rows(c, rows, "C");
  const Eigen::Index blocks = block_count(rows);
  const Eigen::Index size = a.cols() * c.cols();
  // One slot per block, each filled by whichever thread takes the block; integer sums, so the
  // order they are added in does not matter.
  thread_local std::vector<std::int64_t> partials;
  partials.resize(static_cast<std::size_t>(std::max<Eigen::Index>(blocks, 1) * size));
  std::int64_t* const slots = partials.data();
  const bool parallel = parallel_blocks(blocks, rows, a.cols(), c.cols());
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
  for (Eigen::Index block = 0; block < blocks; ++block) {
    const Eigen::Index begin = block * kBlockRows;
    transpose_times_exact_block(a, c, begin, std::min(rows, begin + kBlockRows),
                                slots + block * size);
  }
  std::fill(out, out + size, std::int64_t{0});
  for (Eigen::Index block = 0; block < blocks; ++block) {
    const std::int64_t* partial = slots + block * size;
    for (Eigen::Index i = 0; i < size; ++i) out[i] += partial[i];
  }
}

void rows_times(const Matrix& a, const Matrix& b, Eigen::Index rows, Matrix& out) {
  check_rows(a, rows, "A");
  check_rows(out, rows, "the output");
  if (a.cols() != b.rows() || out.cols() != b.cols()) {
    throw std::invalid_argument("rows_times: shapes do not match");
  }
  block_rows_times(a, b, rows, out);
}

void rows_times_transposed(const Matrix& a, const Matrix& b, Eigen::Index rows, Matrix& out) {
  check_rows(a, rows, "A");
  if (a.cols() != b.cols()) throw std::invalid_argument("rows_times_transposed: shapes differ");
  out.resize(rows, b.rows());
  // The fixed-width kernel copies bᵀ (a few kilobytes) to the stack and reads it row by row.
  block_rows_times(a, b.transpose(), rows, out);
}

void transpose_times(const Matrix& a, const Matrix& c, Eigen::Index rows, float* out) {
  check_rows(a, rows, "A");
  check_rows(c, rows, "C");
  const Eigen::Index blocks = block_count(rows);
  const Eigen::Index size = a.cols() * c.cols();
  // One slot per block, summed below in block order whatever thread filled it. The buffer is
  // the calling thread's and only grows (no allocation once sized); the parallel region reaches
  // it through a plain pointer, since other threads' `partials` would be their own.
  // 64-byte aligned like every Eigen matrix (see detail::thread_scratch).
  thread_local std::vector<float, Eigen::aligned_allocator<float>> partials;
  partials.resize(static_cast<std::size_t>(std::max<Eigen::Index>(blocks, 1) * size));
  float* const slots = partials.data();
  const bool parallel = parallel_blocks(blocks, rows, a.cols(), c.cols());
  const bool fixed = with_fixed_widths(a.cols(), c.cols(), [&]<int Inner, int Outer>() {
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
    for (Eigen::Index block = 0; block < blocks; ++block) {
      const Eigen::Index begin = block * kBlockRows;
      transpose_times_fixed<Inner, Outer>(a.data(), c.data(), begin,
                                          std::min(rows, begin + kBlockRows), slots + block * size);
    }
  });
  if (!fixed) {
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
    for (Eigen::Index block = 0; block < blocks; ++block) {
      const Eigen::Index begin = block * kBlockRows;
      const Eigen::Index count = std::min(kBlockRows, rows - begin);
      MatrixMap(slots + block * size, a.cols(), c.cols()).noalias() =
          a.middleRows(begin, count).transpose() * c.middleRows(begin, count);
    }
  }
  // Block by block, each partial read in order (a column-wise walk took one cache miss per
  // entry: 2.5 ms of serial time on a million rows); every entry still adds its blocks in order.
  thread_local std::vector<double> sums;
  sums.assign(static_cast<std::size_t>(size), 0.0);
  for (Eigen::Index block = 0; block < blocks; ++block) {
    const float* partial = slots + block * size;
    for (Eigen::Index i = 0; i < size; ++i) sums[static_cast<std::size_t>(i)] += partial[i];
  }
  for (Eigen::Index i = 0; i < size; ++i)
    out[i] = static_cast<float>(sums[static_cast<std::size_t>(i)]);
}

}  // namespace distgae
