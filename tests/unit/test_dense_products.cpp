#include "model/dense_products.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/fixed_point.hpp"
#include "gradient_check.hpp"
#include "parallel_paths.hpp"

namespace distgae {
namespace {

struct Products {
  Matrix rows, rows_t;
  std::vector<float> gram;
};

// n spans several fixed blocks and ends inside one. inner × outer 32 × 16 and 16 × 64 take the
// fixed-width kernels, 24 × 20 Eigen's general product.
constexpr int kRows = 5000;

Products products(int threads, int inner = 32, int outer = 16) {
  const testing::ParallelPathsForAnySize parallel;
  const int previous = omp_get_max_threads();
  omp_set_num_threads(threads);
  const Matrix a = testing::random_matrix(kRows, inner, 1);
  const Matrix b = testing::random_matrix(inner, outer, 2);
  const Matrix c = testing::random_matrix(kRows, outer, 3);
  Products p;
  p.rows.setZero(kRows + 3, outer);  // a taller output: only the top rows are written
  rows_times(a, b, kRows - 1, p.rows);
  rows_times_transposed(c, b, kRows - 1, p.rows_t);
  p.gram.resize(static_cast<std::size_t>(inner * outer));
  transpose_times(a, c, kRows - 1, p.gram.data());
  omp_set_num_threads(previous);
  return p;
}

TEST(DenseProducts, MatchEigensProducts) {
  for (const auto& [inner, outer] : {std::pair{32, 16}, std::pair{16, 64}, std::pair{24, 20}}) {
    SCOPED_TRACE(std::to_string(inner) + " x " + std::to_string(outer));
    const Matrix a = testing::random_matrix(kRows, inner, 1);
    const Matrix b = testing::random_matrix(inner, outer, 2);
    const Matrix c = testing::random_matrix(kRows, outer, 3);
    const Products p = products(2, inner, outer);
    EXPECT_TRUE(p.rows.topRows(kRows - 1).isApprox(a.topRows(kRows - 1) * b, 1e-5f));
    EXPECT_TRUE(p.rows.bottomRows(4).isZero());
    EXPECT_TRUE(p.rows_t.isApprox(c.topRows(kRows - 1) * b.transpose(), 1e-5f));
    const Matrix gram = a.topRows(kRows - 1).transpose() * c.topRows(kRows - 1);
    EXPECT_TRUE(ConstMatrixMap(p.gram.data(), inner, outer).isApprox(gram, 1e-4f));
  }
}

TEST(DenseProducts, HaveTheSameBitsForEveryThreadCount) {
  for (const auto& [inner, outer] : {std::pair{32, 16}, std::pair{24, 20}}) {
    const Products one = products(1, inner, outer);
    for (const int threads : {2, 3}) {
      const Products many = products(threads, inner, outer);
      EXPECT_TRUE(many.rows == one.rows);
      EXPECT_TRUE(many.rows_t == one.rows_t);
      EXPECT_EQ(many.gram, one.gram);
    }
  }
}

TEST(DenseProducts, RejectShapesThatDoNotMatch) {
  const Matrix a = testing::random_matrix(10, 4, 1);
  Matrix out(10, 3);
  EXPECT_THROW(rows_times(a, testing::random_matrix(5, 3, 2), 10, out), std::invalid_argument);
  EXPECT_THROW(rows_times(a, testing::random_matrix(4, 3, 2), 11, out), std::invalid_argument);
}

// Operands on integer grids (what --exact-sums rounds H and dT to): 22 and 23 bits.
Matrix integer_matrix(Eigen::Index rows, Eigen::Index cols, int seed, int bits) {
  Matrix m = testing::random_matrix(rows, cols, seed);  // in [-1, 1]
  round_to_grid({m.data(), static_cast<std::size_t>(m.size())}, bits - 1);
  return m;
}

// The exact Aᵀ·C: every entry is the integer sum, computed here in int64, whatever the widths
// (fixed-width kernels and the general one), the thread count and where the rows are cut in two.
TEST(DenseProducts, TransposeTimesExactIsTheIntegerSumForAnySplitAndThreads) {
  const testing::ParallelPathsForAnySize parallel;
  const int previous = omp_get_max_threads();
  for (const auto& [inner, outer] : {std::pair{32, 16}, std::pair{64, 32}, std::pair{24, 20}}) {
    SCOPED_TRACE(std::to_string(inner) + " x " + std::to_string(outer));
    const Eigen::Index rows = 5000;
    Matrix a = integer_matrix(rows, inner, 1, 22).cwiseMax(0.0f);  // ReLU'd, as H is
    const Matrix c = integer_matrix(rows, outer, 2, 23);
    const auto size = static_cast<std::size_t>(inner * outer);
    std::vector<std::int64_t> expected(size, 0);
    for (Eigen::Index r = 0; r < rows; ++r) {
      for (Eigen::Index k = 0; k < inner; ++k) {
        for (Eigen::Index j = 0; j < outer; ++j) {
          expected[static_cast<std::size_t>(k * outer + j)] +=
              static_cast<std::int64_t>(a(r, k)) * static_cast<std::int64_t>(c(r, j));
        }
      }
    }
    for (const int threads : {1, 3}) {
      omp_set_num_threads(threads);
      std::vector<std::int64_t> whole(size), head(size), tail(size);
      transpose_times_exact(a, c, rows, whole.data());
      const Eigen::Index cut = 1237;
      transpose_times_exact(a, c, cut, head.data());
      const Matrix a_tail = a.bottomRows(rows - cut);
      const Matrix c_tail = c.bottomRows(rows - cut);
      transpose_times_exact(a_tail, c_tail, rows - cut, tail.data());
      EXPECT_EQ(whole, expected);
      for (std::size_t i = 0; i < size; ++i) EXPECT_EQ(head[i] + tail[i], whole[i]) << i;
    }
  }
  omp_set_num_threads(previous);
}

}  // namespace
}  // namespace distgae
