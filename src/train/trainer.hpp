// Trainer: full-batch GAE/VGAE training of one rank's part (DESIGN.md, Training). Weights are
// replicated and updated by the same Adam step on every rank from one allreduced gradient;
// node rows (activations, featureless first-layer rows) are distributed. P = 1 is the same code.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/halo_exchange.hpp"
#include "comm/row_fetch.hpp"
#include "core/phase_clock.hpp"
#include "io/checkpoint_file.hpp"
#include "io/dataset.hpp"
#include "model/adam.hpp"
#include "model/encoder.hpp"
#include "model/normalized_adjacency.hpp"
#include "train/canonical_blocks.hpp"
#include "train/evaluation.hpp"
#include "train/objective.hpp"
#include "train/training_config.hpp"

namespace distgae {

struct EpochRecord {
  std::int64_t epoch = 0;  // 1-based
  double loss = 0.0;
  double reconstruction = 0.0;
  double kl = 0.0;
  std::optional<RankingMetrics> val;
  double seconds = 0.0;              // wall time of the training step
  double comm_seconds = 0.0;         // of which spent in communication (this rank)
  double compute_seconds = 0.0;      // seconds - comm_seconds
  std::int64_t bytes_sent = 0;       // by all ranks together during the step
  std::int64_t rank_bytes_sent = 0;  // by this rank during the step
  std::int64_t rank_halo_bytes = 0;  // of which through the halo exchange
  PhaseSeconds phases{};             // this rank's step, by phase (evaluation excluded)
  double evaluation_seconds = 0.0;   // this rank's evaluation after the step (0 when none)
};

// Loss parts at the current weights (the same on every rank after the allreduce).
struct LossParts {
  double reconstruction = 0.0;
  double kl = 0.0;
  double total() const { return reconstruction + kl; }
};

class Trainer {
 public:
  Trainer(const TrainingConfig& config, const DatasetMeta& meta, PartData part, Communicator world);
  ~Trainer();

  // Collective: trains epochs first_epoch..config.epochs, calling on_epoch (every rank) after
  // each; stops early when on_epoch returns false (on every rank alike). Throws
  // std::runtime_error naming the epoch when the loss stops being finite.
  void train(std::int64_t first_epoch, const std::function<bool(const EpochRecord&)>& on_epoch);
  void train(const std::function<void(const EpochRecord&)>& on_epoch);

  // The state after `epoch` epochs, less the featureless rows (featureless says whether there
  // are any: checkpoint_node_rows gives them, block by block).
  CheckpointState checkpoint_state(std::int64_t epoch) const;
  // Collective, featureless only: this rank's block (node_row_block()) of the checkpoint's node
  // array `array` (kCheckpointNodeArrays: rows, Adam m, Adam v), in canonical order.
  std::vector<float> checkpoint_node_rows(int array) const;
  // Restores weights and optimiser state from `state` (read_checkpoint_replicated(source)) and,
  // when featureless, collectively, the node rows: each rank reads its block of each array from
  // `source` and sends the rows to their owners. Throws InputError naming the first difference
  // when the checkpoint is of another dataset or model.
  void restore(const CheckpointState& state, const std::string& source);
  // The canonical node rows this rank writes to and reads from a checkpoint (empty when the
  // model has features).
  RowBlock node_row_block() const;

  // Collective: loss and gradients at the current weights for `epoch`'s draws, without
  // updating. Afterwards gradients() is the allreduced replicated gradient and
  // node_row_gradients() this rank's featureless first-layer rows' gradient.
  LossParts compute_gradients(std::int64_t epoch);
  std::span<const float> gradients() const { return gradients_; }
  const Matrix& node_row_gradients() const { return node_row_gradients_; }

  // Frees what only training steps use (the objective with its draws and row tables, the
  // gradient scratch) before the final evaluation, which needs memory of its own; afterwards
  // compute_gradients and train throw, encode, evaluation and checkpoints still work.
  void release_training_state();

  // Collective: μ (and log σ) of the current weights, and metrics on the held-out pairs.
  void encode();
  RankingMetrics evaluate_val();
  RankingMetrics evaluate_test();
  const Matrix& mu() const { return encoder_->mu(); }
  const Matrix& logstd() const { return encoder_->logstd(); }

  std::span<const float> parameters() const { return parameters_; }
  const Matrix& node_rows() const { return node_rows_; }
  // The part's ids and layout; its adjacency, training edges and held-out pairs were handed to
  // the layers, the objective and the evaluators at construction and are empty here.
  const PartData& part() const { return part_; }
  const EncoderShape& shape() const { return shape_; }

 private:
  std::int64_t bytes_sent() const;
  double comm_seconds() const;
  // Collective: the loss parts and the replicated gradient summed over ranks (into gradients_).
  LossParts reduce_over_ranks(const ExactSum& reconstruction, const ExactSum& kl);

  TrainingConfig config_;
  const DatasetMeta& meta_;
  PartData part_;
  Communicator world_;
  EncoderShape shape_;
  NormalizedAdjacency adjacency_;
  HaloExchange exchange_;
  RowFetch fetch_;
  std::unique_ptr<Encoder> encoder_;
  std::unique_ptr<ReconstructionObjective> objective_;
  LinkEvaluator val_, test_;
  std::vector<float> parameters_, gradients_;
  WeightGradient weight_gradient_;            // this rank's share
  std::vector<std::int64_t> integer_reduce_;  // [exact: gradient units;] loss parts' slots
  std::vector<double> float_reduce_;          // float sums: the gradient
  Matrix node_rows_, node_row_gradients_;
  Adam parameter_optimizer_;
  std::unique_ptr<Adam> node_row_optimizer_;
  std::unique_ptr<CanonicalBlockExchange> node_row_blocks_;  // featureless only
  Matrix noise_, z_, dz_, dmu_, dlogstd_;
  double allreduce_seconds_ = 0.0;
};

}  // namespace distgae
