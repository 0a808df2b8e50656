#include "core/phase_clock.hpp"

#include <stdexcept>

namespace distgae {
namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr std::array<std::string_view, kPhaseCount> kPhaseNames = {
    "other",     "feature_transform", "spmm_forward", "spmm_backward", "halo_exchange",
    "dense",     "sampling",          "row_fetch",    "loss",          "allreduce",
    "optimizer", "evaluation"};

}  // namespace

std::string_view phase_name(Phase phase) {
  const auto index = static_cast<std::size_t>(phase);
  if (index >= kPhaseNames.size()) throw std::out_of_range("phase_name: no such phase");
  return kPhaseNames[index];
}

PhaseClock::PhaseClock() : PhaseClock(steady_seconds) {}

PhaseClock::PhaseClock(TimeSource now) : now_(std::move(now)), since_(now_()) {}

Phase PhaseClock::enter(Phase phase) {
  const double now = now_();
  totals_[static_cast<std::size_t>(current_)] += now - since_;
  since_ = now;
  const Phase previous = current_;
  current_ = phase;
  return previous;
}

PhaseSeconds PhaseClock::totals() {
  enter(current_);
  return totals_;
}

void PhaseClock::reset() {
  totals_.fill(0.0);
  since_ = now_();
}

PhaseClock& phase_clock() {
  thread_local PhaseClock clock;
  return clock;
}

}  // namespace distgae
