#include "train/trainer.hpp"

#include <omp.h>

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "comm/agreement.hpp"
#include "core/error.hpp"
#include "core/fault_injection.hpp"
#include "core/timer.hpp"
#include "model/link_loss.hpp"
#include "model/spmm.hpp"
#include "train/random_draws.hpp"

namespace distgae {
namespace {

EncoderShape shape_of(const TrainingConfig& config, const DatasetMeta& meta) {
  EncoderShape shape;
  shape.kind = config.model;
  shape.input_dim = meta.feature_dim;
  shape.hidden = config.hidden;
  shape.latent = config.latent;
  return shape;
}

HaloPlan halo_plan(const PartData& part) {
  return {part.n_owned, part.halo_offsets, part.send_offsets, part.send_rows};
}

std::span<float> flat(Matrix& m) {
  return {m.data(), static_cast<std::size_t>(m.size())};
}

}  // namespace

Trainer::Trainer(const TrainingConfig& config, const DatasetMeta& meta, PartData part,
                 Communicator world)
    : config_(config),
      meta_(meta),
      part_(std::move(part)),
      world_(world),
      shape_(shape_of(config, meta)),
      adjacency_(
          normalize_adjacency(part_.adjacency, part_.degree, part_.canonical_id, part_.n_interior)),
      exchange_(halo_plan(part_), world_),
      fetch_(meta.part_offsets, world_),
      val_(meta, part_.part, std::move(part_.val_pos), std::move(part_.val_neg)),
      test_(meta, part_.part, std::move(part_.test_pos), std::move(part_.test_neg)),
      parameters_(init_parameters(shape_, config.seed)),
      parameter_optimizer_(parameters_.size(), AdamSettings{config.learning_rate}) {
  omp_set_num_threads(config.threads);
  Eigen::setNbThreads(1);  // threads come from our row-blocked kernels (dense_products.hpp)
  drop_unit_values(part_.features);  // binary features: the SpMMs' pattern path, same bits
  encoder_ = std::make_unique<Encoder>(shape_, adjacency_, exchange_, part_.features,
                                       meta.num_nodes, config.summation);
  objective_ = make_objective(config_, meta_, part_, fetch_, world_);
  // What the normalized adjacency, the objective and the evaluators now hold in their own form:
  // released, so a rank keeps one copy of its graph.
  part_.adjacency = {};
  part_.degree = {};
  part_.train_edges = {};
  gradients_.assign(parameters_.size(), 0.0f);
  if (shape_.input_dim == 0) {
    const std::span<const GlobalId> owned(part_.canonical_id.data(),
                                          static_cast<std::size_t>(part_.n_owned));
    node_rows_ = init_node_rows(shape_, config.seed, meta.num_nodes, owned);
    node_row_gradients_.setZero(node_rows_.rows(), node_rows_.cols());
    node_row_optimizer_ = std::make_unique<Adam>(static_cast<std::size_t>(node_rows_.size()),
                                                 AdamSettings{config.learning_rate});
    node_row_blocks_ = std::make_unique<CanonicalBlockExchange>(meta, owned, world_);
  }
}

RowBlock Trainer::node_row_block() const {
  return node_row_blocks_ ? node_row_blocks_->block() : RowBlock{};
}

Trainer::~Trainer() = default;

LossParts Trainer::compute_gradients(std::int64_t epoch) {
  if (!objective_) throw std::logic_error("Trainer: training state already released");
  // Phases switch below as the step goes; the caller's phase resumes on return.
  const ScopedPhase step(Phase::kOther);
  encoder_->forward(parameters_, node_rows_);
  // Mid-step, so the other ranks are inside the step's exchanges when this one fails.
  fault_injection_point("epoch", world_.rank());
  const Matrix& mu = encoder_->mu();
  const auto n_owned = mu.rows();
  const auto latent = mu.cols();
  const bool vgae = shape_.kind == ModelKind::kVgae;
  const Matrix* z = &mu;
  if (vgae) {
    phase_clock().enter(Phase::kSampling);
    noise_.resize(n_owned, latent);
    fill_vgae_noise(config_.seed, epoch,
                    {part_.canonical_id.data(), static_cast<std::size_t>(n_owned)}, noise_);
    phase_clock().enter(Phase::kDense);
    reparameterize(mu, encoder_->logstd(), noise_, z_);
    z = &z_;
  }
  phase_clock().enter(Phase::kLoss);
  dz_.setZero(n_owned, latent);
  const ExactSum reconstruction = objective_->evaluate(*z, epoch, dz_);
  ExactSum kl;
  if (vgae) {
    dlogstd_.setZero(n_owned, latent);
    // The reference's KL/N with a mean over nodes: (1/N²) Σ_i Σ_d KL_id.
    const double n = static_cast<double>(meta_.num_nodes);
    dmu_.setZero(n_owned, latent);
    kl = gaussian_kl(mu, encoder_->logstd(), 1.0 / (n * n), dmu_, dlogstd_);
    reparameterize_backward(dz_, encoder_->logstd(), noise_, dmu_, dlogstd_);
  }
  phase_clock().enter(Phase::kOther);
  // GAE: z is μ, so dz is dμ (and there is no log σ).
  encoder_->backward(vgae ? dmu_ : dz_, dlogstd_, weight_gradient_, node_row_gradients_);
  return reduce_over_ranks(reconstruction, kl);
}

LossParts Trainer::reduce_over_ranks(const ExactSum& reconstruction, const ExactSum& kl) {
  // The loss parts go as exact sums' slots in an int64 allreduce: the same bits for any number
  // of ranks. So does the gradient when exact (its fixed-point units); otherwise it goes in
  // double, so that the sum over ranks loses nothing to the order it is taken in.
  phase_clock().enter(Phase::kAllreduce);
  Stopwatch allreduce;
  const bool exact = config_.summation == Summation::kExact;
  integer_reduce_.clear();
  if (exact) integer_reduce_ = weight_gradient_.units;
  for (const ExactSum* sum : {&reconstruction, &kl}) {
    const ExactSum::ReduceSlots slots = sum->reduce_slots();
    integer_reduce_.insert(integer_reduce_.end(), slots.begin(), slots.end());
  }
  if (!exact) {
    float_reduce_.assign(weight_gradient_.floats.begin(), weight_gradient_.floats.end());
    world_.allreduce_sum(std::span<double>(float_reduce_));
    std::copy(float_reduce_.begin(), float_reduce_.end(), gradients_.begin());
  }
  world_.allreduce_sum(std::span<std::int64_t>(integer_reduce_));
  allreduce_seconds_ += allreduce.seconds();
  if (exact) {
    weight_gradient_.values(std::span<const std::int64_t>(integer_reduce_).first(gradients_.size()),
                            gradients_);
  }
  const auto loss_slots =
      std::span<const std::int64_t>(integer_reduce_).last(2 * ExactSum::kReduceSlots);
  return {ExactSum::from_reduce_slots(loss_slots.first<ExactSum::kReduceSlots>()).value(),
          ExactSum::from_reduce_slots(loss_slots.last<ExactSum::kReduceSlots>()).value()};
}

void Trainer::train(const std::function<void(const EpochRecord&)>& on_epoch) {
  train(1, [&on_epoch](const EpochRecord& record) {
    on_epoch(record);
    return true;
  });
}

void Trainer::train(std::int64_t first_epoch,
                    const std::function<bool(const EpochRecord&)>& on_epoch) {
  for (std::int64_t epoch = first_epoch; epoch <= config_.epochs; ++epoch) {
    const double comm_before = comm_seconds();
    const std::int64_t bytes_before = bytes_sent();  // this rank's; summed once, below
    const std::int64_t halo_bytes_before = exchange_.bytes_sent();
    Stopwatch step;
    PhaseClock& clock = phase_clock();
    clock.reset();
    const LossParts loss = compute_gradients(epoch);
    if (!std::isfinite(loss.total())) {
      throw std::runtime_error(fmt::format(
          "training diverged at epoch {}: the loss is {} (reconstruction {}, KL {}); nothing was "
          "written; try a lower --lr",
          epoch, loss.total(), loss.reconstruction, loss.kl));
    }
    {
      const ScopedPhase phase(Phase::kOptimizer);
      parameter_optimizer_.step(parameters_, gradients_);
      if (node_row_optimizer_) {
        node_row_optimizer_->step(flat(node_rows_), flat(node_row_gradients_));
      }
    }

    EpochRecord record;
    record.epoch = epoch;
    record.seconds = step.seconds();
    record.phases = clock.totals();
    record.comm_seconds = comm_seconds() - comm_before;
    record.compute_seconds = record.seconds - record.comm_seconds;
    record.loss = loss.total();
    record.reconstruction = loss.reconstruction;
    record.kl = loss.kl;
    // The allreduce's own volume is not counted in bytes_sent(); add it here.
    const auto allreduce_bytes =
        static_cast<std::int64_t>(integer_reduce_.size() * sizeof(std::int64_t) +
                                  float_reduce_.size() * sizeof(double)) *
        (world_.size() - 1);
    record.rank_bytes_sent = bytes_sent() - bytes_before + allreduce_bytes / world_.size();
    record.rank_halo_bytes = exchange_.bytes_sent() - halo_bytes_before;
    record.bytes_sent = world_.allreduce_sum(bytes_sent() - bytes_before) + allreduce_bytes;
    const bool last = epoch == config_.epochs;
    if (config_.eval_every > 0 && (epoch % config_.eval_every == 0 || last)) {
      Stopwatch evaluation;
      const ScopedPhase phase(Phase::kEvaluation);
      encode();
      record.val = evaluate_val();
      record.evaluation_seconds = evaluation.seconds();
    }
    if (!on_epoch(record)) return;
  }
}

CheckpointState Trainer::checkpoint_state(std::int64_t epoch) const {
  CheckpointState state;
  state.epoch = epoch;
  state.seed = config_.seed;
  state.model = model_name(config_.model);
  state.hidden = config_.hidden;
  state.latent = config_.latent;
  state.input_dim = shape_.input_dim;
  state.num_nodes = meta_.num_nodes;
  state.graph_fingerprint = meta_.graph_fingerprint;
  state.config_json = config_json(config_);
  state.num_ranks = world_.size();
  state.parameters = parameters_;
  const auto m = parameter_optimizer_.first_moment();
  const auto v = parameter_optimizer_.second_moment();
  state.adam_m.assign(m.begin(), m.end());
  state.adam_v.assign(v.begin(), v.end());
  state.adam_steps = parameter_optimizer_.steps();
  state.featureless = node_row_blocks_ != nullptr;
  return state;
}

std::vector<float> Trainer::checkpoint_node_rows(int array) const {
  if (!node_row_blocks_) throw std::logic_error("Trainer: no node rows in a model with features");
  const std::span<const float> owned =
      array == 0
          ? std::span<const float>(node_rows_.data(), static_cast<std::size_t>(node_rows_.size()))
      : array == 1 ? node_row_optimizer_->first_moment()
                   : node_row_optimizer_->second_moment();
  return node_row_blocks_->to_block(owned, config_.hidden);
}

void Trainer::restore(const CheckpointState& state, const std::string& source) {
  // The same checkpoint and configuration on every rank: each finds the same difference, and
  // they leave together with one line.
  agree_on_errors(world_, [&] {
    const auto differs = [&](const std::string& what, const auto& mine, const auto& theirs) {
      if (mine != theirs) {
        throw InputError(
            at_file(source, fmt::format("checkpoint of another run: {} is {} there, {} "
                                        "here",
                                        what, theirs, mine)));
      }
    };
    differs("the dataset fingerprint (graph and split)", meta_.graph_fingerprint,
            state.graph_fingerprint);
    differs("the model", std::string(model_name(config_.model)), state.model);
    differs("--hidden", config_.hidden, state.hidden);
    differs("--latent", config_.latent, state.latent);
    differs("the feature dimension", shape_.input_dim, state.input_dim);
    differs("--seed", config_.seed, state.seed);
    differs("the node count", meta_.num_nodes, state.num_nodes);
    if (state.epoch > config_.epochs) {
      throw InputError(
          at_file(source, fmt::format("the checkpoint is at epoch {}, past --epochs {}",
                                      state.epoch, config_.epochs)));
    }
    // load_newest checked that the text is a JSON object; a key it lacks reads as null.
    const nlohmann::json theirs = nlohmann::json::parse(state.config_json, nullptr, false);
    const nlohmann::json mine = nlohmann::json::parse(config_json(config_));
    for (const char* key : {"lr", "neg", "decoder"}) {
      const nlohmann::json their_value =
          theirs.is_object() ? theirs.value(key, nlohmann::json()) : nlohmann::json();
      differs(std::string("--") + key, mine.at(key).dump(), their_value.dump());
    }
    // Checkpoints from before --exact-sums existed summed in float.
    const bool their_exact = theirs.is_object() && theirs.value("exact_sums", false);
    differs("--exact-sums", mine.at("exact_sums").get<bool>(), their_exact);
    if (state.parameters.size() != parameters_.size()) {
      throw InputError(at_file(source, "checkpoint holds parameters of another shape"));
    }
  });
  parameters_ = state.parameters;
  parameter_optimizer_.restore(state.adam_m, state.adam_v, state.adam_steps);
  if (node_row_blocks_) {
    if (!state.featureless) throw InputError(at_file(source, "checkpoint has no node rows"));
    // One array at a time: a rank holds its block of one array and its own rows, never all N.
    const RowBlock block = node_row_blocks_->block();
    // Every rank learns whether every rank read its block before any starts the exchange.
    const auto read_block = [&](int array) {
      return agree_on_errors(world_, [&] {
        return read_checkpoint_node_rows(source, kCheckpointNodeArrays[array], block.first,
                                         block.count);
      });
    };
    node_row_blocks_->from_block(read_block(0), config_.hidden,
                                 {node_rows_.data(), static_cast<std::size_t>(node_rows_.size())});
    std::vector<float> m(static_cast<std::size_t>(node_rows_.size()));
    std::vector<float> v(m.size());
    node_row_blocks_->from_block(read_block(1), config_.hidden, m);
    node_row_blocks_->from_block(read_block(2), config_.hidden, v);
    node_row_optimizer_->restore(m, v, state.adam_steps);
  }
}

void Trainer::release_training_state() {
  objective_.reset();
  for (Matrix* scratch : {&noise_, &z_, &dz_, &dmu_, &dlogstd_}) *scratch = Matrix();
}

void Trainer::encode() {
  encoder_->forward(parameters_, node_rows_);
}

RankingMetrics Trainer::evaluate_val() {
  return val_.evaluate(encoder_->mu(), fetch_, world_);
}

RankingMetrics Trainer::evaluate_test() {
  return test_.evaluate(encoder_->mu(), fetch_, world_);
}

std::int64_t Trainer::bytes_sent() const {
  return exchange_.bytes_sent() + (objective_ ? objective_->bytes_sent() : 0);
}

double Trainer::comm_seconds() const {
  return exchange_.seconds() + (objective_ ? objective_->comm_seconds() : 0.0) + allreduce_seconds_;
}

}  // namespace distgae
