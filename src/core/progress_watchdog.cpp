#include "core/progress_watchdog.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "core/error.hpp"

namespace distgae {

ProgressWatchdog::ProgressWatchdog(std::chrono::milliseconds timeout, StallHandler on_stall)
    : timeout_(timeout),
      last_progress_(Clock::now()),
      waiting_("starting"),
      on_stall_(std::move(on_stall)),
      thread_([this] { watch(); }) {}

ProgressWatchdog::~ProgressWatchdog() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ProgressWatchdog::progress(std::string waiting) {
  const std::lock_guard lock(mutex_);
  last_progress_ = Clock::now();
  waiting_ = std::move(waiting);
}

void ProgressWatchdog::set_timeout(std::chrono::milliseconds timeout) {
  {
    const std::lock_guard lock(mutex_);
    timeout_ = timeout;
  }
  wake_.notify_all();
}

void ProgressWatchdog::watch() {
  std::unique_lock lock(mutex_);
  while (!stopping_ && !reported_) {
    // A few looks per timeout: a stall is seen at most a tenth of the timeout late.
    const auto tick = std::max(std::chrono::milliseconds(10), timeout_ / 10);
    wake_.wait_for(lock, tick, [this] { return stopping_; });
    if (stopping_) break;
    const auto quiet = Clock::now() - last_progress_;
    if (quiet < timeout_) continue;
    reported_ = true;
    const double seconds = std::chrono::duration<double>(quiet).count();
    const std::string waiting = waiting_;
    lock.unlock();
    on_stall_(seconds, waiting);
    lock.lock();
  }
}

std::chrono::milliseconds stall_timeout(double setting, double slowest_seconds,
                                        double floor_seconds, double factor) {
  const double seconds = setting > 0 ? setting : std::max(floor_seconds, factor * slowest_seconds);
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
}

StepWatchdog::StepWatchdog(double setting, double floor_seconds, double factor, int rank,
                           std::string afterwards, std::string waiting)
    : setting_(setting), floor_seconds_(floor_seconds), factor_(factor) {
  if (setting == kStallTimeoutOff) return;
  watchdog_.emplace(timeout(), end_process_on_stall(rank, std::move(afterwards)));
  watchdog_->progress(std::move(waiting));
}

void StepWatchdog::step_done(double seconds, std::string waiting) {
  if (!watchdog_) return;
  slowest_step_ = std::max(slowest_step_, seconds);
  watchdog_->set_timeout(timeout());
  watchdog_->progress(std::move(waiting));
}

void StepWatchdog::progress(std::string waiting) {
  if (watchdog_) watchdog_->progress(std::move(waiting));
}

std::chrono::milliseconds StepWatchdog::timeout() const {
  return stall_timeout(setting_, slowest_step_, floor_seconds_, factor_);
}

ProgressWatchdog::StallHandler end_process_on_stall(int rank, std::string afterwards) {
  char host[256] = "?";
  gethostname(host, sizeof(host) - 1);
  return [rank, hostname = std::string(host), afterwards = std::move(afterwards)](
             double seconds, const std::string& waiting) {
    std::fprintf(stderr,
                 "distgae: error: rank %d on %s made no progress for %.0f s (%s): a peer is "
                 "frozen or cut off, or --stall-timeout is too short; ending the job (exit "
                 "code %d; %s)\n",
                 rank, hostname.c_str(), seconds, waiting.c_str(), kExitStalled,
                 afterwards.c_str());
    std::fflush(stderr);
    std::_Exit(kExitStalled);
  };
}

}  // namespace distgae
