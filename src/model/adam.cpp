#include "model/adam.hpp"

#include <cmath>
#include <stdexcept>

#include "core/parallel_work.hpp"

namespace distgae {

Adam::Adam(std::size_t size, AdamSettings settings)
    : settings_(settings), m_(size, 0.0f), v_(size, 0.0f) {}

void Adam::step(std::span<float> params, std::span<const float> grads) {
  if (params.size() != m_.size() || grads.size() != m_.size()) {
    throw std::invalid_argument("Adam::step: buffer sizes differ from the optimiser's");
  }
  ++steps_;
  const double b1 = settings_.beta1;
  const double b2 = settings_.beta2;
  // Bias corrections folded into the step size, as PyTorch and TensorFlow do.
  const double correction1 = 1.0 - std::pow(b1, static_cast<double>(steps_));
  const double correction2 = 1.0 - std::pow(b2, static_cast<double>(steps_));
  const auto step_size = static_cast<float>(settings_.learning_rate / correction1);
  const auto sqrt_correction2 = static_cast<float>(std::sqrt(correction2));
  const auto eps = static_cast<float>(settings_.epsilon);
  const auto fb1 = static_cast<float>(b1);
  const auto fb2 = static_cast<float>(b2);
  // 1 - β in double, then rounded, as PyTorch does: 1.0f - 0.999f is 1.3e-5 off 0.001, which
  // made early steps 6.5e-6 larger than the reference's.
  const auto one_minus_b1 = static_cast<float>(1.0 - b1);
  const auto one_minus_b2 = static_cast<float>(1.0 - b2);
  const std::size_t n = params.size();
  // About 8 multiply-adds' worth per entry (a square root and a division among them).
  const bool parallel = worth_parallel_work(static_cast<std::int64_t>(n) * 8);
#pragma omp parallel for schedule(static) if (parallel)
  for (std::size_t i = 0; i < n; ++i) {
    const float g = grads[i];
    m_[i] = fb1 * m_[i] + one_minus_b1 * g;
    v_[i] = fb2 * v_[i] + one_minus_b2 * g * g;
    params[i] -= step_size * m_[i] / (std::sqrt(v_[i]) / sqrt_correction2 + eps);
  }
}

void Adam::restore(std::span<const float> m, std::span<const float> v, std::int64_t steps) {
  if (m.size() != m_.size() || v.size() != v_.size()) {
    throw std::invalid_argument("Adam::restore: state sizes differ from the optimiser's");
  }
  m_.assign(m.begin(), m.end());
  v_.assign(v.begin(), v.end());
  steps_ = steps;
}

}  // namespace distgae
