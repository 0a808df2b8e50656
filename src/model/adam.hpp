// Adam (Kingma & Ba 2015) with bias correction, over one flat buffer of parameters. Every rank
// holds the same replicated state and applies the same step to the same allreduced gradient.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace distgae {

struct AdamSettings {
  double learning_rate = 0.01;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
};

class Adam {
 public:
  Adam(std::size_t size, AdamSettings settings);
  // params -= lr · m̂ / (sqrt(v̂) + ε) with the moments updated from grads; increments step().
  void step(std::span<float> params, std::span<const float> grads);

  std::int64_t steps() const { return steps_; }
  // State, for checkpoints.
  std::span<const float> first_moment() const { return m_; }
  std::span<const float> second_moment() const { return v_; }
  void restore(std::span<const float> m, std::span<const float> v, std::int64_t steps);

 private:
  AdamSettings settings_;
  std::vector<float> m_, v_;
  std::int64_t steps_ = 0;
};

}  // namespace distgae
