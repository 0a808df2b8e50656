// A stall detector for one rank: the job reports progress at points it passes regularly (the end
// of an epoch, a checkpoint written); a thread of its own wakes a few times per timeout and, when
// no progress came for the whole timeout, reports the stall once. distgae's handler logs which
// rank, on which host, waited where, and ends the process (run_training): a rank that waits
// forever in a collective on a peer that froze or was cut off then ends the job through its
// launcher instead of hanging it (jobs/README.md, "Networks and lost nodes").
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
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

}  // namespace distgae
