// Link-prediction evaluation: logits of held-out pairs from the latent rows (μ for VGAE), the far
// endpoints fetched from their owners, AUC and AP ranked across the ranks (no rank holds more
// than about its share of the scores).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/row_fetch.hpp"
#include "io/dataset.hpp"
#include "model/dense.hpp"
#include "train/link_metrics.hpp"

namespace distgae {

// Collective. ranking_metrics over every rank's scores together, without gathering them: a sample
// sort by score gives each rank one slice of the descending order (tied scores never split),
// and the slices' integer partials add up exactly, so the result is the same bits for any number
// of ranks and any distribution of the pairs. Needs a positive and a negative somewhere.
RankingMetrics distributed_ranking_metrics(std::span<const double> scores,
                                           std::span<const std::uint8_t> labels,
                                           const Communicator& world);

class LinkEvaluator {
 public:
  // positives / negatives: this rank's pairs (canonical ids, first endpoint owned).
  LinkEvaluator(const DatasetMeta& meta, int part, std::vector<NodePair> positives,
                std::vector<NodePair> negatives);

  // Collective. mu: [n_owned, latent]. Every rank returns the same metrics; NaN when the
  // dataset holds no pairs of this kind (--no-split).
  RankingMetrics evaluate(const Matrix& mu, RowFetch& fetch, const Communicator& world);

 private:
  std::int64_t total_pairs_ = 0;
  std::vector<std::int64_t> first_rows_;
  std::vector<GlobalId> second_ids_;
  std::vector<std::uint8_t> labels_;
  std::vector<std::int64_t> slots_;
  std::vector<double> logits_;
  Matrix table_;
};

}  // namespace distgae
