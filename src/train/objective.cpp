#include "train/objective.hpp"

#include <omp.h>

#include <algorithm>

#include "core/phase_clock.hpp"
#include "core/timer.hpp"
#include "model/link_loss.hpp"
#include "train/random_draws.hpp"

namespace distgae {
namespace {

// How many ids ahead the canonical → partition-order mapping prefetches the map's entries.
constexpr std::int64_t kMapPrefetchDistance = 16;

}  // namespace

SampledObjective::SampledObjective(const TrainingConfig& config, const DatasetMeta& meta,
                                   const PartData& part, std::vector<NodePair> positives,
                                   RowFetch& fetch)
    : meta_(meta),
      fetch_(fetch),
      seed_(config.seed),
      negatives_(config.negatives),
      first_owned_(meta.part_offsets[static_cast<std::size_t>(part.part)]),
      positives_(std::move(positives)) {
  const std::size_t n_pos = positives_.size();
  const std::size_t n_neg = n_pos * static_cast<std::size_t>(negatives_);
  positive_first_.resize(n_pos);
  fetched_ids_.resize(n_pos + 2 * n_neg);
  for (std::size_t i = 0; i < n_pos; ++i) {
    positive_first_[i] = meta.canonical_to_ordered[positives_[i].first] - first_owned_;
    fetched_ids_[i] = meta.canonical_to_ordered[positives_[i].second];
  }
}

double SampledObjective::evaluate(const Matrix& z, std::int64_t epoch, Matrix& dz) {
  const std::size_t n_pos = positives_.size();
  const auto k = static_cast<std::size_t>(negatives_);
  const std::size_t n_neg = n_pos * k;
  // Negatives of this epoch: keyed by the positive's canonical ids, so the same for any P. Drawn
  // as canonical ids first, then mapped to partition order in a second pass that prefetches the
  // map's entries (random reads of an N-entry table) a few ids ahead.
  ScopedPhase phase(Phase::kSampling);
  const auto draws = static_cast<std::int64_t>(n_pos);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < draws; ++i) {
    const auto row = static_cast<std::size_t>(i);
    for (std::size_t j = 0; j < k; ++j) {
      const NodePair pair =
          negative_pair(seed_, epoch, positives_[row], static_cast<int>(j), meta_.num_nodes);
      fetched_ids_[n_pos + row * k + j] = pair.first;
      fetched_ids_[n_pos + n_neg + row * k + j] = pair.second;
    }
  }
  const auto n_ids = static_cast<std::int64_t>(2 * n_neg);
  GlobalId* const ids = fetched_ids_.data() + n_pos;
  const GlobalId* const to_ordered = meta_.canonical_to_ordered.data();
#pragma omp parallel
  {
    // Each thread maps its own contiguous range, so the ids it reads ahead are not being
    // rewritten by another thread.
    const std::int64_t threads = omp_get_num_threads();
    const std::int64_t thread = omp_get_thread_num();
    const std::int64_t begin = n_ids * thread / threads;
    const std::int64_t end = n_ids * (thread + 1) / threads;
    for (std::int64_t i = begin; i < end; ++i) {
      if (i + kMapPrefetchDistance < end) {
        __builtin_prefetch(to_ordered + ids[i + kMapPrefetchDistance]);
      }
      ids[i] = to_ordered[ids[i]];
    }
  }
  const Eigen::Index latent = z.cols();
  const Eigen::Index n_owned = z.rows();
  phase_clock().enter(Phase::kRowFetch);
  Stopwatch comm;
  fetch_.plan(fetched_ids_, fetched_slots_);
  table_.resize(n_owned + fetch_.n_remote(), latent);
  table_.topRows(n_owned) = z;
  fetch_.fetch(z.data(), static_cast<int>(latent), table_.data() + n_owned * latent);
  comm_seconds_ += comm.seconds();

  phase_clock().enter(Phase::kLoss);
  dtable_.setZero(table_.rows(), latent);
  const double positives_total = static_cast<double>(meta_.num_train_edges);
  const double negatives_total = positives_total * static_cast<double>(k);
  const std::span<const std::int64_t> slots(fetched_slots_);
  const double positive_sum = pair_logistic_loss(table_, positive_first_, slots.first(n_pos), 1.0f,
                                                 1.0 / positives_total, dtable_);
  const double negative_sum =
      pair_logistic_loss(table_, slots.subspan(n_pos, n_neg), slots.subspan(n_pos + n_neg), 0.0f,
                         1.0 / negatives_total, dtable_);
  phase_clock().enter(Phase::kRowFetch);
  comm.restart();
  fetch_.return_gradients(dtable_.data() + n_owned * latent, static_cast<int>(latent),
                          dtable_.data());
  comm_seconds_ += comm.seconds();
  phase_clock().enter(Phase::kLoss);
  dz += dtable_.topRows(n_owned);
  return positive_sum / positives_total + negative_sum / negatives_total;
}

FullObjective::FullObjective(const DatasetMeta& meta, const PartData& part,
                             const Communicator& world)
    : world_(world),
      meta_(meta),
      owned_canonical_(part.canonical_id.begin(), part.canonical_id.begin() + part.n_owned),
      weights_(full_reconstruction_weights(meta.num_nodes, 2 * meta.num_train_edges)) {
  // Row u's label-1 columns: its training neighbours and itself, as canonical ids.
  positives_.n_cols = meta.num_nodes;
  positives_.row_start.assign(1, 0);
  for (std::int64_t u = 0; u < part.n_owned; ++u) {
    const std::size_t begin = positives_.col_index.size();
    positives_.col_index.push_back(part.canonical_id[static_cast<std::size_t>(u)]);
    for (LocalId column : part.adjacency.row(u)) {
      positives_.col_index.push_back(part.canonical_id[static_cast<std::size_t>(column)]);
    }
    std::sort(positives_.col_index.begin() + static_cast<std::ptrdiff_t>(begin),
              positives_.col_index.end());
    positives_.row_start.push_back(static_cast<std::int64_t>(positives_.col_index.size()));
  }
}

double FullObjective::evaluate(const Matrix& z, std::int64_t /*epoch*/, Matrix& dz) {
  ScopedPhase phase(Phase::kRowFetch);
  Stopwatch comm;
  const std::span<const float> owned(z.data(), static_cast<std::size_t>(z.size()));
  world_.allgatherv(owned, gathered_);
  comm_seconds_ += comm.seconds();
  bytes_sent_ += static_cast<std::int64_t>(owned.size_bytes()) * (world_.size() - 1);
  phase_clock().enter(Phase::kLoss);
  // Gathered rows come in rank order, i.e. partition order; put them in canonical order.
  const Eigen::Index latent = z.cols();
  z_all_.resize(meta_.num_nodes, latent);
  const ConstMatrixMap ordered(gathered_.data(), meta_.num_nodes, latent);
  for (Eigen::Index c = 0; c < meta_.num_nodes; ++c) {
    z_all_.row(c) = ordered.row(meta_.canonical_to_ordered[static_cast<std::size_t>(c)]);
  }
  const double loss =
      full_reconstruction_loss(z_all_, owned_canonical_, positives_, weights_, dz_owned_);
  dz += dz_owned_;
  return loss;
}

std::unique_ptr<ReconstructionObjective> make_objective(const TrainingConfig& config,
                                                        const DatasetMeta& meta, PartData& part,
                                                        RowFetch& fetch,
                                                        const Communicator& world) {
  if (config.decoder == DecoderKind::kFull) {
    return std::make_unique<FullObjective>(meta, part, world);
  }
  return std::make_unique<SampledObjective>(config, meta, part, std::move(part.train_edges), fetch);
}

}  // namespace distgae
