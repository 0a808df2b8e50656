// ExactSum: a sum of doubles whose bits do not depend on the order of its terms or on how they
// are split between threads and ranks. Every term is rounded once to a multiple of 2^-64 (to
// nearest, ties to even) and the multiples add exactly, modulo 2^128, in a 128-bit integer:
// integer addition is associative, so any grouping of the same terms gives the same sum. The
// losses (means over pairs and nodes) are summed this way, so the loss reported for an epoch is
// the same bits for any number of ranks (DESIGN.md, "Determinism").
//
// Range: terms under 2^40 in magnitude, sums under 2^63 (a mean of terms under 2^40 is; a sum
// past that range is a diverged run). A term that is not finite or not under 2^40 makes the sum
// NaN, on every rank once the sums are combined.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

namespace distgae {

// 128-bit integers (a GCC and Clang extension; -Wpedantic asks that it be marked).
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

class ExactSum {
 public:
  // Slots of the form that an int64 allreduce (MPI_SUM) combines: four 32-bit limbs of the
  // 128-bit sum (each under 2^32, so up to 2^31 ranks add without overflow) and the count of
  // terms out of range.
  static constexpr int kReduceSlots = 5;
  using ReduceSlots = std::array<std::int64_t, kReduceSlots>;

  static constexpr int kFractionBits = 64;
  static constexpr double kMaxTerm = 1099511627776.0;     // 2^40
  static constexpr double kOne = 18446744073709551616.0;  // 2^64: one in units

  void add(double term) {
    if (!(std::abs(term) < kMaxTerm)) {  // NaN fails the comparison too
      ++out_of_range_;
      return;
    }
    // term · 2^64 < 2^104 (a product by a power of two: exact). Under 2^62, rounded to nearest
    // (ties to even, the default mode) and converted through int64; from 2^52 up it is an integer
    // already, and the conversion to 128 bits is exact.
    const double scaled = term * kOne;
    if (std::abs(scaled) < 4611686018427387904.0) {  // 2^62
      units_ += static_cast<Units>(
          static_cast<Int128>(static_cast<std::int64_t>(std::nearbyint(scaled))));
    } else {
      units_ += static_cast<Units>(static_cast<Int128>(scaled));
    }
  }

  // add(weight · terms[i]) for every i, faster: the terms of a batch are rounded alike and summed
  // in int64 before they reach the 128-bit sum (the same bits as adding them one by one).
  void add_weighted(std::span<const float> terms, double weight) {
    const double scale = weight * kOne;  // exact: weight · 2^64 is a product by a power of two
    // Each scaled term under 2^56 in magnitude: 256 of them sum under 2^63.
    constexpr double kBatchLimit = 72057594037927936.0;  // 2^56
    constexpr std::size_t kBatch = 256;
    for (std::size_t begin = 0; begin < terms.size(); begin += kBatch) {
      const std::size_t end = std::min(terms.size(), begin + kBatch);
      std::int64_t batch = 0;
      int out_of_batch_range = 0;
      const float* const data = terms.data();
#pragma omp simd reduction(+ : batch, out_of_batch_range)
      for (std::size_t i = begin; i < end; ++i) {
        const double scaled = static_cast<double>(data[i]) * scale;
        const bool fits = std::abs(scaled) < kBatchLimit;  // false for NaN too
        out_of_batch_range += fits ? 0 : 1;
        batch += static_cast<std::int64_t>(std::nearbyint(fits ? scaled : 0.0));
      }
      if (out_of_batch_range == 0) {
        units_ += static_cast<Units>(static_cast<Int128>(batch));
      } else {
        for (std::size_t i = begin; i < end; ++i) add(weight * static_cast<double>(terms[i]));
      }
    }
  }

  ExactSum& operator+=(const ExactSum& other) {
    units_ += other.units_;
    out_of_range_ += other.out_of_range_;
    return *this;
  }

  // The sum, rounded once to the nearest double; NaN when a term was out of range.
  double value() const {
    if (out_of_range_ != 0) return std::numeric_limits<double>::quiet_NaN();
    return static_cast<double>(static_cast<Int128>(units_)) / kOne;
  }

  // The slots of this sum; the slot-wise sum of several sums' slots is the slots of their sum.
  ReduceSlots reduce_slots() const {
    ReduceSlots slots{};
    for (int limb = 0; limb < 4; ++limb) {
      slots[static_cast<std::size_t>(limb)] =
          static_cast<std::int64_t>((units_ >> (32 * limb)) & 0xffffffffU);
    }
    slots[4] = out_of_range_;
    return slots;
  }

  // The sum whose slots (possibly added up over ranks) these are.
  static ExactSum from_reduce_slots(std::span<const std::int64_t, kReduceSlots> slots) {
    ExactSum sum;
    for (int limb = 0; limb < 4; ++limb) {
      // Wrap-around arithmetic: a limb summed over ranks may carry into the next ones.
      sum.units_ +=
          static_cast<Units>(static_cast<std::uint64_t>(slots[static_cast<std::size_t>(limb)]))
          << (32 * limb);
    }
    sum.out_of_range_ = slots[4];
    return sum;
  }

  bool operator==(const ExactSum&) const = default;

 private:
  // Unsigned, so that intermediate sums may wrap and come back (addition modulo 2^128); read as
  // signed at the end.
  using Units = UInt128;
  Units units_ = 0;
  std::int64_t out_of_range_ = 0;
};

}  // namespace distgae
