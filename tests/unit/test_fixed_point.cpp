#include "core/fixed_point.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

namespace distgae {
namespace {

std::vector<double> random_terms(std::size_t count, double magnitude, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(-magnitude, magnitude);
  std::vector<double> terms(count);
  for (double& t : terms) t = uniform(rng);
  return terms;
}

std::int64_t sum_units(const FixedPointScale& scale, const std::vector<double>& terms,
                       std::size_t begin, std::size_t end) {
  std::int64_t sum = 0;
  for (std::size_t i = begin; i < end; ++i) sum += scale.units(terms[i]);
  return sum;
}

TEST(FixedPointScale, TheSumHasTheSameBitsInAnyOrderAndAnySplit) {
  const std::vector<double> terms = random_terms(10000, 3.0, 1);
  const FixedPointScale scale(3.0, static_cast<double>(terms.size()));
  const double whole = scale.value(sum_units(scale, terms, 0, terms.size()));

  std::vector<double> shuffled = terms;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(2));
  EXPECT_EQ(scale.value(sum_units(scale, shuffled, 0, shuffled.size())), whole);

  // Split among "ranks" at arbitrary points, partial sums added in another order.
  for (const std::size_t cut : {std::size_t{1}, std::size_t{3333}, std::size_t{9999}}) {
    const std::int64_t left = sum_units(scale, terms, 0, cut);
    const std::int64_t right = sum_units(scale, terms, cut, terms.size());
    EXPECT_EQ(scale.value(right + left), whole) << "cut at " << cut;
  }
  // A double sum in two orders need not agree; this one is close to it.
  const double reference = std::accumulate(terms.begin(), terms.end(), 0.0);
  EXPECT_NEAR(whole, reference, 1e-9);
}

TEST(FixedPointScale, EachTermIsWithinHalfAQuantumAndTheQuantumIsFine) {
  const FixedPointScale scale(1.0, 1e6);
  // 2^62 / 1e6 units for the whole bound: the quantum is at most 2^-41 of it.
  EXPECT_LE(scale.quantum(), std::ldexp(1.0, -41));
  for (const double term : {0.0, 1.0, -1.0, 0.3, -0.7, 1e-13, -5e-12, 0.999999999}) {
    EXPECT_LE(std::abs(scale.value(scale.units(term)) - term), scale.quantum() / 2) << term;
  }
  // Exactly representable multiples come back exactly, with their sign.
  EXPECT_EQ(scale.value(scale.units(0.5)), 0.5);
  EXPECT_EQ(scale.value(scale.units(-0.25)), -0.25);
}

TEST(FixedPointScale, ManyTermsAtTheBoundDoNotOverflow) {
  const double max_terms = 1 << 20;
  const FixedPointScale scale(7.5, max_terms);
  const std::int64_t one = scale.units(7.5);
  EXPECT_GT(one, 0);
  // max_terms terms at the bound, and as many at minus the bound, fit in an int64.
  EXPECT_LT(static_cast<double>(one) * max_terms, std::ldexp(1.0, 62));
  EXPECT_EQ(scale.units(-7.5), -one);
  EXPECT_LE(std::abs(scale.value(one) - 7.5), scale.quantum() / 2);
}

TEST(FixedPointScale, AZeroBoundGivesZeroAndADivergedBoundGivesNaN) {
  const FixedPointScale zero(0.0, 10);
  EXPECT_EQ(zero.value(zero.units(0.0)), 0.0);
  const FixedPointScale diverged(std::numeric_limits<double>::infinity(), 10);
  EXPECT_TRUE(std::isnan(diverged.value(diverged.units(1.0))));
  const FixedPointScale not_a_number(std::nan(""), 10);
  EXPECT_TRUE(std::isnan(not_a_number.value(0)));
}

}  // namespace
}  // namespace distgae
