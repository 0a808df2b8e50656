// The stall watchdog over the partition pipeline's steps, for `distgae partition` and for the
// in-memory partition of `train --graph`: a rank that waits in a step's collectives on a peer
// that froze or was cut off ends the job (exit code 3) instead of hanging it.
#pragma once

#include <string>
#include <utility>

#include "core/progress_watchdog.hpp"
#include "partition/distributed/distributed_pipeline.hpp"

namespace distgae {

class PipelineWatchdog {
 public:
  // `setting`: --stall-timeout. `afterwards`: what the user does after a stall, for the message.
  PipelineWatchdog(double setting, int rank, std::string afterwards)
      : steps_(setting, kFloorSeconds, kStepFactor, rank, std::move(afterwards),
               "the first step: reading the input") {}

  // For partition_dataset_distributed: each step is a progress point and sizes auto's timeout.
  PipelineStepObserver observer() {
    return [this](double seconds, const std::string& step) {
      steps_.step_done(seconds, "the step after: " + step);
    };
  }

  // A progress point outside the pipeline's steps; `waiting` says what comes next.
  void progress(std::string waiting) { steps_.progress(std::move(waiting)); }

 private:
  // auto: the steps differ more in length than epochs do (the partition step of a graph of
  // billions of edges may run many times longer than the steps before it), and the first has
  // nothing to be sized from, so the floor is half an hour: a false alarm ends a healthy job
  // hours in, a hang is ended by the scheduler's time limit anyway.
  static constexpr double kFloorSeconds = 1800.0;
  static constexpr double kStepFactor = 10.0;

  StepWatchdog steps_;
};

}  // namespace distgae
