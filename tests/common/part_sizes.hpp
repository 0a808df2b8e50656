// Shared by the unit and MPI partition tests: node counts per part of an assignment.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace distgae::testing {

// [num_parts] the nodes of each part; every entry of `part_of` must lie in 0..num_parts-1 (a
// failed expectation otherwise, and the entry is not counted).
inline std::vector<std::int64_t> part_sizes(const std::vector<std::int32_t>& part_of,
                                            int num_parts) {
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(num_parts), 0);
  for (const std::int32_t p : part_of) {
    EXPECT_GE(p, 0);
    EXPECT_LT(p, num_parts);
    if (p >= 0 && p < num_parts) ++sizes[p];
  }
  return sizes;
}

}  // namespace distgae::testing
