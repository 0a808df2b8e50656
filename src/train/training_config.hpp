// Everything `distgae train` is told, in one struct (also what a checkpoint will record).
#pragma once

#include <cstdint>
#include <string>

#include "core/fixed_point.hpp"
#include "core/progress_watchdog.hpp"
#include "model/encoder.hpp"

namespace distgae {

enum class DecoderKind {
  kSampled,  // positives + k uniform negatives per positive (scales to any graph)
  kFull,     // the paper's dense N×N weighted reconstruction (graphs up to ~50k nodes)
};

struct TrainingConfig {
  ModelKind model = ModelKind::kGae;
  DecoderKind decoder = DecoderKind::kSampled;
  int epochs = 200;
  double learning_rate = 0.01;
  int hidden = 32;
  int latent = 16;
  int negatives = 1;  // per positive edge and epoch
  std::uint64_t seed = 0;
  // --exact-sums: kExact sums gradients over nodes and pairs in fixed point, so that any number
  // of ranks (and threads) gives the same bits; kFloat is faster and gives the same bits for the
  // same number of ranks.
  Summation summation = Summation::kFloat;
  int threads = 1;      // OpenMP threads per rank
  int eval_every = 10;  // epochs between validation evaluations (0: never)
  std::string out_dir;
  bool force = false;
  int checkpoint_every = 10;  // epochs between checkpoints (0: only on a stop signal)
  int keep = 3;               // checkpoints kept
  bool resume = false;        // continue from the newest readable checkpoint in out_dir
  // --stall-timeout: seconds without an epoch or checkpoint before a rank ends the job;
  // kStallTimeoutAuto sizes it from the epochs seen, kStallTimeoutOff disables it. How the run
  // is watched, not what it computes: config_json leaves it out (a resume may change it).
  double stall_timeout = kStallTimeoutAuto;
};

// JSON text of every field (checkpoints record it; resume compares it).
std::string config_json(const TrainingConfig& config);

const char* model_name(ModelKind kind);
const char* decoder_name(DecoderKind kind);

}  // namespace distgae
