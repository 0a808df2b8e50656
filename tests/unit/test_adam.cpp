#include "model/adam.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace distgae {
namespace {

// PyTorch's Adam (torch.optim.Adam, no weight decay, no amsgrad), written out in double.
struct ReferenceAdam {
  AdamSettings s;
  std::vector<double> m, v;
  int t = 0;
  void step(std::vector<double>& params, const std::vector<double>& grads) {
    ++t;
    for (std::size_t i = 0; i < params.size(); ++i) {
      m[i] = s.beta1 * m[i] + (1 - s.beta1) * grads[i];
      v[i] = s.beta2 * v[i] + (1 - s.beta2) * grads[i] * grads[i];
      const double m_hat = m[i] / (1 - std::pow(s.beta1, t));
      const double v_hat = v[i] / (1 - std::pow(s.beta2, t));
      params[i] -= s.learning_rate * m_hat / (std::sqrt(v_hat) + s.epsilon);
    }
  }
};

TEST(Adam, FirstStepMovesEachParameterByTheLearningRate) {
  // After one step m̂ = g and v̂ = g², so the step is lr · g / (|g| + ε) ≈ lr · sign(g).
  Adam adam(3, AdamSettings{});
  std::vector<float> params = {1.0f, -2.0f, 0.5f};
  const std::vector<float> grads = {0.3f, -4.0f, 0.0f};
  adam.step(params, grads);
  EXPECT_NEAR(params[0], 1.0 - 0.01 * 0.3 / (0.3 + 1e-8), 1e-6);
  EXPECT_NEAR(params[1], -2.0 + 0.01, 1e-6);
  EXPECT_EQ(params[2], 0.5f);
  EXPECT_EQ(adam.steps(), 1);
  EXPECT_NEAR(adam.first_moment()[1], 0.1 * -4.0, 1e-6);
  EXPECT_NEAR(adam.second_moment()[1], 0.001 * 16.0, 1e-6);
}

TEST(Adam, StepsFollowPyTorchsFormula) {
  AdamSettings settings;
  settings.learning_rate = 0.05;
  const std::size_t n = 5;
  Adam adam(n, settings);
  ReferenceAdam reference{settings, std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
  std::vector<float> params = {0.5f, -1.0f, 2.0f, 0.0f, 1e-3f};
  std::vector<double> expected(params.begin(), params.end());
  for (int step = 0; step < 20; ++step) {
    std::vector<float> grads(n);
    std::vector<double> grads_double(n);
    for (std::size_t i = 0; i < n; ++i) {
      grads[i] = static_cast<float>(std::sin(1.0 + static_cast<double>(step * n + i)));
      grads_double[i] = grads[i];
    }
    adam.step(params, grads);
    reference.step(expected, grads_double);
  }
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(params[i], expected[i], 1e-5) << i;
}

TEST(Adam, RestoredStateContinuesIdentically) {
  Adam a(2, AdamSettings{});
  std::vector<float> pa = {1.0f, 2.0f};
  a.step(pa, std::vector<float>{0.5f, -0.5f});
  Adam b(2, AdamSettings{});
  b.restore(a.first_moment(), a.second_moment(), a.steps());
  std::vector<float> pb = pa;
  a.step(pa, std::vector<float>{0.1f, 0.2f});
  b.step(pb, std::vector<float>{0.1f, 0.2f});
  EXPECT_EQ(pa, pb);
  EXPECT_THROW(a.step(pa, std::vector<float>{1.0f}), std::invalid_argument);
}

}  // namespace
}  // namespace distgae
