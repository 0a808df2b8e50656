#include "core/progress_watchdog.hpp"

#include <algorithm>
#include <utility>

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

}  // namespace distgae
