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
  // The exact form (the one training uses), read back as numbers.
  const FixedPointScale scale(a.cwiseAbs().maxCoeff() * double{c.cwiseAbs().maxCoeff()}, kRows);
  std::vector<std::int64_t> units(static_cast<std::size_t>(inner * outer));
  transpose_times_units(a, c, kRows - 1, scale, units.data());
  p.gram.resize(units.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    p.gram[i] = static_cast<float>(scale.value(units[i]));
  }
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

// The fixed-point Aᵀ·C: close to the double product, and the units of any split of the rows add
// up to the units of all of them, bit for bit (what makes dW the same for any partition).
TEST(DenseProducts, TransposeTimesUnitsIsSplitIndependentAndClose) {
  const Eigen::Index rows = 5000;
  Matrix a = testing::random_matrix(rows, 32, 1);
  a = a.cwiseMax(0.0f);  // ReLU'd, as H is: zeros are skipped
  const Matrix c = testing::random_matrix(rows, 16, 2);
  const FixedPointScale scale(a.cwiseAbs().maxCoeff() * double{c.cwiseAbs().maxCoeff()},
                              static_cast<double>(rows));
  std::vector<std::int64_t> whole(32 * 16), head(32 * 16), tail(32 * 16);
  transpose_times_units(a, c, rows, scale, whole.data());
  const Eigen::Index cut = 1237;
  transpose_times_units(a, c, cut, scale, head.data());
  const Matrix a_tail = a.bottomRows(rows - cut);
  const Matrix c_tail = c.bottomRows(rows - cut);
  transpose_times_units(a_tail, c_tail, rows - cut, scale, tail.data());
  const Eigen::MatrixXd expected = a.cast<double>().transpose() * c.cast<double>();
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(head[i] + tail[i], whole[i]) << "entry " << i;
    EXPECT_NEAR(scale.value(whole[i]),
                expected(static_cast<Eigen::Index>(i / 16), static_cast<Eigen::Index>(i % 16)),
                1e-9)
        << "entry " << i;
  }
}

}  // namespace
}  // namespace distgae
