// A keyed bijection of [0, 2^bits): relabels R-MAT vertices so that degree says nothing about id.
//
// Rounds of invertible steps on `bits`-bit words: multiply by an odd constant, xor with the word
// shifted right, add a constant (all modulo 2^bits). Each step is a bijection, so the whole is;
// the constants come from the key, so different keys give unrelated shuffles. O(1) a call, no
// table: a permutation of 2^32 ids costs a few words.
#pragma once

#include <cstdint>

namespace distgae {

class IdPermutation {
 public:
  // The identity on [0, 1) when bits == 0. bits <= 63.
  IdPermutation(int bits, std::uint64_t key);

  int bits() const { return bits_; }
  // The image of `id` (< 2^bits).
  std::uint64_t operator()(std::uint64_t id) const;

 private:
  static constexpr int kRounds = 4;
  int bits_ = 0;
  int shift_ = 1;
  std::uint64_t mask_ = 0;
  std::uint64_t multipliers_[kRounds] = {};
  std::uint64_t offsets_[kRounds] = {};
};

}  // namespace distgae
