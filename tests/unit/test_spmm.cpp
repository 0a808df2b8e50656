#include "model/spmm.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/fixed_point.hpp"
#include "gradient_check.hpp"
#include "parallel_paths.hpp"

namespace distgae {
namespace {

// A random [rows, cols] CSR with about `density` of its entries stored, sorted columns; values
// uniform in [-1, 1), or none (a pattern) when weighted is false. Some rows come out empty.
Csr<std::int32_t, float> random_csr(std::int64_t rows, std::int64_t cols, double density,
                                    bool weighted, std::uint32_t seed) {
  std::mt19937 engine(seed);
  std::bernoulli_distribution keep(density);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  Csr<std::int32_t, float> a;
  a.n_cols = cols;
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      if (!keep(engine)) continue;
      a.col_index.push_back(static_cast<std::int32_t>(c));
      if (weighted) a.values.push_back(value(engine));
    }
    a.row_start.push_back(a.nnz());
  }
  return a;
}

// A [rows, cols] CSR with `per_row` distinct random columns in every row (sorted), for shapes too
// large for random_csr's per-entry draws: a dense operand past the kernels' prefetch threshold.
Csr<std::int32_t, float> random_rows_csr(std::int64_t rows, std::int64_t cols, int per_row,
                                         bool weighted, std::uint32_t seed) {
  std::mt19937 engine(seed);
  std::uniform_int_distribution<std::int32_t> column(0, static_cast<std::int32_t>(cols - 1));
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  Csr<std::int32_t, float> a;
  a.n_cols = cols;
  std::vector<std::int32_t> row;
  for (std::int64_t r = 0; r < rows; ++r) {
    row.clear();
    for (int k = 0; k < per_row; ++k) row.push_back(column(engine));
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    for (const std::int32_t c : row) {
      a.col_index.push_back(c);
      if (weighted) a.values.push_back(value(engine));
    }
    a.row_start.push_back(a.nnz());
  }
  return a;
}

Eigen::MatrixXd to_dense(const Csr<std::int32_t, float>& a) {
  Eigen::MatrixXd dense = Eigen::MatrixXd::Zero(a.n_rows(), a.n_cols);
  for (std::int64_t r = 0; r < a.n_rows(); ++r) {
    for (std::int64_t k = a.row_start[r]; k < a.row_start[r + 1]; ++k) {
      dense(r, a.col_index[k]) += a.has_values() ? a.values[k] : 1.0f;
    }
  }
  return dense;
}

void expect_close(const Matrix& actual, const Eigen::MatrixXd& expected) {
  ASSERT_EQ(actual.rows(), expected.rows());
  ASSERT_EQ(actual.cols(), expected.cols());
  const double error = (actual.cast<double>() - expected).norm();
  EXPECT_LE(error, 1e-5 * std::max(1.0, expected.norm()));
}

// Runs body with the given OpenMP thread count, restoring the previous one.
template <class Body>
void with_threads(int threads, Body&& body) {
  const testing::ParallelPathsForAnySize parallel;
  const int previous = omp_get_max_threads();
  omp_set_num_threads(threads);
  body();
  omp_set_num_threads(previous);
}

TEST(Spmm, RowsMatchDenseProductForEveryWidth) {
  for (const bool weighted : {true, false}) {
    for (const int width : {1, 7, 16, 32, 64}) {
      const auto a = random_csr(700, 500, 0.02, weighted, 11 + width);
      const Matrix x = testing::random_matrix(500, width, 3);
      Matrix y(700, width);
      spmm_rows(a, x, y, 0, 700);
      expect_close(y, to_dense(a) * x.cast<double>());
    }
  }
}

TEST(Spmm, RowRangeLeavesOtherRowsUntouched) {
  const auto a = random_csr(300, 300, 0.05, true, 5);
  const Matrix x = testing::random_matrix(320, 32, 6);  // extra rows past n_cols are not read
  Matrix y = Matrix::Constant(310, 32, 42.0f);
  spmm_rows(a, x, y, 100, 200);
  const Eigen::MatrixXd expected = to_dense(a) * x.topRows(300).cast<double>();
  expect_close(y.middleRows(100, 100), expected.middleRows(100, 100));
  EXPECT_TRUE((y.topRows(100).array() == 42.0f).all());
  EXPECT_TRUE((y.bottomRows(110).array() == 42.0f).all());
}

TEST(Spmm, SparseTimesDenseMatchesDense) {
  const auto x = random_csr(400, 900, 0.01, false, 8);  // binary bag-of-words, as Cora's
  const Matrix w = testing::random_matrix(900, 32, 9);
  Matrix y;
  sparse_times_dense(x, w, y);
  expect_close(y, to_dense(x) * w.cast<double>());
}

TEST(Spmm, TransposeIsExactAndSorted) {
  for (const bool weighted : {true, false}) {
    const auto a = random_csr(200, 150, 0.05, weighted, 10);
    const auto t = transpose(a);
    EXPECT_EQ(t.n_rows(), 150);
    EXPECT_EQ(t.n_cols, 200);
    EXPECT_EQ(t.has_values(), weighted);
    EXPECT_EQ(to_dense(t), to_dense(a).transpose());
    for (std::int64_t r = 0; r < t.n_rows(); ++r) {
      for (std::int64_t k = t.row_start[r] + 1; k < t.row_start[r + 1]; ++k) {
        EXPECT_LT(t.col_index[k - 1], t.col_index[k]);
      }
    }
  }
}

TEST(Spmm, SparseTransposeTimesDenseMatchesDense) {
  for (const bool weighted : {true, false}) {
    const auto x = random_csr(600, 300, 0.02, weighted, 12);
    const Matrix dy = testing::random_matrix(600, 16, 13);
    Matrix dw = Matrix::Constant(3, 3, 1.0f);  // resized and overwritten
    sparse_transpose_times_dense(x, dy, dw);
    expect_close(dw, to_dense(x).transpose() * dy.cast<double>());
  }
}

TEST(Spmm, ResultsHaveTheSameBitsForEveryThreadCount) {
  const auto a = random_csr(3000, 3000, 0.003, true, 14);
  const Matrix x = testing::random_matrix(3000, 32, 15);
  Matrix reference;
  Matrix reference_t;
  with_threads(1, [&] {
    sparse_times_dense(a, x, reference);
    sparse_transpose_times_dense(a, x, reference_t);
  });
  for (const int threads : {2, 3, 4}) {
    Matrix y;
    Matrix yt;
    with_threads(threads, [&] {
      sparse_times_dense(a, x, y);
      sparse_transpose_times_dense(a, x, yt);
    });
    EXPECT_TRUE(y == reference) << threads << " threads";
    EXPECT_TRUE(yt == reference_t) << threads << " threads";
  }
}

// Every kernel path — fixed widths 16/32/64 and the any-width one, weighted and pattern, with and
// without prefetching (x past 4 MiB at widths 16 and up) — gives the same bits on 1, 2 and 3
// threads. RowsMatchDenseProductForEveryWidth checks the values.
TEST(Spmm, EveryWidthPathHasTheSameBitsForEveryThreadCount) {
  for (const bool weighted : {true, false}) {
    for (const int width : {7, 16, 32, 48, 64}) {
      for (const std::int64_t x_rows : {std::int64_t{3000}, std::int64_t{70000}}) {
        const auto a = random_rows_csr(4000, x_rows, 12, weighted, 21 + width);
        const Matrix x = testing::random_matrix(x_rows, width, 22);
        Matrix reference(4000, width);
        with_threads(1, [&] { spmm_rows(a, x, reference, 0, 4000); });
        for (const int threads : {2, 3}) {
          Matrix y = Matrix::Zero(4000, width);
          with_threads(threads, [&] {
            spmm_rows(a, x, y, 0, 1500);  // the interior / boundary split of GcnAggregation
            spmm_rows(a, x, y, 1500, 4000);
          });
          EXPECT_TRUE(y == reference) << "width " << width << ", weighted " << weighted << ", "
                                      << x_rows << " rows of x, " << threads << " threads";
        }
      }
    }
  }
}

// Xᵀ of a feature matrix: few rows, each with many nonzeros, so the work is split over rows that
// are each long.
TEST(Spmm, FewLongRowsHaveTheSameBitsForEveryThreadCount) {
  const auto x = random_rows_csr(20000, 24, 6, true, 23);
  const auto xt = transpose(x);
  const Matrix dy = testing::random_matrix(20000, 32, 24);
  Matrix reference(24, 32);
  with_threads(1, [&] { spmm_rows(xt, dy, reference, 0, 24); });
  expect_close(reference, to_dense(xt) * dy.cast<double>());
  for (const int threads : {2, 4}) {
    Matrix dw(24, 32);
    with_threads(threads, [&] { spmm_rows(xt, dy, dw, 0, 24); });
    EXPECT_TRUE(dw == reference) << threads << " threads";
  }
}

// Unit values are dropped (the pattern path), with the same bits as multiplying by them; any
// other value keeps them all.
TEST(Spmm, DropUnitValuesKeepsTheProductsBits) {
  auto ones = random_rows_csr(300, 200, 8, false, 31);
  ones.values.assign(static_cast<std::size_t>(ones.nnz()), 1.0f);
  const Matrix x = testing::random_matrix(200, 32, 32);
  Matrix with_values(300, 32);
  spmm_rows(ones, x, with_values, 0, 300);
  ASSERT_TRUE(drop_unit_values(ones));
  EXPECT_FALSE(ones.has_values());
  Matrix pattern(300, 32);
  spmm_rows(ones, x, pattern, 0, 300);
  EXPECT_TRUE(pattern == with_values);
  EXPECT_FALSE(drop_unit_values(ones));  // nothing left to drop

  auto mixed = random_rows_csr(300, 200, 8, false, 33);
  mixed.values.assign(static_cast<std::size_t>(mixed.nnz()), 1.0f);
  mixed.values[17] = 2.0f;
  EXPECT_FALSE(drop_unit_values(mixed));
  EXPECT_EQ(mixed.values.size(), static_cast<std::size_t>(mixed.nnz()));
}

TEST(Spmm, RejectsMismatchedShapes) {
  const auto a = random_csr(10, 20, 0.3, true, 16);
  Matrix y(10, 4);
  EXPECT_THROW(spmm_rows(a, Matrix(19, 4), y, 0, 10), std::invalid_argument);
  EXPECT_THROW(spmm_rows(a, Matrix(20, 5), y, 0, 10), std::invalid_argument);
  EXPECT_THROW(spmm_rows(a, Matrix(20, 4), y, 5, 11), std::invalid_argument);
  EXPECT_THROW(sparse_times_dense(a, Matrix(19, 4), y), std::invalid_argument);
  EXPECT_THROW(sparse_transpose_times_dense(a, Matrix(9, 4), y), std::invalid_argument);
}

// Xᵀ·dT exactly, on integer grids (what --exact-sums rounds features and dT to): the integer
// sums computed here in int64, and parts holding disjoint node rows add up to the whole (a node's
// features and gradient row live on its part only). Widths 8 (the general kernel) and 32.
TEST(Spmm, ExactProductsOfDisjointRowSetsAddUpToTheWhole) {
  for (const bool weighted : {true, false}) {
    for (const int width : {8, 32}) {
      SCOPED_TRACE(std::string(weighted ? "weighted" : "pattern") + ", width " +
                   std::to_string(width));
      const std::int64_t nodes = 3000;
      Csr<std::int32_t, float> x = random_csr(nodes, 40, 0.1, weighted, 7);
      round_to_grid(x.values, 20);
      Matrix dt = testing::random_matrix(nodes, width, 8);
      round_to_grid({dt.data(), static_cast<std::size_t>(dt.size())}, 22);
      const auto size = static_cast<std::size_t>(40 * width);
      std::vector<std::int64_t> expected(size, 0);
      for (std::int64_t r = 0; r < nodes; ++r) {
        for (std::int64_t k = x.row_start[r]; k < x.row_start[r + 1]; ++k) {
          const auto value = weighted ? static_cast<std::int64_t>(x.values[k]) : 1;
          for (int j = 0; j < width; ++j) {
            expected[static_cast<std::size_t>(x.col_index[k] * width + j)] +=
                value * static_cast<std::int64_t>(dt(r, j));
          }
        }
      }
      std::vector<std::int64_t> whole(size);
      spmm_exact(transpose(x), dt, whole.data());
      EXPECT_EQ(whole, expected);
      // The same nodes in two parts: X's rows split at a cut, each part's Xᵀ over its own rows.
      std::vector<std::int64_t> summed(size, 0);
      for (const auto& [begin, end] : {std::pair<std::int64_t, std::int64_t>{0, 1111},
                                       std::pair<std::int64_t, std::int64_t>{1111, nodes}}) {
        Csr<std::int32_t, float> part;
        part.n_cols = x.n_cols;
        for (std::int64_t r = begin; r < end; ++r) {
          for (std::int64_t k = x.row_start[r]; k < x.row_start[r + 1]; ++k) {
            part.col_index.push_back(x.col_index[k]);
            if (weighted) part.values.push_back(x.values[k]);
          }
          part.row_start.push_back(part.nnz());
        }
        const Matrix part_dt = dt.middleRows(begin, end - begin);
        std::vector<std::int64_t> units(size);
        spmm_exact(transpose(part), part_dt, units.data());
        for (std::size_t i = 0; i < size; ++i) summed[i] += units[i];
      }
      EXPECT_EQ(summed, whole);
    }
  }
}

}  // namespace
}  // namespace distgae
