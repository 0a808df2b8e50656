// Finite-difference gradient checks: central differences of a scalar objective, evaluated in
// double from the float outputs of the code under test, compared with its analytic gradient.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <vector>

#include "model/dense.hpp"

namespace distgae::testing {

// Central, forward and backward difference quotients of objective() in coordinate k of theta,
// over the perturbations actually applied (after rounding to float); theta is restored.
struct DifferenceQuotients {
  double central, forward, backward;
};
template <class Objective>
DifferenceQuotients difference_quotients(std::span<float> theta, std::int64_t k, float step,
                                         Objective& objective) {
  float& entry = theta[static_cast<std::size_t>(k)];
  const float original = entry;
  const double f_mid = objective();
  entry = original + step;
  const double up = entry;
  const double f_up = objective();
  entry = original - step;
  const double down = entry;
  const double f_down = objective();
  entry = original;
  return {(f_up - f_down) / (up - down), (f_up - f_mid) / (up - original),
          (f_mid - f_down) / (original - down)};
}

// ‖g_fd - g‖ / ‖g‖ over the given coordinates of theta, g_fd by central differences of
// objective(), which must read theta as it is when called.
//
// piecewise_linear: the objective is piecewise linear in each coordinate (a ReLU network in one
// weight), so central differences are exact unless a kink lies within the step. The forward and
// backward quotients then differ by twice the central quotient's error, so a coordinate where
// they disagree is skipped; at most a tenth of the coordinates may be.
template <class Objective>
double finite_difference_error(std::span<float> theta, std::span<const float> analytic,
                               std::span<const std::int64_t> coordinates, float step,
                               Objective&& objective, const char* what = "",
                               bool piecewise_linear = false) {
  double analytic_squares = 0.0;
  for (const std::int64_t k : coordinates) {
    const double exact = analytic[static_cast<std::size_t>(k)];
    analytic_squares += exact * exact;
  }
  const double rms = std::sqrt(analytic_squares / std::max<double>(1, coordinates.size()));
  double difference = 0.0;
  double norm = 0.0;
  std::size_t skipped = 0;
  for (const std::int64_t k : coordinates) {
    const DifferenceQuotients q = difference_quotients(theta, k, step, objective);
    if (piecewise_linear &&
        std::abs(q.forward - q.backward) > 0.01 * std::max(std::abs(q.central), rms)) {
      ++skipped;
      continue;
    }
    const double exact = analytic[static_cast<std::size_t>(k)];
    difference += (q.central - exact) * (q.central - exact);
    norm += exact * exact;
  }
  const double error = std::sqrt(difference) / std::max(std::sqrt(norm), 1e-30);
  std::printf("[ info ] %s: %zu coordinates", what, coordinates.size());
  if (piecewise_linear) std::printf(" (%zu skipped: kink within the step)", skipped);
  std::printf(", |g| = %.3e, relative error %.2e\n", std::sqrt(norm), error);
  EXPECT_LE(skipped * 10, coordinates.size()) << what << ": too many kinks within the step";
  return error;
}

inline std::vector<std::int64_t> all_coordinates(std::int64_t n) {
  std::vector<std::int64_t> all(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < n; ++k) all[static_cast<std::size_t>(k)] = k;
  return all;
}

inline std::span<float> entries(Matrix& m) {
  return {m.data(), static_cast<std::size_t>(m.size())};
}
inline std::span<const float> entries(const Matrix& m) {
  return {m.data(), static_cast<std::size_t>(m.size())};
}

// A [rows, cols] matrix of uniform values in [low, high), reproducible from seed.
inline Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint32_t seed,
                            float low = -1.0f, float high = 1.0f) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> uniform(low, high);
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = uniform(engine);
  return m;
}

// Σ a ⊙ b in double.
inline double weighted_sum(const Matrix& a, const Matrix& b) {
  return (a.cast<double>().array() * b.cast<double>().array()).sum();
}

}  // namespace distgae::testing
