// Parallel sums for the losses: the terms are summed exactly (core/exact_sum.hpp), in fixed blocks
// over OpenMP threads, so a loss has the same bits for every thread count and schedule, and for
// every split of its terms between ranks.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "core/exact_sum.hpp"

namespace distgae::detail {

inline constexpr int kSumBlocks = 256;

// Σ term(i) for i in [0, n), exactly, over OpenMP threads when `parallel`. term may also write
// outputs for index i (each index is visited exactly once, by one thread).
template <class Term>
ExactSum blocked_sum(std::int64_t n, bool parallel, Term&& term) {
  std::array<ExactSum, kSumBlocks> partial{};
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
  for (int block = 0; block < kSumBlocks; ++block) {
    const std::int64_t begin = n * block / kSumBlocks;
    const std::int64_t end = n * (block + 1) / kSumBlocks;
    ExactSum sum;
    for (std::int64_t i = begin; i < end; ++i) sum.add(term(i));
    partial[static_cast<std::size_t>(block)] = sum;
  }
  ExactSum total;
  for (const ExactSum& value : partial) total += value;
  return total;
}

inline constexpr int kScratchSlots = 3;

// A float buffer of n entries owned by the calling thread; distinct slots never alias. It only
// grows, so a kernel called every epoch stops allocating once the sizes are reached.
//
// It starts on a 64-byte boundary: Eigen computes the first entries of an expression over an
// unaligned buffer with scalar code and the rest with SIMD packets, and the two differ in the
// last bits for exp and log1p (and a sum's order changes with them). With AVX-512's 64-byte
// packets, malloc's 16-byte alignment made results depend on where the heap put the buffer: a
// resumed run left its first epoch with different bits from an uninterrupted one.
inline std::span<float> thread_scratch(int slot, std::size_t n) {
  using AlignedFloats = std::vector<float, Eigen::aligned_allocator<float>>;
  thread_local std::array<AlignedFloats, kScratchSlots> buffers;
  AlignedFloats& buffer = buffers.at(static_cast<std::size_t>(slot));
  if (buffer.size() < n) buffer.resize(n);
  return {buffer.data(), n};
}

}  // namespace distgae::detail
