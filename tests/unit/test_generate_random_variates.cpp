#include "generate/random_variates.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "core/rng.hpp"
#include "generate/id_permutation.hpp"

namespace distgae {
namespace {

RandomStream stream_for(std::uint64_t i) {
  return RandomStream(random_bits(7, RandomPurpose::kSyntheticEdges, {99, i}));
}

struct Moments {
  double mean = 0;
  double variance = 0;
};

template <class Draw>
Moments moments_of(int samples, Draw draw) {
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < samples; ++i) {
    RandomStream stream = stream_for(static_cast<std::uint64_t>(i));
    const auto x = static_cast<double>(draw(stream));
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / samples;
  return {mean, sum_sq / samples - mean * mean};
}

// Mean and variance of the binomial within a few standard errors, in each regime the sampler has
// (trial by trial, inversion with a small mean on either side of 1/2, the rounded normal).
TEST(RandomVariates, BinomialHasTheBinomialsMeanAndVarianceInEveryRegime) {
  struct Case {
    std::uint64_t n;
    double p;
  };
  for (const Case c : {Case{10, 0.3}, Case{1000, 0.004}, Case{1000, 0.997}, Case{100000, 0.25},
                       Case{std::uint64_t{1} << 36, 0.76}}) {
    const int samples = 20000;
    const Moments m =
        moments_of(samples, [&](RandomStream& s) { return sample_binomial(s, c.n, c.p); });
    const double mean = static_cast<double>(c.n) * c.p;
    const double variance = mean * (1 - c.p);
    EXPECT_NEAR(m.mean, mean, 5 * std::sqrt(variance / samples) + 1e-9) << c.n << " " << c.p;
    EXPECT_NEAR(m.variance / variance, 1.0, 0.08) << c.n << " " << c.p;
  }
}

TEST(RandomVariates, BinomialEdgeCases) {
  RandomStream s = stream_for(1);
  EXPECT_EQ(sample_binomial(s, 0, 0.5), 0u);
  EXPECT_EQ(sample_binomial(s, 50, 0.0), 0u);
  EXPECT_EQ(sample_binomial(s, 50, 1.0), 50u);
  for (int i = 0; i < 1000; ++i) EXPECT_LE(sample_binomial(s, 40, 0.999), 40u);
}

TEST(RandomVariates, HypergeometricHasItsMeanAndVarianceAndStaysInTheSupport) {
  struct Case {
    std::uint64_t population, marked, draws;
  };
  for (const Case c :
       {Case{20, 7, 9}, Case{1000, 900, 950}, Case{100000, 60000, 5000}, Case{1000000, 30, 400000},
        Case{1000000, 1000, 2000}, Case{5000000000000ULL, 3750000000000ULL, 200000000}}) {
    const std::uint64_t low =
        c.draws > c.population - c.marked ? c.draws - (c.population - c.marked) : 0;
    const std::uint64_t high = std::min(c.draws, c.marked);
    const int samples = 20000;
    bool in_support = true;
    const Moments m = moments_of(samples, [&](RandomStream& s) {
      const std::uint64_t x = sample_hypergeometric(s, c.population, c.marked, c.draws);
      in_support = in_support && x >= low && x <= high;
      return x;
    });
    EXPECT_TRUE(in_support) << c.population;
    const double n = static_cast<double>(c.draws);
    const double t = static_cast<double>(c.population);
    const double p = static_cast<double>(c.marked) / t;
    const double variance = n * p * (1 - p) * (t - n) / (t - 1);
    EXPECT_NEAR(m.mean, n * p, 5 * std::sqrt(variance / samples) + 1e-9) << c.population;
    EXPECT_NEAR(m.variance / variance, 1.0, 0.1) << c.population;
  }
}

TEST(RandomVariates, HypergeometricWithAFixedOutcomeReturnsIt) {
  RandomStream s = stream_for(2);
  EXPECT_EQ(sample_hypergeometric(s, 10, 10, 4), 4u);  // every item marked
  EXPECT_EQ(sample_hypergeometric(s, 10, 3, 10), 3u);  // every item drawn
  EXPECT_EQ(sample_hypergeometric(s, 10, 0, 5), 0u);
  EXPECT_EQ(sample_hypergeometric(s, 10, 6, 0), 0u);
}

TEST(RandomVariates, DistinctSamplerGivesSortedDistinctValuesInRange) {
  DistinctSampler sampler;
  std::vector<std::uint64_t> out;
  for (const auto& [count, range] : {std::pair<std::uint64_t, std::uint64_t>{0, 5},
                                     {1, 1},
                                     {5, 5},
                                     {3, 1000},
                                     {700, 1000},
                                     {1000, 1000000}}) {
    RandomStream s = stream_for(count);
    sampler.sample(s, count, range, out);
    ASSERT_EQ(out.size(), count);
    EXPECT_TRUE(std::is_sorted(out.begin(), out.end()));
    EXPECT_EQ(std::adjacent_find(out.begin(), out.end()), out.end());
    if (!out.empty()) {
      EXPECT_LT(out.back(), range);
    }
  }
}

// Every value equally likely, through both paths (Floyd for few values, the complement for many).
TEST(RandomVariates, DistinctSamplerIsUniform) {
  DistinctSampler sampler;
  std::vector<std::uint64_t> out;
  for (const std::uint64_t count : {3u, 17u}) {
    const std::uint64_t range = 20;
    std::vector<int> hits(range, 0);
    const int rounds = 20000;
    for (int i = 0; i < rounds; ++i) {
      RandomStream s = stream_for(static_cast<std::uint64_t>(i));
      sampler.sample(s, count, range, out);
      for (std::uint64_t v : out) ++hits[v];
    }
    const double expected = static_cast<double>(rounds) * count / range;
    for (int h : hits) EXPECT_NEAR(h, expected, 6 * std::sqrt(expected)) << count;
  }
}

TEST(IdPermutation, IsABijectionForEveryWidth) {
  for (int bits = 0; bits <= 14; ++bits) {
    const IdPermutation shuffle(bits, 12345);
    const std::uint64_t size = std::uint64_t{1} << bits;
    std::vector<bool> seen(size, false);
    for (std::uint64_t id = 0; id < size; ++id) {
      const std::uint64_t image = shuffle(id);
      ASSERT_LT(image, size);
      ASSERT_FALSE(seen[image]) << bits;
      seen[image] = true;
    }
  }
}

TEST(IdPermutation, DependsOnTheKeyAndMovesMostIds) {
  const IdPermutation a(16, 1);
  const IdPermutation b(16, 2);
  int differ = 0;
  int fixed = 0;
  for (std::uint64_t id = 0; id < 65536; ++id) {
    differ += a(id) != b(id) ? 1 : 0;
    fixed += a(id) == id ? 1 : 0;
  }
  EXPECT_GT(differ, 65000);
  EXPECT_LT(fixed, 100);
}

}  // namespace
}  // namespace distgae
