#include "generate/random_variates.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>

namespace distgae {
namespace {

// Above this variance a count is drawn as a rounded normal; below, exactly.
constexpr double kNormalVariance = 16.0;
// Up to this many trials (or draws) a count is drawn one trial at a time.
constexpr std::uint64_t kTrialByTrial = 32;
// Hypergeometric draws below the normal regime are still drawn one at a time up to this many.
constexpr std::uint64_t kDrawByDraw = 256;
constexpr std::uint64_t kEmpty = ~std::uint64_t{0};

std::uint64_t round_into(double value, std::uint64_t low, std::uint64_t high) {
  const double rounded = std::floor(value + 0.5);
  if (!(rounded > static_cast<double>(low))) return low;  // NaN lands here too
  if (rounded >= static_cast<double>(high)) return high;
  return std::clamp(static_cast<std::uint64_t>(rounded), low, high);
}

// Binomial by inversion for a small mean (p <= 1/2): walks the pmf up from 0.
std::uint64_t binomial_by_inversion(RandomStream& stream, std::uint64_t trials, double p) {
  const double n = static_cast<double>(trials);
  const double ratio = p / (1.0 - p);
  // A cap far past the mean stops a walk that rounding left short of the whole mass.
  const auto cap = std::min<std::uint64_t>(
      trials, static_cast<std::uint64_t>(n * p + 40.0 * std::sqrt(n * p * (1.0 - p)) + 40.0));
  double u = stream.next_unit();
  double pmf = std::exp(n * std::log1p(-p));
  std::uint64_t k = 0;
  while (u > pmf && k < cap) {
    u -= pmf;
    ++k;
    pmf *= ratio * (n - static_cast<double>(k) + 1.0) / static_cast<double>(k);
  }
  return k;
}

// Exact: each draw takes a marked item with probability (marked left) / (items left).
std::uint64_t hypergeometric_draw_by_draw(RandomStream& stream, std::uint64_t population,
                                          std::uint64_t marked, std::uint64_t draws) {
  std::uint64_t taken = 0;
  for (std::uint64_t i = 0; i < draws; ++i) {
    if (stream.next_below(population - i) < marked - taken) ++taken;
  }
  return taken;
}

}  // namespace

double sample_standard_normal(RandomStream& stream) {
  const double radius_draw = 1.0 - stream.next_unit();  // (0, 1]: log stays finite
  const double angle = 2.0 * std::numbers::pi * stream.next_unit();
  return std::sqrt(-2.0 * std::log(radius_draw)) * std::cos(angle);
}

std::uint64_t sample_binomial(RandomStream& stream, std::uint64_t trials, double p) {
  if (trials == 0 || !(p > 0.0)) return 0;
  if (p >= 1.0) return trials;
  if (trials <= kTrialByTrial) {
    std::uint64_t successes = 0;
    for (std::uint64_t i = 0; i < trials; ++i) successes += stream.next_unit() < p ? 1 : 0;
    return successes;
  }
  const double n = static_cast<double>(trials);
  const double variance = n * p * (1.0 - p);
  if (variance >= kNormalVariance) {
    return round_into(n * p + std::sqrt(variance) * sample_standard_normal(stream), 0, trials);
  }
  if (p > 0.5) return trials - binomial_by_inversion(stream, trials, 1.0 - p);
  return binomial_by_inversion(stream, trials, p);
}

std::uint64_t sample_hypergeometric(RandomStream& stream, std::uint64_t population,
                                    std::uint64_t marked, std::uint64_t draws) {
  const std::uint64_t unmarked = population - marked;
  const std::uint64_t low = draws > unmarked ? draws - unmarked : 0;
  const std::uint64_t high = std::min(draws, marked);
  if (low == high) return low;
  // Reduce to draws <= marked <= population / 2 by the distribution's symmetries: the marked items
  // not drawn are those of the complementary draw; the unmarked drawn are a draw of the unmarked;
  // draws and marked play interchangeable roles.
  if (draws > population - draws) {
    return marked - sample_hypergeometric(stream, population, marked, population - draws);
  }
  if (marked > unmarked) return draws - sample_hypergeometric(stream, population, unmarked, draws);
  if (marked < draws) return sample_hypergeometric(stream, population, draws, marked);
  if (draws <= kTrialByTrial) {
    return hypergeometric_draw_by_draw(stream, population, marked, draws);
  }
  const double n = static_cast<double>(draws);
  const double total = static_cast<double>(population);
  const double p = static_cast<double>(marked) / total;
  const double variance = n * p * (1.0 - p) * (total - n) / (total - 1.0);
  if (variance >= kNormalVariance) {
    return round_into(n * p + std::sqrt(variance) * sample_standard_normal(stream), low, high);
  }
  if (draws <= kDrawByDraw) return hypergeometric_draw_by_draw(stream, population, marked, draws);
  // Many draws, few marked among them: the binomial is within a factor (1 - draws/population) in
  // variance, the only approximation left here.
  return std::clamp(sample_binomial(stream, draws, p), low, high);
}

void DistinctSampler::reset_table(std::uint64_t count) {
  const std::uint64_t size = std::bit_ceil(std::max<std::uint64_t>(16, 2 * count));
  table_.assign(size, kEmpty);
  mask_ = size - 1;
}

bool DistinctSampler::insert(std::uint64_t value) {
  std::uint64_t slot = mix64(value) & mask_;
  while (table_[slot] != kEmpty) {
    if (table_[slot] == value) return false;
    slot = (slot + 1) & mask_;
  }
  table_[slot] = value;
  return true;
}

void DistinctSampler::sample(RandomStream& stream, std::uint64_t count, std::uint64_t range,
                             std::vector<std::uint64_t>& out) {
  out.clear();
  if (count == 0) return;
  const bool complement = count > range - count;
  std::vector<std::uint64_t>& chosen = complement ? excluded_ : out;
  const std::uint64_t to_draw = complement ? range - count : count;
  chosen.clear();
  reset_table(to_draw);
  // Floyd: after the step for j, `chosen` is a uniform to_draw-subset of [0, j].
  for (std::uint64_t j = range - to_draw; j < range; ++j) {
    std::uint64_t value = stream.next_below(j + 1);
    if (!insert(value)) {
      value = j;  // never drawn before: j is new in this step
      insert(value);
    }
    chosen.push_back(value);
  }
  std::sort(chosen.begin(), chosen.end());
  if (!complement) return;
  out.reserve(count);
  auto skip = excluded_.begin();
  for (std::uint64_t value = 0; value < range; ++value) {
    if (skip != excluded_.end() && *skip == value) {
      ++skip;
    } else {
      out.push_back(value);
    }
  }
}

}  // namespace distgae
