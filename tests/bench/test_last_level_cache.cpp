// bench/kernels' cache-size rule (cache_edge_bytes) on pointer-chase sweeps as this machine and
// others give them: the roofline it prints depends on it.
#include "bench/last_level_cache.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace distgae {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

std::vector<ChasePoint> sweep(const std::vector<double>& ns) {
  std::vector<ChasePoint> points;
  double size = 4 * kMiB;
  for (const double latency : ns) {
    points.push_back({size, latency});
    size *= 2;
  }
  return points;
}

TEST(LastLevelCache, EdgeIsTheFirstSetPastTheMidpoint) {
  // This VM, quiet: 4..128 MiB. Midpoint (16 + 180) / 2 = 98 ns, first passed at 32 MiB.
  EXPECT_EQ(cache_edge_bytes(sweep({16, 18, 45, 120, 160, 180})), 32 * kMiB);
  // Busy: the 16 MiB set slower, still below the midpoint; the TLB step at 8 -> 16 MiB is not
  // taken for the cache (the steepest-step rule would have said 16 MiB).
  EXPECT_EQ(cache_edge_bytes(sweep({16, 17, 75, 130, 165, 185})), 32 * kMiB);
  // A 96 MiB stacked cache: latencies stay low through 64 MiB.
  EXPECT_EQ(cache_edge_bytes(sweep({12, 13, 14, 16, 20, 110})), 128 * kMiB);
}

TEST(LastLevelCache, NoEdgeWhenTheEndsAreClose) {
  EXPECT_EQ(cache_edge_bytes(sweep({100, 110, 120, 130, 140, 150})), 0);  // all past the cache
  EXPECT_EQ(cache_edge_bytes(sweep({16})), 0);
  EXPECT_EQ(cache_edge_bytes({}), 0);
}

}  // namespace
}  // namespace distgae
