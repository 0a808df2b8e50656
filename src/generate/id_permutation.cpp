#include "generate/id_permutation.hpp"

#include <stdexcept>

#include "core/rng.hpp"

namespace distgae {

IdPermutation::IdPermutation(int bits, std::uint64_t key) : bits_(bits), shift_(bits / 2 + 1) {
  if (bits < 0 || bits > 63) throw std::invalid_argument("IdPermutation: bits out of [0, 63]");
  mask_ = (std::uint64_t{1} << bits) - 1;
  for (int round = 0; round < kRounds; ++round) {
    const auto counter = static_cast<std::uint64_t>(round);
    multipliers_[round] = (mix64(key ^ mix64(2 * counter)) & mask_) | 1;  // odd: invertible
    offsets_[round] = mix64(key ^ mix64(2 * counter + 1)) & mask_;
  }
}

std::uint64_t IdPermutation::operator()(std::uint64_t id) const {
  std::uint64_t x = id & mask_;
  for (int round = 0; round < kRounds; ++round) {
    x = (x * multipliers_[round]) & mask_;
    x ^= x >> shift_;  // invertible for shift >= 1: the top `shift` bits are unchanged
    x = (x + offsets_[round]) & mask_;
  }
  return x;
}

}  // namespace distgae
