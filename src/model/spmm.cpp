#include "model/spmm.hpp"

#include <omp.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/parallel_work.hpp"

namespace distgae {
namespace {

// Gathered rows of x are prefetched this many bytes of rows ahead (the row of nonzero k + distance
// while nonzero k is summed, distance = kPrefetchBytes / row bytes: 128, 64, 32 nonzeros at widths
// 16, 32, 64). On a graph whose columns are scattered over a dense operand larger than the caches,
// nearly every gathered row misses, and out-of-order execution alone keeps too few misses in
// flight. Measured on a 1M-node, 20M-edge community graph at width 32, one thread: none 1000 ms,
// 16 nonzeros ahead 480 ms, 64 ahead 300 ms, 128 no better; at width 64, 32 ahead beat 64 and 128.
constexpr std::int64_t kPrefetchBytes = 8192;

std::int64_t prefetch_distance(std::int64_t row_bytes) {
  return std::clamp<std::int64_t>(kPrefetchBytes / std::max<std::int64_t>(row_bytes, 1), 16, 256);
}

// Dense operands up to this size stay in L2 or L3 (layer 1's weights, small graphs): prefetching
// them only costs instructions.
constexpr std::int64_t kPrefetchMinBytes = std::int64_t{4} << 20;

constexpr std::int64_t kCacheLine = 64;

// Every cache line of a row of `bytes` bytes; the last line separately since an operand
// allocated 16-byte aligned makes a row straddle one line more than its size needs.
inline void prefetch_row(const float* row, std::int64_t bytes) {
  const char* first = reinterpret_cast<const char*>(row);
  for (std::int64_t offset = 0; offset < bytes; offset += kCacheLine) {
    __builtin_prefetch(first + offset);
  }
  __builtin_prefetch(first + bytes - 1);
}

// Rows per dynamically scheduled chunk: 64 for graphs, fewer when there are few (long) rows.
std::int64_t chunk_rows(std::int64_t rows) {
  const std::int64_t threads = omp_get_max_threads();
  return std::clamp<std::int64_t>(rows / (16 * threads), 1, 64);
}

// Work, not rows: Xᵀ of a feature matrix has few rows, each with a large share of the nodes.
bool worth_parallel(const Csr<LocalId, float>& a, std::int64_t width, std::int64_t row_begin,
                    std::int64_t row_end) {
  return worth_parallel_work((a.row_start[row_end] - a.row_start[row_begin]) * width);
}

bool worth_prefetch(const Matrix& x) {
  return static_cast<std::int64_t>(x.size() * sizeof(float)) > kPrefetchMinBytes;
}

// Fixed widths keep the row sum in registers and let the compiler unroll the width loop. Each
// output row is summed in the CSR's column order, one nonzero after another into one accumulator,
// so the bits do not depend on the thread count. A pattern matrix adds x's rows unscaled, the
// same bits as multiplying them by 1.
template <int Width, bool Weighted, bool Prefetch>
void spmm_fixed_width(const Csr<LocalId, float>& a, const Matrix& x, Matrix& y,
                      std::int64_t row_begin, std::int64_t row_end) {
  using Row = Eigen::Matrix<float, 1, Width>;
  const std::int64_t* row_start = a.row_start.data();
  const LocalId* col = a.col_index.data();
  const float* values = a.values.data();
  const float* x_data = x.data();
  float* y_data = y.data();
  // The prefetch reads col[k + distance], which must lie inside the range's nonzeros.
  constexpr std::int64_t distance = kPrefetchBytes / (Width * sizeof(float));
  const std::int64_t prefetch_end = row_start[row_end] - distance;
  const std::int64_t chunk = chunk_rows(row_end - row_begin);
  const bool parallel = worth_parallel(a, Width, row_begin, row_end);
#pragma omp parallel for schedule(dynamic, chunk) if (parallel)
  for (std::int64_t r = row_begin; r < row_end; ++r) {
    Row sum = Row::Zero();
    const std::int64_t end = row_start[r + 1];
    for (std::int64_t k = row_start[r]; k < end; ++k) {
      if constexpr (Prefetch) {
        if (k < prefetch_end) {
          prefetch_row(x_data + std::int64_t{col[k + distance]} * Width, Width * sizeof(float));
        }
      }
      const Eigen::Map<const Row> x_row(x_data + std::int64_t{col[k]} * Width);
      if constexpr (Weighted) {
        sum.noalias() += values[k] * x_row;
      } else {
        sum += x_row;
      }
    }
    Eigen::Map<Row>(y_data + r * Width) = sum;
  }
}

template <int Width>
void spmm_width(const Csr<LocalId, float>& a, const Matrix& x, Matrix& y, std::int64_t row_begin,
                std::int64_t row_end) {
  const bool weighted = a.has_values();
  if (worth_prefetch(x)) {
    if (weighted) return spmm_fixed_width<Width, true, true>(a, x, y, row_begin, row_end);
    return spmm_fixed_width<Width, false, true>(a, x, y, row_begin, row_end);
  }
  if (weighted) return spmm_fixed_width<Width, true, false>(a, x, y, row_begin, row_end);
  spmm_fixed_width<Width, false, false>(a, x, y, row_begin, row_end);
}

void spmm_any_width(const Csr<LocalId, float>& a, const Matrix& x, Matrix& y,
                    std::int64_t row_begin, std::int64_t row_end) {
  const bool weighted = a.has_values();
  const bool prefetch = worth_prefetch(x);
  const std::int64_t row_bytes = x.cols() * static_cast<std::int64_t>(sizeof(float));
  const std::int64_t distance = prefetch_distance(row_bytes);
  const std::int64_t prefetch_end = a.row_start[row_end] - distance;
  const std::int64_t chunk = chunk_rows(row_end - row_begin);
  const bool parallel = worth_parallel(a, x.cols(), row_begin, row_end);
#pragma omp parallel for schedule(dynamic, chunk) if (parallel)
  for (std::int64_t r = row_begin; r < row_end; ++r) {
    auto out = y.row(r);
    out.setZero();
    for (std::int64_t k = a.row_start[r]; k < a.row_start[r + 1]; ++k) {
      if (prefetch && k < prefetch_end) {
        prefetch_row(x.row(a.col_index[k + distance]).data(), row_bytes);
      }
      const float value = weighted ? a.values[k] : 1.0f;
      out.noalias() += value * x.row(a.col_index[k]);
    }
  }
}

void check_spmm_shapes(const Csr<LocalId, float>& a, const Matrix& x, const Matrix& y,
                       std::int64_t row_begin, std::int64_t row_end) {
  if (row_begin < 0 || row_begin > row_end || row_end > a.n_rows()) {
    throw std::invalid_argument("spmm_rows: row range [" + std::to_string(row_begin) + ", " +
                                std::to_string(row_end) + ") outside the matrix's " +
                                std::to_string(a.n_rows()) + " rows");
  }
  if (x.rows() < a.n_cols || y.rows() < row_end || y.cols() != x.cols()) {
    throw std::invalid_argument("spmm_rows: dense operand shapes do not match the sparse matrix");
  }
}

}  // namespace

void spmm_rows(const Csr<LocalId, float>& a, const Matrix& x, Matrix& y, std::int64_t row_begin,
               std::int64_t row_end) {
  check_spmm_shapes(a, x, y, row_begin, row_end);
  switch (x.cols()) {
    case 16:
      spmm_width<16>(a, x, y, row_begin, row_end);
      break;
    case 32:
      spmm_width<32>(a, x, y, row_begin, row_end);
      break;
    case 64:
      spmm_width<64>(a, x, y, row_begin, row_end);
      break;
    default:
      spmm_any_width(a, x, y, row_begin, row_end);
  }
}

bool drop_unit_values(Csr<std::int32_t, float>& a) {
  if (!a.has_values() ||
      !std::all_of(a.values.begin(), a.values.end(), [](float v) { return v == 1.0f; })) {
    return false;
  }
  a.values = {};
  return true;
}

void sparse_times_dense(const Csr<std::int32_t, float>& x, const Matrix& w, Matrix& y) {
  if (w.rows() != x.n_cols) {
    throw std::invalid_argument("sparse_times_dense: W has " + std::to_string(w.rows()) +
                                " rows but X has " + std::to_string(x.n_cols) + " columns");
  }
  y.resize(x.n_rows(), w.cols());
  spmm_rows(x, w, y, 0, x.n_rows());
}

Csr<std::int32_t, float> transpose(const Csr<std::int32_t, float>& a) {
  if (a.n_rows() > std::numeric_limits<std::int32_t>::max()) {
    throw std::invalid_argument("transpose: too many rows for 32-bit column ids");
  }
  Csr<std::int32_t, float> t;
  t.n_cols = a.n_rows();
  t.row_start.assign(static_cast<std::size_t>(a.n_cols) + 1, 0);
  for (const std::int32_t col : a.col_index) {
    if (col < 0 || col >= a.n_cols) throw std::invalid_argument("transpose: column out of range");
    ++t.row_start[static_cast<std::size_t>(col) + 1];
  }
  for (std::size_t c = 0; c + 1 < t.row_start.size(); ++c) t.row_start[c + 1] += t.row_start[c];
  t.col_index.resize(a.col_index.size());
  if (a.has_values()) t.values.resize(a.values.size());
  // Visiting a's rows in order leaves every row of t sorted by column.
  std::vector<std::int64_t> next(t.row_start.begin(), t.row_start.end() - 1);
  for (std::int64_t r = 0; r < a.n_rows(); ++r) {
    for (std::int64_t k = a.row_start[r]; k < a.row_start[r + 1]; ++k) {
      const std::int64_t slot = next[static_cast<std::size_t>(a.col_index[k])]++;
      t.col_index[slot] = static_cast<std::int32_t>(r);
      if (a.has_values()) t.values[slot] = a.values[k];
    }
  }
  return t;
}

void sparse_transpose_times_dense(const Csr<std::int32_t, float>& x, const Matrix& dy, Matrix& dw) {
  if (dy.rows() != x.n_rows()) {
    throw std::invalid_argument("sparse_transpose_times_dense: dY has " +
                                std::to_string(dy.rows()) + " rows but X has " +
                                std::to_string(x.n_rows()));
  }
  const Csr<std::int32_t, float> xt = transpose(x);
  dw.resize(x.n_cols, dy.cols());
  spmm_rows(xt, dy, dw, 0, xt.n_rows());
}

namespace {

// Row r of a · x exactly (see spmm_exact): chunks of kExactChunk nonzeros summed in double, each
// chunk's integer sum added to `sum` [width].
template <int Width>
void exact_row(const Csr<LocalId, float>& a, const float* x, Eigen::Index width, std::int64_t r,
               std::int64_t* sum) {
  using WideRow = Eigen::Matrix<double, 1, Width>;
  using Row = Eigen::Matrix<float, 1, Width>;
  const bool weighted = a.has_values();
  std::fill(sum, sum + width, std::int64_t{0});
  const std::int64_t row_end = a.row_start[r + 1];
  for (std::int64_t chunk = a.row_start[r]; chunk < row_end; chunk += kExactChunk) {
    const std::int64_t chunk_end = std::min(row_end, chunk + kExactChunk);
    WideRow acc = WideRow::Zero(width);
    for (std::int64_t k = chunk; k < chunk_end; ++k) {
      const Eigen::Map<const Row> x_row(x + std::int64_t{a.col_index[k]} * width, width);
      if (weighted) {
        acc.noalias() += static_cast<double>(a.values[k]) * x_row.template cast<double>();
      } else {
        acc.noalias() += x_row.template cast<double>();
      }
    }
    for (Eigen::Index j = 0; j < width; ++j) sum[j] += static_cast<std::int64_t>(acc[j]);
  }
}

}  // namespace

void spmm_exact(const Csr<LocalId, float>& a, const Matrix& x, std::int64_t* out) {
  if (x.rows() < a.n_cols) {
    throw std::invalid_argument("spmm_exact: the dense operand has fewer rows than a's columns");
  }
  const Eigen::Index width = x.cols();
  const std::int64_t rows = a.n_rows();
  const bool parallel = worth_parallel(a, width, 0, rows);
  with_row_width(width, [&]<int Width>() {
#pragma omp parallel for schedule(dynamic, 16) if (parallel)
    for (std::int64_t r = 0; r < rows; ++r) {
      exact_row<Width>(a, x.data(), width, r, out + r * width);
    }
  });
}

}  // namespace distgae
