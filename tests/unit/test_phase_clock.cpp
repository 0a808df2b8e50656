#include "core/phase_clock.hpp"

#include <gtest/gtest.h>

namespace distgae {
namespace {

// A clock whose time the test sets, so attribution is checked exactly.
struct FakeTime {
  double now = 0.0;
  PhaseClock clock{[this] { return now; }};
  double total(Phase phase) { return clock.totals()[static_cast<std::size_t>(phase)]; }
};

TEST(PhaseClock, ChargesTimeToTheCurrentPhase) {
  FakeTime t;
  t.now = 1.0;  // before any phase: other
  EXPECT_EQ(t.clock.enter(Phase::kSpmmForward), Phase::kOther);
  t.now = 3.5;
  EXPECT_EQ(t.clock.enter(Phase::kLoss), Phase::kSpmmForward);
  t.now = 4.0;
  EXPECT_DOUBLE_EQ(t.total(Phase::kOther), 1.0);
  EXPECT_DOUBLE_EQ(t.total(Phase::kSpmmForward), 2.5);
  EXPECT_DOUBLE_EQ(t.total(Phase::kLoss), 0.5);  // the running phase counts up to now
  EXPECT_EQ(t.clock.current(), Phase::kLoss);
}

TEST(PhaseClock, NestedPhasesAreExclusive) {
  FakeTime t;
  t.clock.enter(Phase::kSpmmForward);
  t.now = 2.0;
  {
    const Phase outer = t.clock.enter(Phase::kHaloExchange);
    t.now = 5.0;
    t.clock.enter(outer);
  }
  t.now = 6.0;
  t.clock.enter(Phase::kOther);
  EXPECT_DOUBLE_EQ(t.total(Phase::kSpmmForward), 3.0);  // 0-2 and 5-6, not the halo's 3 s
  EXPECT_DOUBLE_EQ(t.total(Phase::kHaloExchange), 3.0);
  double sum = 0.0;
  for (const double seconds : t.clock.totals()) sum += seconds;
  EXPECT_DOUBLE_EQ(sum, 6.0);  // exclusive totals add up to the wall time
}

TEST(PhaseClock, ResetZeroesTotalsAndKeepsThePhase) {
  FakeTime t;
  t.clock.enter(Phase::kDense);
  t.now = 2.0;
  t.clock.reset();
  t.now = 2.25;
  EXPECT_DOUBLE_EQ(t.total(Phase::kDense), 0.25);
  EXPECT_DOUBLE_EQ(t.total(Phase::kOther), 0.0);
}

TEST(PhaseClock, ScopedPhaseRestoresThePreviousPhaseOnThisThreadsClock) {
  phase_clock().enter(Phase::kOptimizer);
  {
    const ScopedPhase scoped(Phase::kAllreduce);
    EXPECT_EQ(phase_clock().current(), Phase::kAllreduce);
  }
  EXPECT_EQ(phase_clock().current(), Phase::kOptimizer);
  phase_clock().enter(Phase::kOther);
}

TEST(PhaseClock, EveryPhaseHasAName) {
  for (int phase = 0; phase < kPhaseCount; ++phase) {
    EXPECT_FALSE(phase_name(static_cast<Phase>(phase)).empty());
  }
  EXPECT_EQ(phase_name(Phase::kSpmmForward), "spmm_forward");
  EXPECT_EQ(phase_name(Phase::kEvaluation), "evaluation");
}

}  // namespace
}  // namespace distgae
