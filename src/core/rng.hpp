// Counter-based randomness: every draw is a pure function of (seed, purpose, counters), so a
// value never depends on rank, local order or the number of ranks (DESIGN.md, Determinism).
//
// The mixer is the SplitMix64 finaliser (Steele, Lea, Flood 2014) applied to each word in turn;
// it passes BigCrush as a hash of a counter and costs a few multiplies per draw.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace distgae {

// What a draw is for. Distinct purposes give independent streams for the same counters.
enum class RandomPurpose : std::uint64_t {
  kEdgeSplit = 1,
  kSplitNegative = 2,
  kWeightInit = 3,
  kTrainNegative = 4,
  kVgaeNoise = 5,
  kRandomPartition = 6,
  kSyntheticEdges = 7,     // distgae generate: edge counts, neighbours, R-MAT samples, id shuffles
  kSyntheticFeatures = 8,  // distgae generate: community columns and node feature columns
  kLabelPropagation = 9,   // ties between equally good labels in the partition stage
};

// splitmix64's finaliser: a bijection of 64-bit words that mixes every input bit into all. The
// checksums of checkpoints and files (io/array_checksum, io/file_digest) chain it.
inline std::uint64_t splitmix64_finalizer(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// One splitmix64 step: the golden-ratio increment, then the finaliser.
inline std::uint64_t mix64(std::uint64_t x) {
  return splitmix64_finalizer(x + 0x9e3779b97f4a7c15ULL);
}

// Extends a key by more counters: random_bits(s, p, {a, b}) == extend_bits(random_bits(s, p, {a}),
// {b}). Hot loops hash their common prefix (seed, purpose, epoch) once and extend it per draw.
inline std::uint64_t extend_bits(std::uint64_t key, std::initializer_list<std::uint64_t> counters) {
  for (std::uint64_t c : counters) key = mix64(key ^ c);
  return key;
}

// A 64-bit random word keyed by seed, purpose and any number of counters.
inline std::uint64_t random_bits(std::uint64_t seed, RandomPurpose purpose,
                                 std::initializer_list<std::uint64_t> counters) {
  return extend_bits(mix64(seed ^ mix64(static_cast<std::uint64_t>(purpose))), counters);
}

// Maps 64 random bits to [0, bound) by multiply-shift (Lemire 2019); the bias is below 2^-32
// for every bound we use (node counts).
inline std::uint64_t bounded(std::uint64_t bits, std::uint64_t bound) {
  __extension__ using Uint128 = unsigned __int128;  // GCC/Clang; the high half of a 64x64 product
  return static_cast<std::uint64_t>((static_cast<Uint128>(bits) * bound) >> 64);
}

// Maps 64 random bits to a double uniform in [0, 1) with 53 random bits.
inline double unit_interval(std::uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace distgae
