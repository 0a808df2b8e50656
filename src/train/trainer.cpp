#include "train/trainer.hpp"

#include <omp.h>

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/timer.hpp"
#include "model/link_loss.hpp"
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
      adjacency_(normalize_adjacency(part_.adjacency, part_.degree, part_.n_interior)),
      exchange_(halo_plan(part_), world_),
      fetch_(meta.part_offsets, world_),
      val_(meta, part_.part, part_.val_pos, part_.val_neg),
      test_(meta, part_.part, part_.test_pos, part_.test_neg),
      parameters_(init_parameters(shape_, config.seed)),
      parameter_optimizer_(parameters_.size(), AdamSettings{config.learning_rate}) {
  omp_set_num_threads(config.threads);
  Eigen::setNbThreads(config.threads);
  encoder_ = std::make_unique<Encoder>(shape_, adjacency_, exchange_, part_.features);
  objective_ = make_objective(config_, meta_, part_, fetch_, world_);
  gradients_.assign(parameters_.size(), 0.0f);
  reduce_buffer_.assign(parameters_.size() + 2, 0.0);
  if (shape_.input_dim == 0) {
    const std::span<const GlobalId> owned(part_.canonical_id.data(),
                                          static_cast<std::size_t>(part_.n_owned));
    node_rows_ = init_node_rows(shape_, config.seed, meta.num_nodes, owned);
    node_row_gradients_.setZero(node_rows_.rows(), node_rows_.cols());
    node_row_optimizer_ = std::make_unique<Adam>(static_cast<std::size_t>(node_rows_.size()),
                                                 AdamSettings{config.learning_rate});
  }
}

Trainer::~Trainer() = default;

LossParts Trainer::compute_gradients(std::int64_t epoch) {
  encoder_->forward(parameters_, node_rows_);
  const Matrix& mu = encoder_->mu();
  const auto n_owned = mu.rows();
  const auto latent = mu.cols();
  const bool vgae = shape_.kind == ModelKind::kVgae;
  const Matrix* z = &mu;
  if (vgae) {
    noise_.resize(n_owned, latent);
    fill_vgae_noise(config_.seed, epoch,
                    {part_.canonical_id.data(), static_cast<std::size_t>(n_owned)}, noise_);
    reparameterize(mu, encoder_->logstd(), noise_, z_);
    z = &z_;
  }
  dz_.setZero(n_owned, latent);
  const double reconstruction = objective_->evaluate(*z, epoch, dz_);
  double kl = 0.0;
  dlogstd_.setZero(n_owned, latent);
  if (vgae) {
    // The reference's KL/N with a mean over nodes: (1/N²) Σ_i Σ_d KL_id.
    const double n = static_cast<double>(meta_.num_nodes);
    dmu_.setZero(n_owned, latent);
    kl = gaussian_kl(mu, encoder_->logstd(), 1.0 / (n * n), dmu_, dlogstd_) / (n * n);
    reparameterize_backward(dz_, encoder_->logstd(), noise_, dmu_, dlogstd_);
  } else {
    dmu_ = dz_;
  }
  encoder_->backward(dmu_, dlogstd_, gradients_, node_row_gradients_);

  // One allreduce for every replicated gradient and the loss parts, in double so the sum over
  // ranks loses nothing to the order it is taken in.
  const std::size_t n_params = gradients_.size();
  for (std::size_t i = 0; i < n_params; ++i) reduce_buffer_[i] = gradients_[i];
  reduce_buffer_[n_params] = reconstruction;
  reduce_buffer_[n_params + 1] = kl;
  Stopwatch allreduce;
  world_.allreduce_sum(reduce_buffer_);
  allreduce_seconds_ += allreduce.seconds();
  for (std::size_t i = 0; i < n_params; ++i) gradients_[i] = static_cast<float>(reduce_buffer_[i]);
  return {reduce_buffer_[n_params], reduce_buffer_[n_params + 1]};
}

void Trainer::train(const std::function<void(const EpochRecord&)>& on_epoch) {
  for (std::int64_t epoch = 1; epoch <= config_.epochs; ++epoch) {
    const double comm_before = comm_seconds();
    const std::int64_t bytes_before = world_.allreduce_sum(bytes_sent());
    Stopwatch step;
    const LossParts loss = compute_gradients(epoch);
    if (!std::isfinite(loss.total())) {
      throw std::runtime_error(fmt::format(
          "training diverged at epoch {}: the loss is {} (reconstruction {}, KL {}); nothing was "
          "written; try a lower --lr",
          epoch, loss.total(), loss.reconstruction, loss.kl));
    }
    parameter_optimizer_.step(parameters_, gradients_);
    if (node_row_optimizer_) node_row_optimizer_->step(flat(node_rows_), flat(node_row_gradients_));

    EpochRecord record;
    record.epoch = epoch;
    record.seconds = step.seconds();
    record.comm_seconds = comm_seconds() - comm_before;
    record.compute_seconds = record.seconds - record.comm_seconds;
    record.loss = loss.total();
    record.reconstruction = loss.reconstruction;
    record.kl = loss.kl;
    // The allreduce's own volume is not counted in bytes_sent(); add it here.
    const auto allreduce_bytes =
        static_cast<std::int64_t>(reduce_buffer_.size() * sizeof(double)) * (world_.size() - 1);
    record.bytes_sent = world_.allreduce_sum(bytes_sent()) - bytes_before + allreduce_bytes;
    const bool last = epoch == config_.epochs;
    if (config_.eval_every > 0 && (epoch % config_.eval_every == 0 || last)) {
      encode();
      record.val = evaluate_val();
    }
    on_epoch(record);
  }
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
  return exchange_.bytes_sent() + objective_->bytes_sent();
}

double Trainer::comm_seconds() const {
  return exchange_.seconds() + objective_->comm_seconds() + allreduce_seconds_;
}

}  // namespace distgae
