#include "model/spmm.hpp"

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace distgae {
namespace {

// Below this many rows a parallel region costs more than it saves.
constexpr std::int64_t kParallelRows = 256;

// Fixed widths keep the row sum in registers and let the compiler unroll the width loop.
template <int Width>
void spmm_fixed_width(const Csr<LocalId, float>& a, const Matrix& x, Matrix& y,
                      std::int64_t row_begin, std::int64_t row_end) {
  using Row = Eigen::Matrix<float, 1, Width>;
  const bool weighted = a.has_values();
  const float* x_data = x.data();
#pragma omp parallel for schedule(dynamic, 64) if (row_end - row_begin > kParallelRows)
  for (std::int64_t r = row_begin; r < row_end; ++r) {
    Row sum = Row::Zero();
    for (std::int64_t k = a.row_start[r]; k < a.row_start[r + 1]; ++k) {
      const float value = weighted ? a.values[k] : 1.0f;
      sum.noalias() += value * Eigen::Map<const Row>(x_data + std::int64_t{a.col_index[k]} * Width);
    }
    y.row(r) = sum;
  }
}

void spmm_any_width(const Csr<LocalId, float>& a, const Matrix& x, Matrix& y,
                    std::int64_t row_begin, std::int64_t row_end) {
  const bool weighted = a.has_values();
#pragma omp parallel for schedule(dynamic, 64) if (row_end - row_begin > kParallelRows)
  for (std::int64_t r = row_begin; r < row_end; ++r) {
    auto out = y.row(r);
    out.setZero();
    for (std::int64_t k = a.row_start[r]; k < a.row_start[r + 1]; ++k) {
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
      spmm_fixed_width<16>(a, x, y, row_begin, row_end);
      break;
    case 32:
      spmm_fixed_width<32>(a, x, y, row_begin, row_end);
      break;
    case 64:
      spmm_fixed_width<64>(a, x, y, row_begin, row_end);
      break;
    default:
      spmm_any_width(a, x, y, row_begin, row_end);
  }
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

}  // namespace distgae
