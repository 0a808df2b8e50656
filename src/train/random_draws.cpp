#include "train/random_draws.hpp"

#include <cmath>
#include <numbers>

#include "core/parallel_work.hpp"
#include "core/rng.hpp"

namespace distgae {

void fill_vgae_noise(std::uint64_t seed, std::int64_t epoch,
                     std::span<const GlobalId> canonical_ids, Matrix& noise) {
  const auto rows = static_cast<Eigen::Index>(canonical_ids.size());
  const Eigen::Index cols = noise.cols();
  // Keys (seed, purpose, epoch, node, column, 0 or 1); the common prefixes are hashed once.
  const std::uint64_t epoch_key =
      random_bits(seed, RandomPurpose::kVgaeNoise, {static_cast<std::uint64_t>(epoch)});
  // An entry takes ~50 ns (hashes, then a logarithm, a square root and a cosine in double), the
  // time of ~1000 vectorised multiply-adds, and writes 4 bytes: threads pay even on small graphs.
#pragma omp parallel for schedule(static) if (worth_parallel_work(rows * cols * 1024))
  for (Eigen::Index i = 0; i < rows; ++i) {
    const std::uint64_t node_key = extend_bits(
        epoch_key, {static_cast<std::uint64_t>(canonical_ids[static_cast<std::size_t>(i)])});
    for (Eigen::Index d = 0; d < cols; ++d) {
      const std::uint64_t entry_key = extend_bits(node_key, {static_cast<std::uint64_t>(d)});
      // 1 - u keeps the logarithm's argument in (0, 1].
      const double u1 = 1.0 - unit_interval(extend_bits(entry_key, {0}));
      const double u2 = unit_interval(extend_bits(entry_key, {1}));
      noise(i, d) = static_cast<float>(std::sqrt(-2.0 * std::log(u1)) *
                                       std::cos(2.0 * std::numbers::pi * u2));
    }
  }
}

}  // namespace distgae
