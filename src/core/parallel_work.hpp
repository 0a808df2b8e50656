// When a kernel is worth an OpenMP parallel region, shared by every threaded kernel so they agree
// on what a small problem is.
//
// Work is counted in multiply-adds (nonzeros × width for a sparse product, rows × inner × outer for
// a dense one, pairs × width for the decoder; kernels of other kinds convert their cost per item).
// Below the threshold a kernel runs on the calling thread. A parallel region costs a few
// microseconds, but the larger cost is moving data between cores: a cache line written by one core
// and read by another takes ~200 ns on the 2-core machine of bench/README.md (a 413 ns round
// trip), and every kernel reads what the previous one wrote. On a graph of a few thousand nodes
// every operand sits in one core's caches; splitting its kernels made Cora's epoch 1.7x slower on
// two threads than on one.
#pragma once

#include <cstdint>

namespace distgae {

// The default: 4M multiply-adds, a few tens of microseconds of one core's work.
inline constexpr std::int64_t kDefaultMinParallelWork = std::int64_t{1} << 22;

// The threshold in force: the environment variable DISTGAE_MIN_PARALLEL_WORK (a non-negative
// integer, read once; a machine whose cores share a cache may want less), else the default.
// Throws InputError naming the variable when it is set to anything else.
std::int64_t min_parallel_work();

// Replaces the threshold for the rest of the process (tests use 0 to exercise the threaded paths
// on small inputs). Not thread-safe against kernels running at the same time.
void set_min_parallel_work(std::int64_t work);

inline bool worth_parallel_work(std::int64_t work) {
  return work >= min_parallel_work();
}

}  // namespace distgae
