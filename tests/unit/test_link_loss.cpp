#include "model/link_loss.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "gradient_check.hpp"
#include "parallel_paths.hpp"

namespace distgae {
namespace {

double bce_with_logits(double x, double label) {
  // log(1 + e^-x) for label 1, log(1 + e^x) for label 0, written the naive way (fine here).
  return label * std::log1p(std::exp(-x)) + (1 - label) * std::log1p(std::exp(x));
}

TEST(LinkLoss, PairLossMatchesHandComputation) {
  Matrix z(3, 2);
  z << 1.0f, 2.0f, -0.5f, 0.25f, 3.0f, -1.0f;
  const std::vector<std::int64_t> first = {0, 1, 2};
  const std::vector<std::int64_t> second = {1, 2, 2};
  const double x01 = 1.0 * -0.5 + 2.0 * 0.25;
  const double x12 = -0.5 * 3.0 + 0.25 * -1.0;
  const double x22 = 9.0 + 1.0;
  for (const float label : {1.0f, 0.0f}) {
    Matrix dz = Matrix::Zero(3, 2);
    const double loss = pair_logistic_loss(z, first, second, label, 1.0, dz).value();
    const double expected =
        bce_with_logits(x01, label) + bce_with_logits(x12, label) + bce_with_logits(x22, label);
    EXPECT_NEAR(loss, expected, 1e-6);
  }
}

// The terms are computed in batches of SIMD lanes with a vectorised exp and log1p: over logits
// from -40 to 40 (150 pairs: two full batches and a partial one), each pair's loss and gradient
// agree with the double-precision formula to float accuracy.
TEST(LinkLoss, BatchedTermsMatchTheFormulaOverAWideRangeOfLogits) {
  constexpr int kPairs = 150;
  Matrix z(kPairs + 1, 1);
  z(kPairs, 0) = 1.0f;  // every pair is (i, last): its logit is z_i
  for (int i = 0; i < kPairs; ++i) z(i, 0) = -40.0f + 80.0f * static_cast<float>(i) / (kPairs - 1);
  for (const float label : {1.0f, 0.0f}) {
    for (int i = 0; i < kPairs; ++i) {
      const std::vector<std::int64_t> first(1, i);
      const std::vector<std::int64_t> second(1, kPairs);
      Matrix dz = Matrix::Zero(kPairs + 1, 1);
      const double x = z(i, 0);
      const double loss = pair_logistic_loss(z, first, second, label, 1.0, dz).value();
      const double expected = std::max(x, 0.0) - x * label + std::log1p(std::exp(-std::abs(x)));
      EXPECT_NEAR(loss, expected, 2e-7 * std::max(1.0, expected)) << "logit " << x;
      const double sigmoid = 1.0 / (1.0 + std::exp(-x));
      EXPECT_NEAR(dz(i, 0), sigmoid - label, 2e-7) << "logit " << x;  // ∂/∂z_i = (σ - y) · 1
    }
    // The same pairs in one call (batches of many lanes) give the same sum as one by one.
    std::vector<std::int64_t> all(kPairs);
    double one_by_one = 0.0;
    for (int i = 0; i < kPairs; ++i) {
      all[static_cast<std::size_t>(i)] = i;
      Matrix dz = Matrix::Zero(kPairs + 1, 1);
      one_by_one += pair_logistic_loss(z, std::vector<std::int64_t>(1, i),
                                       std::vector<std::int64_t>(1, kPairs), label, 1.0, dz)
                        .value();
    }
    const std::vector<std::int64_t> last(kPairs, kPairs);
    Matrix dz = Matrix::Zero(kPairs + 1, 1);
    EXPECT_NEAR(pair_logistic_loss(z, all, last, label, 1.0, dz).value(), one_by_one,
                1e-9 * one_by_one);
  }
}

TEST(LinkLoss, PairLossIsStableForLargeLogits) {
  Matrix z(2, 1);
  z << 10.0f, -10.0f;  // logit -100
  Matrix dz = Matrix::Zero(2, 1);
  const std::vector<std::int64_t> first = {0};
  const std::vector<std::int64_t> second = {1};
  EXPECT_NEAR(pair_logistic_loss(z, first, second, 1.0f, 1.0, dz).value(), 100.0, 1e-9);
  EXPECT_NEAR(pair_logistic_loss(z, first, second, 0.0f, 1.0, dz).value(), 0.0, 1e-30);
  EXPECT_TRUE(dz.allFinite());
}

TEST(LinkLoss, PairLossGradientMatchesFiniteDifferences) {
  Matrix z = testing::random_matrix(40, 8, 1, -0.6f, 0.6f);
  std::mt19937 engine(2);
  std::uniform_int_distribution<std::int64_t> row(0, 39);
  std::vector<std::int64_t> first;
  std::vector<std::int64_t> second;
  for (int p = 0; p < 200; ++p) first.push_back(row(engine)), second.push_back(row(engine));
  first.push_back(first[0]), second.push_back(second[0]);  // a repeated pair
  first.push_back(5), second.push_back(5);                 // a node with itself
  for (const float label : {1.0f, 0.0f}) {
    const double scale = 1.0 / static_cast<double>(first.size());
    Matrix dz = Matrix::Zero(40, 8);
    pair_logistic_loss(z, first, second, label, scale, dz);
    Matrix scratch = Matrix::Zero(40, 8);
    const auto objective = [&] {
      return pair_logistic_loss(z, first, second, label, scale, scratch).value();
    };
    EXPECT_LT(testing::finite_difference_error(testing::entries(z), testing::entries(dz),
                                               testing::all_coordinates(z.size()), 1e-2f, objective,
                                               "pair loss"),
              1e-2);
  }
}

TEST(LinkLoss, PairLossHasTheSameBitsForEveryThreadCount) {
  const testing::ParallelPathsForAnySize parallel;
  const Matrix z = testing::random_matrix(5000, 16, 3);
  std::mt19937 engine(4);
  std::uniform_int_distribution<std::int64_t> row(0, 4999);
  std::vector<std::int64_t> first(100000);
  std::vector<std::int64_t> second(100000);
  for (std::size_t p = 0; p < first.size(); ++p) first[p] = row(engine), second[p] = row(engine);
  const int previous = omp_get_max_threads();
  std::vector<double> losses;
  std::vector<Matrix> grads;
  for (const int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    Matrix dz = Matrix::Zero(5000, 16);
    losses.push_back(pair_logistic_loss(z, first, second, 0.0f, 1e-5, dz).value());
    grads.push_back(dz);
  }
  omp_set_num_threads(previous);
  EXPECT_EQ(losses[1], losses[0]);
  EXPECT_EQ(losses[2], losses[0]);
  EXPECT_TRUE(grads[1] == grads[0]);
  EXPECT_TRUE(grads[2] == grads[0]);
}

TEST(LinkLoss, PairLogitsAreDotProducts) {
  const Matrix z = testing::random_matrix(10, 4, 5);
  const std::vector<std::int64_t> first = {0, 3, 9};
  const std::vector<std::int64_t> second = {1, 3, 2};
  std::vector<double> logits(3);
  pair_logits(z, first, second, logits);
  for (std::size_t p = 0; p < 3; ++p) {
    EXPECT_NEAR(logits[p], z.row(first[p]).cast<double>().dot(z.row(second[p]).cast<double>()),
                1e-12);
  }
}

TEST(LinkLoss, GaussianKlMatchesTheReferenceFormula) {
  const Matrix mu = testing::random_matrix(30, 4, 6);
  const Matrix logstd = testing::random_matrix(30, 4, 7, -1.0f, 0.5f);
  double expected = 0.0;
  for (Eigen::Index i = 0; i < mu.size(); ++i) {
    const double m = mu.data()[i];
    const double ls = logstd.data()[i];
    expected += -0.5 * (1 + 2 * ls - m * m - std::exp(ls) * std::exp(ls));
  }
  Matrix dmu = Matrix::Zero(30, 4);
  Matrix dlogstd = Matrix::Zero(30, 4);
  // σ² comes from a vectorised exp in float (each term then in double): float accuracy.
  EXPECT_NEAR(gaussian_kl(mu, logstd, 1.0, dmu, dlogstd).value(), expected,
              1e-7 * std::abs(expected));
  EXPECT_TRUE(dmu.isApprox(mu));
  EXPECT_TRUE(dlogstd.isApprox(Matrix((2 * logstd.array()).exp() - 1)));
}

TEST(LinkLoss, GaussianKlGradientMatchesFiniteDifferences) {
  Matrix mu = testing::random_matrix(30, 4, 8);
  Matrix logstd = testing::random_matrix(30, 4, 9, -1.0f, 0.5f);
  const double scale = -0.5 / 30;  // as the trainer scales it: a mean over nodes
  Matrix dmu = Matrix::Zero(30, 4);
  Matrix dlogstd = Matrix::Zero(30, 4);
  gaussian_kl(mu, logstd, scale, dmu, dlogstd);
  Matrix unused_mu = dmu;
  Matrix unused_logstd = dlogstd;
  const auto objective = [&] {
    return gaussian_kl(mu, logstd, scale, unused_mu, unused_logstd).value();
  };
  const auto all = testing::all_coordinates(mu.size());
  EXPECT_LT(testing::finite_difference_error(testing::entries(mu), testing::entries(dmu), all,
                                             1e-2f, objective, "KL, mu"),
            1e-2);
  EXPECT_LT(testing::finite_difference_error(testing::entries(logstd), testing::entries(dlogstd),
                                             all, 1e-2f, objective, "KL, logstd"),
            1e-2);
}

TEST(LinkLoss, ReparameterizeGradientMatchesFiniteDifferences) {
  Matrix mu = testing::random_matrix(20, 4, 10);
  Matrix logstd = testing::random_matrix(20, 4, 11, -1.0f, 1.0f);
  const Matrix noise = testing::random_matrix(20, 4, 12, -2.0f, 2.0f);
  const Matrix weights = testing::random_matrix(20, 4, 13);
  Matrix z;
  reparameterize(mu, logstd, noise, z);
  EXPECT_TRUE(z.isApprox(Matrix(mu.array() + noise.array() * logstd.array().exp())));
  Matrix dmu = Matrix::Constant(20, 4, 1.0f);  // accumulated into
  Matrix dlogstd = Matrix::Constant(20, 4, 1.0f);
  reparameterize_backward(weights, logstd, noise, dmu, dlogstd);
  dmu.array() -= 1.0f;
  dlogstd.array() -= 1.0f;
  const auto objective = [&] {
    reparameterize(mu, logstd, noise, z);
    return testing::weighted_sum(z, weights);
  };
  const auto all = testing::all_coordinates(mu.size());
  EXPECT_LT(testing::finite_difference_error(testing::entries(mu), testing::entries(dmu), all,
                                             1e-2f, objective, "reparameterize, mu"),
            1e-2);
  EXPECT_LT(testing::finite_difference_error(testing::entries(logstd), testing::entries(dlogstd),
                                             all, 1e-2f, objective, "reparameterize, logstd"),
            1e-2);
}

TEST(LinkLoss, RejectsMismatchedInputs) {
  const Matrix z = Matrix::Zero(4, 2);
  Matrix dz = Matrix::Zero(4, 2);
  const std::vector<std::int64_t> two = {0, 1};
  const std::vector<std::int64_t> one = {0};
  const std::vector<std::int64_t> out_of_range = {0, 4};
  EXPECT_THROW(pair_logistic_loss(z, two, one, 1.0f, 1.0, dz), std::invalid_argument);
  EXPECT_THROW(pair_logistic_loss(z, two, out_of_range, 1.0f, 1.0, dz), std::invalid_argument);
  Matrix wrong = Matrix::Zero(3, 2);
  EXPECT_THROW(pair_logistic_loss(z, two, two, 1.0f, 1.0, wrong), std::invalid_argument);
  EXPECT_THROW(gaussian_kl(z, wrong, 1.0, dz, dz), std::invalid_argument);
}

}  // namespace
}  // namespace distgae
