#include "train/random_draws.hpp"

#include <cmath>
#include <numbers>

#include "core/rng.hpp"

namespace distgae {

NodePair negative_pair(std::uint64_t seed, std::int64_t epoch, NodePair positive, int draw,
                       GlobalId num_nodes) {
  // One keyed hash per pair, then one more mix per endpoint: the endpoints are two counters of
  // the same key (half the mixing of hashing the whole key twice; this runs for every training
  // edge every epoch).
  const std::uint64_t key =
      random_bits(seed, RandomPurpose::kTrainNegative,
                  {static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(positive.first),
                   static_cast<std::uint64_t>(positive.second), static_cast<std::uint64_t>(draw)});
  const auto n = static_cast<std::uint64_t>(num_nodes);
  return {static_cast<GlobalId>(bounded(mix64(key ^ 0), n)),
          static_cast<GlobalId>(bounded(mix64(key ^ 1), n))};
}

void fill_vgae_noise(std::uint64_t seed, std::int64_t epoch,
                     std::span<const GlobalId> canonical_ids, Matrix& noise) {
  const auto rows = static_cast<Eigen::Index>(canonical_ids.size());
  const Eigen::Index cols = noise.cols();
#pragma omp parallel for schedule(static)
  for (Eigen::Index i = 0; i < rows; ++i) {
    const auto node = static_cast<std::uint64_t>(canonical_ids[static_cast<std::size_t>(i)]);
    for (Eigen::Index d = 0; d < cols; ++d) {
      const std::uint64_t key = static_cast<std::uint64_t>(d);
      const std::uint64_t e = static_cast<std::uint64_t>(epoch);
      // 1 - u keeps the logarithm's argument in (0, 1].
      const double u1 =
          1.0 - unit_interval(random_bits(seed, RandomPurpose::kVgaeNoise, {e, node, key, 0}));
      const double u2 =
          unit_interval(random_bits(seed, RandomPurpose::kVgaeNoise, {e, node, key, 1}));
      noise(i, d) = static_cast<float>(std::sqrt(-2.0 * std::log(u1)) *
                                       std::cos(2.0 * std::numbers::pi * u2));
    }
  }
}

}  // namespace distgae
