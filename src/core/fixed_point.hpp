// Sums with the same bits whatever order their terms come in and however they are split between
// threads and ranks (train --exact-sums; DESIGN.md, "Determinism"). Floating-point
// addition is not associative, so a float or double sum over a partition-dependent set of rows
// gives different bits for different numbers of ranks; integer sums do not. Two ways to integers,
// both on power-of-two grids that every rank takes from bounds agreed through an allreduce:
//   - products of two matrices (the weights' gradient): each operand is rounded to integers on a
//     grid per column, so each product is an exact integer (round_columns_to_grid, the
//     exact_product_bits budget; kernels in model/dense_products.hpp and model/spmm.hpp);
//   - single terms (the decoder's gradient rows): each term is rounded once to a multiple of a
//     quantum (FixedPointScale), and the multiples add as int64.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace distgae {

// How sums over nodes and pairs are taken where they decide the model (the weights' gradient,
// gradient rows that collect updates from many pairs): kFloat, in float and double in a fixed
// order per rank (the same bits for the same number of ranks); kExact, in fixed point on agreed
// scales (the same bits for any number of ranks, at a cost).
enum class Summation { kFloat, kExact };

// out[j] = the largest magnitude in column j of a row-major [rows, out.size()] block; infinity
// where the column holds a NaN, so that a scale from it comes out NaN (below) instead of the NaN
// being lost in a max.
inline void column_max_magnitudes(const float* data, std::int64_t rows, std::span<double> out) {
  const std::size_t cols = out.size();
  std::vector<float> largest(cols, 0.0f);
  float* const top = largest.data();
  // NaN compares false: a column that holds one keeps a NaN in `seen` instead (x - x is NaN for
  // NaN and infinity, 0 otherwise), checked once at the end.
  std::vector<float> seen(cols, 0.0f);
  float* const nan_seen = seen.data();
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* row = data + static_cast<std::size_t>(r) * cols;
#pragma omp simd
    for (std::size_t j = 0; j < cols; ++j) {
      const float magnitude = std::abs(row[j]);
      top[j] = magnitude > top[j] ? magnitude : top[j];
      nan_seen[j] += row[j] - row[j];
    }
  }
  for (std::size_t j = 0; j < cols; ++j) {
    out[j] = std::isnan(seen[j]) ? std::numeric_limits<double>::infinity() : largest[j];
  }
}

// The largest magnitude among values (a block of one column); infinity if one is not a number.
inline double max_magnitude(std::span<const float> values) {
  double largest = 0.0;
  column_max_magnitudes(values.data(), static_cast<std::int64_t>(values.size()),
                        std::span<double>(&largest, 1));
  return largest;
}

// Exact products of two matrices on integer grids (the weights' gradient with --exact-sums):
// column j of an operand is held as integers m = round(x · 2^e_j), |m| <= 2^bits, with e_j from
// a bound on the column that every rank agrees on. A product of two such integers is exact in
// double, and so is a sum of kExactChunk of them when the two operands' bits add up to at most
// kExactProductBits; each chunk's sum then goes into int64, which must hold the sum over every
// term of the graph: bits + log2(terms) <= 62.
inline constexpr int kExactChunkBits = 8;
inline constexpr std::int64_t kExactChunk = std::int64_t{1} << kExactChunkBits;
inline constexpr int kExactProductBits = 53 - kExactChunkBits;

// The most bits of one operand: it is held as a float, exact up to 2^24.
inline constexpr int kMaxOperandBits = 24;

// The bits the two operands of a product may share when `max_terms` products add into one sum.
inline int exact_product_bits(double max_terms) {
  const int term_bits = std::max(0, std::ilogb(std::max(max_terms, 1.0)) + 1);
  return std::max(2, std::min(kExactProductBits, 62 - term_bits));
}

// The exponent e with |x| · 2^e < 2^bits for every |x| <= bound (0 for a zero or not finite
// bound: a column of zeros, or a diverged run whose loss is not finite either).
inline int grid_exponent(double bound, int bits) {
  if (!(bound > 0.0) || !std::isfinite(bound)) return 0;
  return bits - std::ilogb(bound) - 1;
}

// values[i] becomes round(values[i] · 2^exponent) (to nearest, ties to even): an integer, exact as
// a float while the exponent keeps it under 2^24. (In double: 2^exponent may pass float's range.)
inline void round_to_grid(std::span<float> values, int exponent) {
  const double scale = std::ldexp(1.0, exponent);
  float* const data = values.data();
#pragma omp simd
  for (std::size_t i = 0; i < values.size(); ++i) {
    data[i] = static_cast<float>(std::nearbyint(static_cast<double>(data[i]) * scale));
  }
}

// The same for each column j of a row-major [rows, exponents.size()] block, with exponents[j].
inline void round_columns_to_grid(float* data, std::int64_t rows, std::span<const int> exponents) {
  const std::size_t cols = exponents.size();
  std::vector<double> scale(cols);
  for (std::size_t j = 0; j < cols; ++j) scale[j] = std::ldexp(1.0, exponents[j]);
  const double* const factor = scale.data();
  for (std::int64_t r = 0; r < rows; ++r) {
    float* row = data + static_cast<std::size_t>(r) * cols;
#pragma omp simd
    for (std::size_t j = 0; j < cols; ++j) {
      row[j] = static_cast<float>(std::nearbyint(static_cast<double>(row[j]) * factor[j]));
    }
  }
}

// The quantum of sums of single terms: from a bound on the terms' magnitude and the most terms one
// sum can have, so that each term is at most 2^50 units and no sum can pass 2^62.
class FixedPointScale {
 public:
  // Every term zero (bound 0).
  FixedPointScale() = default;

  // Terms of magnitude at most `bound`, at most `max_terms` of them in any one sum. A bound that
  // is not finite (a diverged run) gives a scale whose values are all NaN.
  FixedPointScale(double bound, double max_terms) {
    if (!std::isfinite(bound) || !(max_terms >= 1.0)) {
      to_units_ = 0.0;
      from_units_ = std::numeric_limits<double>::quiet_NaN();
      return;
    }
    if (bound <= 0.0) return;  // every term is zero
    // The largest number of units one term may take: 2^50, and less when many terms must fit
    // under 2^62 together.
    const int term_exponent = std::min(50, 62 - std::ilogb(max_terms) - 1);
    // bound · 2^e < 2^(ilogb(bound) + 1 + e) = 2^term_exponent.
    const int e = term_exponent - std::ilogb(bound) - 1;
    to_units_ = std::ldexp(1.0, e);
    from_units_ = std::ldexp(1.0, -e);
  }

  // `term` (|term| <= bound) in units, rounded to the nearest (ties to even: the default mode).
  // Scaling by a power of two is exact, so a kernel may scale one factor of many products by
  // to_units() once and round each product itself, with the same result.
  std::int64_t units(double term) const {
    return static_cast<std::int64_t>(std::nearbyint(term * to_units_));
  }

  // The power of two a term is multiplied by to be in units.
  double to_units() const { return to_units_; }

  // A sum of units as a number.
  double value(std::int64_t units) const { return static_cast<double>(units) * from_units_; }

  // The quantum: the value of one unit.
  double quantum() const { return from_units_; }

 private:
  double to_units_ = 1.0;
  double from_units_ = 1.0;
};

}  // namespace distgae
