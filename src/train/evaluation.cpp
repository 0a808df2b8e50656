#include "train/evaluation.hpp"

#include <cmath>
#include <limits>

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
  const std::vector<double> all_logits = world.gatherv(std::span<const double>(logits_));
  const std::vector<std::uint8_t> all_labels =
      world.gatherv(std::span<const std::uint8_t>(labels_));
  // Rank 0 ranks every score; the result is summed so that every rank holds it.
  double result[2] = {0.0, 0.0};
  if (world.rank() == 0) {
    const RankingMetrics metrics = ranking_metrics(all_logits, all_labels);
    result[0] = metrics.auc;
    result[1] = metrics.ap;
  }
  world.allreduce_sum(std::span<double>(result, 2));
  return {result[0], result[1]};
}

}  // namespace distgae
