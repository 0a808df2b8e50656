#include "train/evaluation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "model/link_loss.hpp"

namespace distgae {

LinkEvaluator::LinkEvaluator(const DatasetMeta& meta, int part, std::vector<NodePair> positives,
                             std::vector<NodePair> negatives) {
  const std::int64_t first_owned = meta.part_offsets[static_cast<std::size_t>(part)];
  for (const auto* pairs : {&positives, &negatives}) {
    const std::uint8_t label = pairs == &positives ? 1 : 0;
    for (const NodePair& pair : *pairs) {
      first_rows_.push_back(meta.canonical_to_ordered[pair.first] - first_owned);
      second_ids_.push_back(meta.canonical_to_ordered[pair.second]);
      labels_.push_back(label);
    }
  }
  total_pairs_ = -1;  // counted on first use (collective)
}

RankingMetrics LinkEvaluator::evaluate(const Matrix& mu, RowFetch& fetch,
                                       const Communicator& world) {
  if (total_pairs_ < 0)
    total_pairs_ = world.allreduce_sum(static_cast<std::int64_t>(labels_.size()));
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (total_pairs_ == 0) return {kNaN, kNaN};
  fetch.plan(second_ids_, slots_);
  const Eigen::Index latent = mu.cols();
  table_.resize(mu.rows() + fetch.n_remote(), latent);
  table_.topRows(mu.rows()) = mu;
  fetch.fetch(mu.data(), static_cast<int>(latent), table_.data() + mu.rows() * latent);
  logits_.resize(labels_.size());
  pair_logits(table_, first_rows_, slots_, logits_);
  return distributed_ranking_metrics(logits_, labels_, world);
}

RankingMetrics distributed_ranking_metrics(std::span<const double> scores,
                                           std::span<const std::uint8_t> labels,
                                           const Communicator& world) {
  check_ranking_input(scores, labels);
  const int ranks = world.size();
  // This rank's pairs in descending order: regular sampling (P evenly spaced scores of each
  // rank's sorted pairs) gives cuts with slices of about n / P pairs unless many scores tie,
  // and each slice then arrives as P sorted runs, which sort fast.
  std::vector<double> sorted;
  std::vector<std::uint8_t> sorted_labels;
  sort_by_descending_score(scores, labels, sorted, sorted_labels);
  std::vector<double> sample;
  for (int k = 0; k < ranks && !sorted.empty(); ++k) {
    sample.push_back(
        sorted[static_cast<std::size_t>(k) * sorted.size() / static_cast<std::size_t>(ranks)]);
  }
  const std::vector<double> cuts = score_slice_cuts(world.allgatherv(sample), ranks);
  // Sorted, the pairs fall into the slices in rank order.
  std::vector<std::int64_t> send_counts(static_cast<std::size_t>(ranks), 0);
  for (double score : sorted) ++send_counts[static_cast<std::size_t>(score_slice(score, cuts))];
  std::vector<std::int64_t> recv_counts;
  const std::vector<double> slice_scores = world.alltoallv(sorted, send_counts, recv_counts);
  const std::vector<std::uint8_t> slice_labels =
      world.alltoallv(sorted_labels, send_counts, recv_counts);
  std::vector<double>().swap(sorted);
  std::vector<std::uint8_t>().swap(sorted_labels);

  // This rank's slice in descending order.
  std::vector<double> slice;
  std::vector<std::uint8_t> slice_label;
  sort_by_descending_score(slice_scores, slice_labels, slice, slice_label);
  std::int64_t counts[2] = {0, 0};  // positives, negatives in this slice
  for (std::uint8_t label : slice_label) ++counts[label != 0 ? 0 : 1];

  // What the earlier slices (higher scores) hold, and the totals.
  const std::vector<std::int64_t> all_counts =
      world.allgatherv(std::span<const std::int64_t>(counts, 2));
  std::int64_t above[2] = {0, 0}, total[2] = {0, 0};
  for (int r = 0; r < ranks; ++r) {
    for (int k = 0; k < 2; ++k) {
      const std::int64_t count = all_counts[static_cast<std::size_t>(2 * r + k)];
      total[k] += count;
      if (r < world.rank()) above[k] += count;
    }
  }
  if (total[0] == 0 || total[1] == 0) {
    throw std::invalid_argument("ranking_metrics: needs at least one positive and one negative");
  }
  const RankingPartial mine = ranking_partial(slice, slice_label, above[0], above[1], total[0]);

  // The partials travel as 64-bit halves and add up exactly on every rank.
  const auto words = [](UInt128 value) {
    return std::array<std::int64_t, 2>{
        static_cast<std::int64_t>(static_cast<std::uint64_t>(value)),
        static_cast<std::int64_t>(static_cast<std::uint64_t>(value >> 64))};
  };
  const auto auc_words = words(mine.twice_auc_area);
  const auto ap_words = words(static_cast<UInt128>(mine.ap_units));
  const std::int64_t packed[4] = {auc_words[0], auc_words[1], ap_words[0], ap_words[1]};
  const std::vector<std::int64_t> all = world.allgatherv(std::span<const std::int64_t>(packed, 4));
  std::vector<RankingPartial> partials(static_cast<std::size_t>(ranks));
  const auto join = [](std::int64_t low, std::int64_t high) {
    return (static_cast<UInt128>(static_cast<std::uint64_t>(high)) << 64) |
           static_cast<UInt128>(static_cast<std::uint64_t>(low));
  };
  for (std::size_t r = 0; r < partials.size(); ++r) {
    partials[r].twice_auc_area = join(all[4 * r], all[4 * r + 1]);
    partials[r].ap_units = static_cast<Int128>(join(all[4 * r + 2], all[4 * r + 3]));
  }
  return combine_ranking_partials(partials, total[0], total[1]);
}

}  // namespace distgae
