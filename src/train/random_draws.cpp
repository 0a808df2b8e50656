// GCC 12 reports its own AVX-512 intrinsics' deliberately undefined operands
// (_mm512_undefined_ps) as uninitialised once Eigen's log and cos are inlined below; the state
// must be set before the intrinsics' headers are included, where the reported lines are.
#pragma GCC diagnostic ignored "-Wuninitialized"

#include "train/random_draws.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "core/parallel_work.hpp"
#include "core/rng.hpp"

namespace distgae {

namespace {

// Entries per batch of Box–Muller: the logarithm, square root and cosine of a batch run in SIMD
// packets (Eigen's float functions) instead of one libm call each in double, which took about
// 1 ms of a 1.4 ms VGAE epoch on Cora. Every lane of a batch is computed (unused ones padded), so
// an entry's value does not depend on where its batch starts.
constexpr int kNoiseBatch = 64;
using NoiseBatch = Eigen::Array<float, kNoiseBatch, 1>;
using AlignedNoiseMap = Eigen::Map<NoiseBatch, Eigen::Aligned64>;

}  // namespace

void fill_vgae_noise(std::uint64_t seed, std::int64_t epoch,
                     std::span<const GlobalId> canonical_ids, Matrix& noise) {
  const auto rows = static_cast<Eigen::Index>(canonical_ids.size());
  const Eigen::Index cols = noise.cols();
  if (noise.rows() != rows) {
    throw std::invalid_argument("fill_vgae_noise: noise must have one row per id");
  }
  // Entry (i, d) is keyed by (seed, purpose, epoch, canonical id of row i, d); the common prefix
  // is hashed once. One 64-bit word gives both of its 24-bit uniforms.
  const std::uint64_t epoch_key =
      random_bits(seed, RandomPurpose::kVgaeNoise, {static_cast<std::uint64_t>(epoch)});
  const Eigen::Index total = rows * cols;
  const Eigen::Index batches = (total + kNoiseBatch - 1) / kNoiseBatch;
  float* const out = noise.data();  // row-major: entry e is (e / cols, e % cols)
  // An entry takes a few nanoseconds (two hash mixes, its share of a batch's packets).
#pragma omp parallel for schedule(static) if (worth_parallel_work(total * 64))
  for (Eigen::Index batch = 0; batch < batches; ++batch) {
    alignas(64) std::array<float, kNoiseBatch> u1;
    alignas(64) std::array<float, kNoiseBatch> u2;
    alignas(64) std::array<float, kNoiseBatch> value;
    const Eigen::Index begin = batch * kNoiseBatch;
    const auto count = static_cast<int>(std::min<Eigen::Index>(kNoiseBatch, total - begin));
    Eigen::Index row = begin / cols;  // the batch's entries, walked without a division each
    Eigen::Index column = begin % cols;
    for (int j = 0; j < count; ++j) {
      const auto node = static_cast<std::uint64_t>(canonical_ids[static_cast<std::size_t>(row)]);
      const std::uint64_t bits = extend_bits(epoch_key, {node, static_cast<std::uint64_t>(column)});
      if (++column == cols) column = 0, ++row;
      // 1 - u keeps the logarithm's argument in (0, 1] (so |ε| ≤ sqrt(-2 log 2^-24) = 5.8).
      u1[static_cast<std::size_t>(j)] = 1.0f - static_cast<float>(bits >> 40) * 0x1.0p-24f;
      u2[static_cast<std::size_t>(j)] = static_cast<float>((bits >> 8) & 0xFFFFFF) * 0x1.0p-24f;
    }
    std::fill(u1.begin() + count, u1.end(), 1.0f);
    std::fill(u2.begin() + count, u2.end(), 0.0f);
    const float two_pi = 2.0f * std::numbers::pi_v<float>;
    AlignedNoiseMap(value.data()) = (-2.0f * AlignedNoiseMap(u1.data()).log()).sqrt() *
                                    (two_pi * AlignedNoiseMap(u2.data())).cos();
    std::copy(value.begin(), value.begin() + count, out + begin);
  }
}

}  // namespace distgae
