// Link-prediction metrics, exactly as scikit-learn defines them (roc_auc_score and
// average_precision_score), ties included, computed in double.
#pragma once

#include <cstdint>
#include <span>

namespace distgae {

struct RankingMetrics {
  double auc = 0.0;
  double ap = 0.0;
};

// scores: [n]; labels: [n], 1 = positive, 0 = negative. Needs at least one of each.
// AUC: area under the ROC curve with tied scores forming one step (trapezoid), i.e. the
// probability a random positive outscores a random negative, ties counting one half.
// AP: Σ_k (R_k - R_{k-1}) P_k over distinct score thresholds in decreasing order.
RankingMetrics ranking_metrics(std::span<const double> scores,
                               std::span<const std::uint8_t> labels);

}  // namespace distgae
