#include "model/dense_products.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace distgae {
namespace {

// Rows per block: large enough that a block's product runs at Eigen's single-thread speed,
// small enough that two threads share the work of graphs of a few thousand nodes.
constexpr Eigen::Index kBlockRows = 2048;

Eigen::Index block_count(Eigen::Index rows) {
  return (rows + kBlockRows - 1) / kBlockRows;
}

void check_rows(const Matrix& m, Eigen::Index rows, const char* what) {
  if (rows < 0 || m.rows() < rows) {
    throw std::invalid_argument(std::string("dense products: ") + what + " has fewer rows than " +
                                std::to_string(rows));
  }
}

}  // namespace

void rows_times(const Matrix& a, const Matrix& b, Eigen::Index rows, Matrix& out) {
  check_rows(a, rows, "A");
  check_rows(out, rows, "the output");
  if (a.cols() != b.rows() || out.cols() != b.cols()) {
    throw std::invalid_argument("rows_times: shapes do not match");
  }
  const Eigen::Index blocks = block_count(rows);
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1)
  for (Eigen::Index block = 0; block < blocks; ++block) {
    const Eigen::Index begin = block * kBlockRows;
    const Eigen::Index count = std::min(kBlockRows, rows - begin);
    out.middleRows(begin, count).noalias() = a.middleRows(begin, count) * b;
  }
}

void rows_times_transposed(const Matrix& a, const Matrix& b, Eigen::Index rows, Matrix& out) {
  check_rows(a, rows, "A");
  if (a.cols() != b.cols()) throw std::invalid_argument("rows_times_transposed: shapes differ");
  out.resize(rows, b.rows());
  const Eigen::Index blocks = block_count(rows);
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1)
  for (Eigen::Index block = 0; block < blocks; ++block) {
    const Eigen::Index begin = block * kBlockRows;
    const Eigen::Index count = std::min(kBlockRows, rows - begin);
    out.middleRows(begin, count).noalias() = a.middleRows(begin, count) * b.transpose();
  }
}

void transpose_times(const Matrix& a, const Matrix& c, Eigen::Index rows, float* out) {
  check_rows(a, rows, "A");
  check_rows(c, rows, "C");
  const Eigen::Index blocks = block_count(rows);
  const Eigen::Index size = a.cols() * c.cols();
  // One slot per block, summed below in block order whatever thread filled it. The buffer is
  // the calling thread's and only grows (no allocation once sized); the parallel region reaches
  // it through a plain pointer, since other threads' `partials` would be their own.
  thread_local std::vector<float> partials;
  partials.resize(static_cast<std::size_t>(std::max<Eigen::Index>(blocks, 1) * size));
  float* const slots = partials.data();
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1)
  for (Eigen::Index block = 0; block < blocks; ++block) {
    const Eigen::Index begin = block * kBlockRows;
    const Eigen::Index count = std::min(kBlockRows, rows - begin);
    MatrixMap(slots + block * size, a.cols(), c.cols()).noalias() =
        a.middleRows(begin, count).transpose() * c.middleRows(begin, count);
  }
  for (Eigen::Index i = 0; i < size; ++i) {
    double sum = 0.0;
    for (Eigen::Index block = 0; block < blocks; ++block) {
      sum += slots[block * size + i];
    }
    out[i] = static_cast<float>(sum);
  }
}

}  // namespace distgae
