#include "train/objective.hpp"

#include <omp.h>

#include <algorithm>

#include "core/fixed_point.hpp"
#include "core/parallel_work.hpp"
#include "core/phase_clock.hpp"
#include "core/timer.hpp"
#include "model/link_loss.hpp"
#include "train/random_draws.hpp"

namespace distgae {
namespace {

// How many ids ahead the canonical → partition-order mapping prefetches the map's entries.
constexpr std::int64_t kMapPrefetchDistance = 16;

// A draw takes ~8 ns of dependent multiplies (five hash mixes), the time of ~256 vectorised
// multiply-adds (core/parallel_work.hpp), and writes 16 bytes.
constexpr std::int64_t kDrawWork = 256;

// canonical ids → partition order, in place, reading the map's entries a few ids ahead.
void map_to_ordered(GlobalId* ids, std::int64_t count, const GlobalId* to_ordered) {
  for (std::int64_t i = 0; i < count; ++i) {
    if (i + kMapPrefetchDistance < count) {
      __builtin_prefetch(to_ordered + ids[i + kMapPrefetchDistance]);
    }
    ids[i] = to_ordered[ids[i]];
  }
}

// Rows per block of the negatives' grouping: 2^11 rows of z and of its gradient (128 KiB each at
// width 16) stay in a core's L2 cache while the pairs of the block are scored.
constexpr int kNegativeBlockShift = 11;

// The pairs (first[i], second[i]) grouped by the block of their first row, in order within a block
// (a counting sort: the same order on every run), into out_first and out_second. Uniform negatives
// reach rows at random; grouped, each block's first rows are read and updated from cache, which
// took the 1M-node graph's loss phase from 653-708 ms to 544-583 (bench/README.md).
void group_by_first_block(std::span<const std::int64_t> first, std::span<const std::int64_t> second,
                          std::int64_t rows, std::span<std::int64_t> out_first,
                          std::span<std::int64_t> out_second) {
  std::vector<std::int64_t> start(static_cast<std::size_t>(rows >> kNegativeBlockShift) + 2, 0);
  for (const std::int64_t row : first)
    ++start[static_cast<std::size_t>(row >> kNegativeBlockShift) + 1];
  for (std::size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
  for (std::size_t i = 0; i < first.size(); ++i) {
    const auto at = static_cast<std::size_t>(
        start[static_cast<std::size_t>(first[i] >> kNegativeBlockShift)]++);
    out_first[at] = first[i];
    out_second[at] = second[i];
  }
}

}  // namespace

SampledObjective::SampledObjective(const TrainingConfig& config, const DatasetMeta& meta,
                                   const PartData& part, std::vector<NodePair> positives,
                                   RowFetch& fetch, const Communicator& world)
    : meta_(meta),
      fetch_(fetch),
      world_(world),
      summation_(config.summation),
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

ExactSum SampledObjective::evaluate(const Matrix& z, std::int64_t epoch, Matrix& dz) {
  const std::size_t n_pos = positives_.size();
  const auto k = static_cast<std::size_t>(negatives_);
  const std::size_t n_neg = n_pos * k;
  // Negatives of this epoch: keyed by the positive's canonical ids, so the same for any P. Drawn
  // as canonical ids first, then mapped to partition order in a second pass that prefetches the
  // map's entries (random reads of an N-entry table) a few ids ahead.
  ScopedPhase phase(Phase::kSampling);
  const auto positives = static_cast<std::int64_t>(n_pos);
  const std::uint64_t epoch_key = negative_epoch_key(seed_, epoch);
  GlobalId* const first_ids = fetched_ids_.data() + n_pos;
  GlobalId* const second_ids = first_ids + n_neg;
  const GlobalId* const to_ordered = meta_.canonical_to_ordered.data();
#pragma omp parallel if (worth_parallel_work(static_cast <std::int64_t>(n_neg) * kDrawWork))
  {
    // Each thread draws the negatives of its own range of positives, then maps those same ids:
    // nothing it reads ahead is being rewritten by another thread, and nothing crosses cores.
    const std::int64_t threads = omp_get_num_threads();
    const std::int64_t thread = omp_get_thread_num();
    const auto begin = static_cast<std::size_t>(positives * thread / threads);
    const auto end = static_cast<std::size_t>(positives * (thread + 1) / threads);
    for (std::size_t row = begin; row < end; ++row) {
      for (std::size_t j = 0; j < k; ++j) {
        const NodePair pair =
            negative_pair(epoch_key, positives_[row], static_cast<int>(j), meta_.num_nodes);
        first_ids[row * k + j] = pair.first;
        second_ids[row * k + j] = pair.second;
      }
    }
    const auto count = static_cast<std::int64_t>((end - begin) * k);
    map_to_ordered(first_ids + begin * k, count, to_ordered);
    map_to_ordered(second_ids + begin * k, count, to_ordered);
  }
  const Eigen::Index latent = z.cols();
  const Eigen::Index n_owned = z.rows();
  phase_clock().enter(Phase::kRowFetch);
  Stopwatch comm;
  fetch_.plan(fetched_ids_, fetched_slots_);
  // The table holds the owned rows, then the fetched ones; how many are fetched changes every
  // epoch. It only grows (with headroom), since an Eigen resize to another size reallocates,
  // and on a large graph that meant tens of megabytes allocated, faulted in and freed per epoch.
  // Rows past n_owned + n_remote are never read.
  const Eigen::Index rows_used = n_owned + fetch_.n_remote();
  if (table_.rows() < rows_used || table_.cols() != latent) {
    const Eigen::Index rows = rows_used + rows_used / 8;
    table_.resize(rows, latent);
    if (summation_ == Summation::kExact) {
      dtable_units_.resize(rows, latent);
    } else {
      dtable_.resize(rows, latent);
    }
  }
  table_.topRows(n_owned) = z;
  fetch_.fetch(z.data(), static_cast<int>(latent), table_.data() + n_owned * latent);
  comm_seconds_ += comm.seconds();

  phase_clock().enter(Phase::kLoss);
  ExactSum loss;
  if (summation_ == Summation::kFloat) {
    score_pairs(n_owned, loss, dtable_);
    dz += dtable_.topRows(n_owned);
    return loss;
  }
  // An update is coefficient · z with |coefficient| at most the larger weight (1/E: |σ - y| <= 1)
  // and |z| at most the largest entry of any rank's rows; a row takes at most two updates per
  // pair of the epoch.
  phase_clock().enter(Phase::kAllreduce);
  double largest_z = max_magnitude({z.data(), static_cast<std::size_t>(z.size())});
  world_.allreduce_max(std::span<double>(&largest_z, 1));
  phase_clock().enter(Phase::kLoss);
  const double positives_total = static_cast<double>(meta_.num_train_edges);
  const double pairs = positives_total * (1.0 + static_cast<double>(negatives_));
  const FixedPointScale scale(largest_z / positives_total, 2.0 * pairs);
  score_pairs(n_owned, loss, dtable_units_, scale);
  dz += (dtable_units_.topRows(n_owned).cast<double>() * scale.quantum()).cast<float>();
  return loss;
}

template <class Table, class... Scale>
void SampledObjective::score_pairs(Eigen::Index n_owned, ExactSum& loss, Table& dtable,
                                   const Scale&... scale) {
  const std::size_t n_pos = positives_.size();
  const std::size_t n_neg = n_pos * static_cast<std::size_t>(negatives_);
  const Eigen::Index latent = table_.cols();
  const double positives_total = static_cast<double>(meta_.num_train_edges);
  const double negatives_total = positives_total * static_cast<double>(negatives_);
  const std::span<const std::int64_t> slots(fetched_slots_);
  const Eigen::Index rows_used = n_owned + fetch_.n_remote();
  dtable.topRows(rows_used).setZero();
  loss += pair_logistic_loss(table_, positive_first_, slots.first(n_pos), 1.0f,
                             1.0 / positives_total, scale..., dtable);
  // The negatives grouped by their first row's block, into the negatives' ids (the plan has
  // read them; the next epoch draws them anew): no memory of their own.
  const std::span<std::int64_t> grouped(fetched_ids_.data() + n_pos, 2 * n_neg);
  group_by_first_block(slots.subspan(n_pos, n_neg), slots.subspan(n_pos + n_neg), rows_used,
                       grouped.first(n_neg), grouped.last(n_neg));
  loss += pair_logistic_loss(table_, grouped.first(n_neg), grouped.last(n_neg), 0.0f,
                             1.0 / negatives_total, scale..., dtable);
  phase_clock().enter(Phase::kRowFetch);
  Stopwatch comm;
  fetch_.return_gradients(dtable.data() + n_owned * latent, static_cast<int>(latent),
                          dtable.data());
  comm_seconds_ += comm.seconds();
  phase_clock().enter(Phase::kLoss);
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

ExactSum FullObjective::evaluate(const Matrix& z, std::int64_t /*epoch*/, Matrix& dz) {
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
  const ExactSum loss =
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
  return std::make_unique<SampledObjective>(config, meta, part, std::move(part.train_edges), fetch,
                                            world);
}

}  // namespace distgae
