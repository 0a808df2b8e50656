#include "model/dense_products.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <vector>

#include "gradient_check.hpp"

namespace distgae {
namespace {

struct Products {
  Matrix rows, rows_t;
  std::vector<float> gram;
};

// n spans several fixed blocks and ends inside one.
Products products(int threads) {
  const int previous = omp_get_max_threads();
  omp_set_num_threads(threads);
  const Matrix a = testing::random_matrix(5000, 32, 1);
  const Matrix b = testing::random_matrix(32, 16, 2);
  const Matrix c = testing::random_matrix(5000, 16, 3);
  Products p;
  p.rows.setZero(5003, 16);  // a taller output: only the top rows are written
  rows_times(a, b, 4999, p.rows);
  rows_times_transposed(c, b, 4999, p.rows_t);
  p.gram.resize(32 * 16);
  transpose_times(a, c, 4999, p.gram.data());
  omp_set_num_threads(previous);
  return p;
}

TEST(DenseProducts, MatchEigensProducts) {
  const Matrix a = testing::random_matrix(5000, 32, 1);
  const Matrix b = testing::random_matrix(32, 16, 2);
  const Matrix c = testing::random_matrix(5000, 16, 3);
  const Products p = products(2);
  EXPECT_TRUE(p.rows.topRows(4999).isApprox(a.topRows(4999) * b, 1e-5f));
  EXPECT_TRUE(p.rows.bottomRows(4).isZero());
  EXPECT_TRUE(p.rows_t.isApprox(c.topRows(4999) * b.transpose(), 1e-5f));
  const Matrix gram = a.topRows(4999).transpose() * c.topRows(4999);
  EXPECT_TRUE(ConstMatrixMap(p.gram.data(), 32, 16).isApprox(gram, 1e-4f));
}

TEST(DenseProducts, HaveTheSameBitsForEveryThreadCount) {
  const Products one = products(1);
  for (const int threads : {2, 3}) {
    const Products many = products(threads);
    EXPECT_TRUE(many.rows == one.rows);
    EXPECT_TRUE(many.rows_t == one.rows_t);
    EXPECT_EQ(many.gram, one.gram);
  }
}

TEST(DenseProducts, RejectShapesThatDoNotMatch) {
  const Matrix a = testing::random_matrix(10, 4, 1);
  Matrix out(10, 3);
  EXPECT_THROW(rows_times(a, testing::random_matrix(5, 3, 2), 10, out), std::invalid_argument);
  EXPECT_THROW(rows_times(a, testing::random_matrix(4, 3, 2), 11, out), std::invalid_argument);
}

}  // namespace
}  // namespace distgae
