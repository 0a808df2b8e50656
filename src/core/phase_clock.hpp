// Where an epoch's time goes: a clock that charges wall time to one phase at a time (the feature
// transform, the SpMMs, the halo exchange, ...), for the per-phase breakdown `bench/epoch.sh`
// prints. Phases nest: entering one pauses the enclosing phase, so the totals are exclusive and
// add up to the wall time spent inside phases.
//
// Each thread has its own clock (phase_clock()); phases are entered outside OpenMP regions, on
// the thread that drives training. A switch costs two clock reads.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <string_view>

namespace distgae {

enum class Phase : int {
  kOther = 0,         // time not inside any named phase
  kFeatureTransform,  // layer 1's X·W0 and Xᵀ·dY (sparse features)
  kSpmmForward,       // Â·T of both layers, without the halo exchange
  kSpmmBackward,      // Âᵀ·dY of both layers, without the halo exchange
  kHaloExchange,      // packing, posting and waiting for halo rows (forward and reverse)
  kDense,             // H·W1, the weight gradients, ReLU, VGAE's reparameterisation
  kSampling,          // drawing the epoch's negative pairs and VGAE noise
  kRowFetch,          // fetching decoder rows from their owners and returning their gradients
  kLoss,              // decoder logits, BCE, KL and their gradients
  kAllreduce,         // the fused gradient allreduce
  kOptimizer,         // Adam
  kEvaluation,        // AUC/AP on held-out pairs (outside the training step)
};
inline constexpr int kPhaseCount = 12;

std::string_view phase_name(Phase phase);

using PhaseSeconds = std::array<double, kPhaseCount>;

class PhaseClock {
 public:
  using TimeSource = std::function<double()>;  // seconds, non-decreasing
  PhaseClock();
  explicit PhaseClock(TimeSource now);

  // Charges the time since the last switch to the current phase and makes `phase` current.
  // Returns the phase that was current, for the caller to restore.
  Phase enter(Phase phase);
  Phase current() const { return current_; }

  // The totals so far, the current phase charged up to now.
  PhaseSeconds totals();
  void reset();  // zero every total; the current phase keeps running from now

 private:
  TimeSource now_;
  PhaseSeconds totals_{};
  Phase current_ = Phase::kOther;
  double since_ = 0.0;
};

// The calling thread's clock.
PhaseClock& phase_clock();

// Charges the enclosing scope to `phase` on this thread's clock, then resumes the previous phase.
class ScopedPhase {
 public:
  explicit ScopedPhase(Phase phase) : previous_(phase_clock().enter(phase)) {}
  ~ScopedPhase() { phase_clock().enter(previous_); }
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;

 private:
  Phase previous_;
};

}  // namespace distgae
