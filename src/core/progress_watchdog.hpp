// A stall detector for one rank: the job reports progress at points it passes regularly (the end
// of an epoch or of a partition step); a thread of its own wakes a few times per timeout and,
// when no progress came for the whole timeout, reports the stall once. distgae's handler
// (end_process_on_stall) logs which rank, on which host, waited where, and ends the process: a
// rank that waits forever in a collective on a peer that froze or was cut off then ends the job
// through its launcher instead of hanging it (jobs/README.md, "Networks and lost nodes").
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace distgae {

class ProgressWatchdog {
 public:
  using Clock = std::chrono::steady_clock;
  // Called once, from the watchdog's thread, with how long nothing happened and the `waiting`
  // text of the last progress().
  using StallHandler = std::function<void(double seconds, const std::string& waiting)>;

  ProgressWatchdog(std::chrono::milliseconds timeout, StallHandler on_stall);
  ProgressWatchdog(const ProgressWatchdog&) = delete;
  ProgressWatchdog& operator=(const ProgressWatchdog&) = delete;
  ~ProgressWatchdog();  // stops and joins the thread

  // Progress now; `waiting` says what comes next (for the stall message).
  void progress(std::string waiting);
  // A new timeout, counted from the last progress.
  void set_timeout(std::chrono::milliseconds timeout);

 private:
  void watch();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::chrono::milliseconds timeout_;
  Clock::time_point last_progress_;
  std::string waiting_;
  StallHandler on_stall_;
  bool stopping_ = false;
  bool reported_ = false;
  std::thread thread_;  // last: starts once every other member is ready
};

// --stall-timeout as the commands take it: auto, off, or a number of seconds (> 0).
inline constexpr double kStallTimeoutAuto = -1.0;
inline constexpr double kStallTimeoutOff = 0.0;

// How long a rank may go without progress under `setting`: the seconds given, or for auto
// `factor` times the slowest stretch between two progress points seen so far, never below
// `floor_seconds` (start-up and the first stretch have nothing to be sized from).
std::chrono::milliseconds stall_timeout(double setting, double slowest_seconds,
                                        double floor_seconds, double factor);

// The handler distgae installs: prints one line naming `rank`, this host, how long it waited
// and for what, with `afterwards` (what the user does next), then _Exits with kExitStalled. The
// main thread is blocked inside MPI at that point, so nothing may unwind or touch MPI.
ProgressWatchdog::StallHandler end_process_on_stall(int rank, std::string afterwards);

// --stall-timeout over a job that advances in steps (train's epochs, partition's pipeline steps):
// a ProgressWatchdog with end_process_on_stall whose timeout is `setting` seconds, or for auto
// `factor` times the slowest step so far and at least `floor_seconds`; nothing when off.
class StepWatchdog {
 public:
  StepWatchdog(double setting, double floor_seconds, double factor, int rank,
               std::string afterwards, std::string waiting);

  // A step ended after `seconds`; `waiting` says what comes next.
  void step_done(double seconds, std::string waiting);
  // A progress point that is not the end of a step.
  void progress(std::string waiting);

 private:
  std::chrono::milliseconds timeout() const;

  double setting_;
  double floor_seconds_;
  double factor_;
  double slowest_step_ = 0.0;
  std::optional<ProgressWatchdog> watchdog_;
};

}  // namespace distgae
