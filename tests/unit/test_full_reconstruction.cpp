#include "model/full_reconstruction.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "gradient_check.hpp"

namespace distgae {
namespace {

// Rows first .. first + count - 1 of z_all, as the owned rows.
std::vector<std::int64_t> row_range(std::int64_t first, std::int64_t count) {
  std::vector<std::int64_t> rows(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) rows[static_cast<std::size_t>(i)] = first + i;
  return rows;
}

constexpr GlobalId kNodes = 30;

// A random symmetric graph over kNodes plus every self loop, as a dense 0/1 matrix.
Eigen::MatrixXd random_targets() {
  std::mt19937 engine(1);
  std::bernoulli_distribution edge(0.15);
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(kNodes, kNodes);
  for (GlobalId u = 0; u < kNodes; ++u) {
    for (GlobalId v = u + 1; v < kNodes; ++v) {
      if (edge(engine)) a(u, v) = a(v, u) = 1.0;
    }
  }
  return a;
}

// Rows [first, first + count) of the targets as positives lists.
Csr<std::int64_t, float> positives_of(const Eigen::MatrixXd& a, std::int64_t first,
                                      std::int64_t count) {
  Csr<std::int64_t, float> positives;
  positives.n_cols = a.cols();
  for (std::int64_t u = first; u < first + count; ++u) {
    for (std::int64_t v = 0; v < a.cols(); ++v) {
      if (a(u, v) != 0.0) positives.col_index.push_back(v);
    }
    positives.row_start.push_back(positives.nnz());
  }
  return positives;
}

FullReconstructionWeights weights_of(const Eigen::MatrixXd& a) {
  return full_reconstruction_weights(kNodes, static_cast<std::int64_t>(a.sum()));
}

double softplus(double x) {
  return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x)));
}

TEST(FullReconstruction, WeightsFollowTheReference) {
  // Cora: N = 2708, 2 · 4488 training edges + N self loops (tkipf/gae's 85% split).
  const std::int64_t nnz = 2 * 4488 + 2708;
  const FullReconstructionWeights w = full_reconstruction_weights(2708, nnz);
  const double pairs = 2708.0 * 2708.0;
  EXPECT_DOUBLE_EQ(w.pos_weight, (pairs - nnz) / nnz);
  EXPECT_DOUBLE_EQ(w.norm, pairs / (2 * (pairs - nnz)));
  EXPECT_DOUBLE_EQ(w.num_nodes, 2708.0);
  EXPECT_THROW(full_reconstruction_weights(3, 9), std::invalid_argument);
  EXPECT_THROW(full_reconstruction_weights(3, 0), std::invalid_argument);
}

TEST(FullReconstruction, LossMatchesADenseDoubleComputation) {
  const Eigen::MatrixXd a = random_targets();
  const Matrix z = testing::random_matrix(kNodes, 6, 2);
  const FullReconstructionWeights w = weights_of(a);
  const Eigen::MatrixXd logits = z.cast<double>() * z.cast<double>().transpose();
  double expected = 0.0;
  for (GlobalId u = 0; u < kNodes; ++u) {
    for (GlobalId v = 0; v < kNodes; ++v) {
      const double x = logits(u, v);
      expected += w.pos_weight * a(u, v) * softplus(-x) + (1 - a(u, v)) * softplus(x);
    }
  }
  expected *= w.norm / (kNodes * kNodes);
  Matrix dz;
  const double loss =
      full_reconstruction_loss(z, row_range(0, kNodes), positives_of(a, 0, kNodes), w, dz).value();
  EXPECT_NEAR(loss, expected, 1e-6 * expected);
}

TEST(FullReconstruction, GradientMatchesFiniteDifferences) {
  const Eigen::MatrixXd a = random_targets();
  Matrix z = testing::random_matrix(kNodes, 6, 3);
  const FullReconstructionWeights w = weights_of(a);
  const auto positives = positives_of(a, 0, kNodes);
  Matrix dz;
  full_reconstruction_loss(z, row_range(0, kNodes), positives, w, dz);
  Matrix scratch;
  const auto objective = [&] {
    return full_reconstruction_loss(z, row_range(0, kNodes), positives, w, scratch).value();
  };
  EXPECT_LT(testing::finite_difference_error(testing::entries(z), testing::entries(dz),
                                             testing::all_coordinates(z.size()), 1e-2f, objective,
                                             "full reconstruction"),
            1e-2);
}

TEST(FullReconstruction, PartsSumToTheWhole) {
  const Eigen::MatrixXd a = random_targets();
  const Matrix z = testing::random_matrix(kNodes, 6, 4);
  const FullReconstructionWeights w = weights_of(a);
  Matrix whole_dz;
  const double whole =
      full_reconstruction_loss(z, row_range(0, kNodes), positives_of(a, 0, kNodes), w, whole_dz)
          .value();
  Matrix head_dz;
  Matrix tail_dz;
  const double head =
      full_reconstruction_loss(z, row_range(0, 12), positives_of(a, 0, 12), w, head_dz).value();
  const double tail =
      full_reconstruction_loss(z, row_range(12, 18), positives_of(a, 12, 18), w, tail_dz).value();
  EXPECT_NEAR(head + tail, whole, 1e-12 * whole);
  EXPECT_EQ(head_dz, whole_dz.topRows(12));  // each row is computed the same way
  EXPECT_EQ(tail_dz, whole_dz.bottomRows(18));
}

TEST(FullReconstruction, RejectsMismatchedInputs) {
  const Eigen::MatrixXd a = random_targets();
  const Matrix z = testing::random_matrix(kNodes, 6, 5);
  const FullReconstructionWeights w = weights_of(a);
  Matrix dz;
  EXPECT_THROW(full_reconstruction_loss(z, row_range(20, 12), positives_of(a, 20, 10), w, dz),
               std::invalid_argument);
  EXPECT_THROW(full_reconstruction_loss(z, row_range(0, 12), positives_of(a, 0, 11), w, dz),
               std::invalid_argument);
  EXPECT_THROW(
      full_reconstruction_loss(z.topRows(29), row_range(0, 12), positives_of(a, 0, 12), w, dz),
      std::invalid_argument);
}

}  // namespace
}  // namespace distgae
