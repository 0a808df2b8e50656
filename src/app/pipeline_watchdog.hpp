// The stall watchdog over the partition pipeline's steps, for `distgae partition` and for the
// in-memory partition of `train --graph`: a rank that waits in a step's collectives on a peer
// that froze or was cut off ends the job (exit code 3) instead of hanging it.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "core/progress_watchdog.hpp"
#include "partition/distributed/distributed_pipeline.hpp"

namespace distgae {

class PipelineWatchdog {
 public:
  // `setting`: --stall-timeout (kStallTimeoutOff: no watchdog). `afterwards`: what the user does
  // after a stall, for the message.
  PipelineWatchdog(double setting, int rank, std::string afterwards) : setting_(setting) {
    if (setting != kStallTimeoutOff) {
      watchdog_.emplace(timeout(), end_process_on_stall(rank, std::move(afterwards)));
      watchdog_->progress("the first step: reading the input");
    }
  }

  // For partition_dataset_distributed: each step is a progress point and sizes auto's timeout.
  PipelineStepObserver observer() {
    return [this](double seconds, const std::string& step) {
      if (!watchdog_) return;
      slowest_step_ = std::max(slowest_step_, seconds);
      watchdog_->set_timeout(timeout());
      watchdog_->progress("the step after: " + step);
    };
  }

  // A progress point outside the pipeline's steps; `waiting` says what comes next.
  void progress(std::string waiting) {
    if (watchdog_) watchdog_->progress(std::move(waiting));
  }

 private:
  // auto: the steps differ more in length than epochs do (the partition step of a graph of
  // billions of edges may run many times longer than the steps before it), and the first has
  // nothing to be sized from, so the floor is half an hour: a false alarm ends a healthy job
  // hours in, a hang is ended by the scheduler's time limit anyway.
  static constexpr double kFloorSeconds = 1800.0;
  static constexpr double kStepFactor = 10.0;

  std::chrono::milliseconds timeout() const {
    return stall_timeout(setting_, slowest_step_, kFloorSeconds, kStepFactor);
  }

  double setting_;
  double slowest_step_ = 0.0;
  std::optional<ProgressWatchdog> watchdog_;
};

}  // namespace distgae
