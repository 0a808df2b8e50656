// ProgressWatchdog with a handler that records instead of ending the process: steady progress is
// never a stall, silence is reported once, soon after the timeout, with the last progress text.
#include "core/progress_watchdog.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace distgae {
namespace {

using std::chrono::milliseconds;

struct Recorder {
  std::mutex mutex;
  int stalls = 0;
  double seconds = 0;
  std::string waiting;
  ProgressWatchdog::StallHandler handler() {
    return [this](double quiet, const std::string& what) {
      const std::lock_guard lock(mutex);
      ++stalls;
      seconds = quiet;
      waiting = what;
    };
  }
};

TEST(ProgressWatchdog, SteadyProgressIsNeverAStall) {
  Recorder recorder;
  {
    // A timeout far above the 20 ms between progress calls, even on a loaded machine.
    ProgressWatchdog watchdog(milliseconds(3000), recorder.handler());
    for (int i = 0; i < 30; ++i) {
      std::this_thread::sleep_for(milliseconds(20));
      watchdog.progress("epoch " + std::to_string(i));
    }
  }
  EXPECT_EQ(recorder.stalls, 0);
}

TEST(ProgressWatchdog, SilenceIsReportedOnceWithWhatItWaitedFor) {
  Recorder recorder;
  {
    ProgressWatchdog watchdog(milliseconds(100), recorder.handler());
    watchdog.progress("the allreduce of epoch 7");
    // Reported once the thread gets to run (within 10 s even on a loaded machine), then never
    // again however long the silence lasts.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        const std::lock_guard lock(recorder.mutex);
        if (recorder.stalls > 0) break;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    std::this_thread::sleep_for(milliseconds(300));
  }
  EXPECT_EQ(recorder.stalls, 1);
  EXPECT_EQ(recorder.waiting, "the allreduce of epoch 7");
  EXPECT_GE(recorder.seconds, 0.1);
}

TEST(ProgressWatchdog, ALongerTimeoutPostponesTheStall) {
  Recorder recorder;
  {
    ProgressWatchdog watchdog(milliseconds(100), recorder.handler());
    watchdog.set_timeout(milliseconds(5000));
    std::this_thread::sleep_for(milliseconds(400));
  }
  EXPECT_EQ(recorder.stalls, 0);
}

TEST(StallTimeout, AGivenNumberOfSecondsIsKeptWhateverTheStepsTook) {
  EXPECT_EQ(stall_timeout(2.5, 100.0, 300.0, 10.0), milliseconds(2500));
}

TEST(StallTimeout, AutoIsAFactorOfTheSlowestStepNeverBelowTheFloor) {
  EXPECT_EQ(stall_timeout(kStallTimeoutAuto, 0.0, 300.0, 10.0), milliseconds(300000));
  EXPECT_EQ(stall_timeout(kStallTimeoutAuto, 29.0, 300.0, 10.0), milliseconds(300000));
  EXPECT_EQ(stall_timeout(kStallTimeoutAuto, 45.5, 300.0, 10.0), milliseconds(455000));
  EXPECT_EQ(stall_timeout(kStallTimeoutAuto, 45.5, 600.0, 10.0), milliseconds(600000));
}

}  // namespace
}  // namespace distgae
