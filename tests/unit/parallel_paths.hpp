// Sends every threaded kernel down its parallel path for a scope, whatever the input's size
// (core/parallel_work.hpp), so the thread-count tests exercise on small inputs what large graphs
// run.
#pragma once

#include <cstdint>

#include "core/parallel_work.hpp"

namespace distgae::testing {

class ParallelPathsForAnySize {
 public:
  ParallelPathsForAnySize() : previous_(min_parallel_work()) { set_min_parallel_work(0); }
  ~ParallelPathsForAnySize() { set_min_parallel_work(previous_); }
  ParallelPathsForAnySize(const ParallelPathsForAnySize&) = delete;
  ParallelPathsForAnySize& operator=(const ParallelPathsForAnySize&) = delete;

 private:
  std::int64_t previous_;
};

}  // namespace distgae::testing
