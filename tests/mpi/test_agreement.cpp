// agree_on_errors: a failure on any one rank becomes the same AgreedError on every rank (the
// first failing rank's message and exit code), so all leave a step together; without one the
// step's value comes back. Meaningful from 2 ranks; at 1 it checks the one-rank forms.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "comm/agreement.hpp"
#include "comm/communicator.hpp"
#include "core/error.hpp"

namespace distgae {
namespace {

// Runs `step` under agreement and returns the AgreedError's report (empty message: none).
template <class Step>
ErrorReport agreed_report(const Communicator& world, Step step) {
  try {
    agree_on_errors(world, step);
  } catch (const AgreedError& error) {
    return {error.what(), error.exit_code(), true};
  }
  return {};
}

TEST(Agreement, ReturnsTheStepsValueWhenNoRankFails) {
  const Communicator world = Communicator::world();
  const int value = agree_on_errors(world, [&] { return 10 + world.rank(); });
  EXPECT_EQ(value, 10 + world.rank());
}

TEST(Agreement, AnInputErrorOnTheLastRankReachesEveryRank) {
  const Communicator world = Communicator::world();
  const int last = world.size() - 1;
  const ErrorReport report = agreed_report(world, [&] {
    if (world.rank() == last) throw InputError("part-x.h5: broken");
  });
  EXPECT_TRUE(report.agreed);
  EXPECT_EQ(report.exit_code, kExitBadInput);
  const std::string expected = world.size() > 1
                                   ? "[rank " + std::to_string(last) + "/" +
                                         std::to_string(world.size()) + "] part-x.h5: broken"
                                   : "part-x.h5: broken";
  EXPECT_EQ(report.message, expected);
}

TEST(Agreement, TheFirstFailingRanksErrorWins) {
  const Communicator world = Communicator::world();
  // Ranks from 1 up fail, each with its own message and kind; rank 1's is the one reported.
  const ErrorReport report = agreed_report(world, [&] {
    if (world.rank() == 0) return;
    if (world.rank() % 2 == 1) throw std::runtime_error("odd " + std::to_string(world.rank()));
    throw InputError("even " + std::to_string(world.rank()));
  });
  if (world.size() == 1) {
    EXPECT_FALSE(report.agreed);
    return;
  }
  EXPECT_EQ(report.exit_code, kExitInternal);
  EXPECT_EQ(report.message, "[rank 1/" + std::to_string(world.size()) + "] odd 1");
}

TEST(Agreement, AnErrorOnEveryRankIsReportedWithoutARank) {
  const Communicator world = Communicator::world();
  const ErrorReport report =
      agreed_report(world, [&] { throw InputError("meta.h5: every rank sees this"); });
  EXPECT_EQ(report.exit_code, kExitBadInput);
  EXPECT_EQ(report.message, "meta.h5: every rank sees this");
}

TEST(Agreement, ARootStepRunsOnRankZeroAloneAndNamesNoRank) {
  const Communicator world = Communicator::world();
  int runs = 0;
  agree_on_root_errors(world, [&] { ++runs; });
  EXPECT_EQ(world.allreduce_sum(runs), 1);
  EXPECT_EQ(runs, world.rank() == 0 ? 1 : 0);
  const ErrorReport report = agreed_report(
      world, [&] { agree_on_root_errors(world, [] { throw InputError("out: full"); }); });
  EXPECT_EQ(report.message, "out: full");
  EXPECT_EQ(report.exit_code, kExitBadInput);
}

TEST(Agreement, AllRanksCarryOnTogetherAfterAFailure) {
  // After an agreed failure every rank is back in step: the next collective matches up.
  const Communicator world = Communicator::world();
  agreed_report(world, [&] {
    if (world.rank() == 0) throw std::bad_alloc();
  });
  EXPECT_EQ(world.allreduce_sum(1), world.size());
}

}  // namespace
}  // namespace distgae
