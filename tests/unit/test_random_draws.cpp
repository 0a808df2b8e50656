#include "train/random_draws.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace distgae {
namespace {

std::vector<GlobalId> ids_from(GlobalId first, GlobalId count) {
  std::vector<GlobalId> ids(static_cast<std::size_t>(count));
  std::iota(ids.begin(), ids.end(), first);
  return ids;
}

Matrix noise_for(const std::vector<GlobalId>& ids, std::int64_t epoch, int latent = 16) {
  Matrix noise(static_cast<Eigen::Index>(ids.size()), latent);
  fill_vgae_noise(7, epoch, ids, noise);
  return noise;
}

TEST(VgaeNoise, IsStandardNormal) {
  const Matrix noise = noise_for(ids_from(0, 8000), 3);  // 128,000 entries
  const double n = static_cast<double>(noise.size());
  const double mean = noise.cast<double>().sum() / n;
  const double variance = (noise.cast<double>().array() - mean).square().sum() / n;
  const double beyond_two = (noise.array().abs() > 2.0f).cast<double>().sum() / n;
  EXPECT_NEAR(mean, 0.0, 0.012);  // 4 standard errors
  EXPECT_NEAR(variance, 1.0, 0.016);
  EXPECT_NEAR(beyond_two, 0.0455, 0.003);  // P(|ε| > 2) of N(0, 1)
  EXPECT_TRUE(noise.allFinite());
  EXPECT_LE(noise.cwiseAbs().maxCoeff(), 5.8f);
}

// A row belongs to its canonical id: the same id gives the same row wherever it sits and however
// many rows are drawn with it (ranks own different, differently ordered sets of nodes).
TEST(VgaeNoise, RowsAreKeyedByCanonicalIdNotPosition) {
  const Matrix all = noise_for(ids_from(0, 1000), 5);
  const std::vector<GlobalId> some = {999, 3, 500, 4, 77};
  const Matrix part = noise_for(some, 5);
  for (std::size_t r = 0; r < some.size(); ++r) {
    EXPECT_TRUE(part.row(static_cast<Eigen::Index>(r)) == all.row(some[r])) << "id " << some[r];
  }
  EXPECT_FALSE(noise_for(ids_from(0, 1000), 6) == all);  // another epoch, other draws
  Matrix again(1000, 16);
  fill_vgae_noise(8, 5, ids_from(0, 1000), again);  // another seed, other draws
  EXPECT_FALSE(again == all);
}

TEST(VgaeNoise, RejectsAShapeThatDoesNotMatchTheIds) {
  Matrix noise(3, 16);
  EXPECT_THROW(fill_vgae_noise(1, 0, ids_from(0, 4), noise), std::invalid_argument);
}

TEST(NegativePair, EndpointsAreUniformAndKeyed) {
  constexpr GlobalId kNodes = 1000;
  const std::uint64_t key = negative_epoch_key(11, 2);
  std::vector<int> hits(10, 0);
  for (GlobalId u = 0; u < 20000; ++u) {
    const NodePair pair = negative_pair(key, {u, u + 1}, 0, kNodes);
    ASSERT_GE(pair.first, 0);
    ASSERT_LT(pair.first, kNodes);
    ASSERT_GE(pair.second, 0);
    ASSERT_LT(pair.second, kNodes);
    ++hits[static_cast<std::size_t>(pair.first / 100)];
    ++hits[static_cast<std::size_t>(pair.second / 100)];
  }
  double chi_square = 0.0;
  for (const int h : hits) chi_square += (h - 4000.0) * (h - 4000.0) / 4000.0;
  EXPECT_LT(chi_square, 27.9);  // 9 degrees of freedom, p = 0.001
  const NodePair once = negative_pair(key, {5, 9}, 1, kNodes);
  const NodePair twice = negative_pair(key, {5, 9}, 1, kNodes);
  EXPECT_EQ(once.first, twice.first);
  EXPECT_EQ(once.second, twice.second);
  int same = 0;  // another draw, epoch or positive gives other pairs (up to chance, 1 in 1000)
  for (GlobalId u = 0; u < 100; ++u) {
    const NodePair base = negative_pair(key, {u, 0}, 0, kNodes);
    same += base.first == negative_pair(key, {u, 0}, 1, kNodes).first;
    same += base.first == negative_pair(negative_epoch_key(11, 3), {u, 0}, 0, kNodes).first;
    same += base.first == negative_pair(key, {u, 1}, 0, kNodes).first;
  }
  EXPECT_LE(same, 3);
}

}  // namespace
}  // namespace distgae
