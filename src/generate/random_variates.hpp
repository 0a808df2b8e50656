// Random variates for the synthetic graph generators, drawn from a keyed stream.
//
// Every stream starts from a key made by random_bits(seed, purpose, {counters...}) (core/rng.hpp),
// so a count or a neighbour list is a pure function of the seed and of what it is for (a node, a
// range of nodes, a quadrant cell), never of the thread or chunk that computes it.
//
// The count samplers are exact for small counts and use a moment-matched normal, rounded and
// clamped to the support, once the variance is large (>= 16): there the binomial and the
// hypergeometric are normal to within what a benchmark graph can show, and a draw costs O(1)
// instead of O(count).
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace distgae {

// SplitMix64 seeded with a key: a cheap sequence of independent 64-bit words.
class RandomStream {
 public:
  explicit RandomStream(std::uint64_t key) : state_(key) {}

  std::uint64_t next() {
    const std::uint64_t word = mix64(state_);
    state_ += 0x9e3779b97f4a7c15ULL;
    return word;
  }
  // Uniform in [0, 1).
  double next_unit() { return unit_interval(next()); }
  // Uniform in [0, bound); bound > 0.
  std::uint64_t next_below(std::uint64_t bound) { return bounded(next(), bound); }

 private:
  std::uint64_t state_;
};

// A standard normal deviate (Box-Muller, two words).
double sample_standard_normal(RandomStream& stream);

// Successes in `trials` independent trials of probability `p` (clamped to [0, 1]).
std::uint64_t sample_binomial(RandomStream& stream, std::uint64_t trials, double p);

// Marked items among `draws` items drawn without replacement from `population` items of which
// `marked` are marked. Always within the support [max(0, draws - unmarked), min(draws, marked)].
// Requires marked <= population and draws <= population.
std::uint64_t sample_hypergeometric(RandomStream& stream, std::uint64_t population,
                                    std::uint64_t marked, std::uint64_t draws);

// Draws `count` distinct values of [0, range) (Floyd's algorithm; the complement when count is
// more than half the range), returned ascending. Keeps its hash table between calls, so one
// sampler per thread makes the draws allocation-free once warm.
class DistinctSampler {
 public:
  // Fills `out` (cleared first) with the sorted values; requires count <= range.
  void sample(RandomStream& stream, std::uint64_t count, std::uint64_t range,
              std::vector<std::uint64_t>& out);

 private:
  // Inserts `value` unless present; true when it was inserted.
  bool insert(std::uint64_t value);
  void reset_table(std::uint64_t count);

  std::vector<std::uint64_t> table_;  // open addressing, kEmpty marks a free slot
  std::uint64_t mask_ = 0;
  std::vector<std::uint64_t> excluded_;
};

}  // namespace distgae
