#include "train/link_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace distgae {

RankingMetrics ranking_metrics(std::span<const double> scores,
                               std::span<const std::uint8_t> labels) {
  if (scores.size() != labels.size()) {
    throw std::invalid_argument("ranking_metrics: scores and labels differ in length");
  }
  // A NaN breaks the strict weak order std::sort needs (undefined behaviour, not just a wrong
  // answer); scikit-learn rejects NaN too. Labels other than 0/1 would count as positive in the
  // walk but not in `positives`.
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) {
      throw std::invalid_argument("ranking_metrics: score " + std::to_string(i) + " is NaN");
    }
    if (labels[i] > 1) {
      throw std::invalid_argument("ranking_metrics: label " + std::to_string(i) + " is " +
                                  std::to_string(labels[i]) + ", expected 0 or 1");
    }
  }
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&scores](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  const auto positives = static_cast<double>(std::count(labels.begin(), labels.end(), 1));
  const double negatives = static_cast<double>(labels.size()) - positives;
  if (positives == 0 || negatives == 0) {
    throw std::invalid_argument("ranking_metrics: needs at least one positive and one negative");
  }
  // Walk the distinct thresholds from the highest score down: each group of tied scores is one
  // point of the ROC and precision-recall curves (scikit-learn's _binary_clf_curve).
  double tp = 0, fp = 0, previous_tp = 0, previous_fp = 0;
  double auc_area = 0, ap = 0;
  for (std::size_t i = 0; i < order.size();) {
    const double threshold = scores[order[i]];
    for (; i < order.size() && scores[order[i]] == threshold; ++i) {
      (labels[order[i]] != 0 ? tp : fp) += 1;
    }
    auc_area += (fp - previous_fp) * (tp + previous_tp) / 2;
    ap += (tp - previous_tp) / positives * (tp / (tp + fp));
    previous_tp = tp;
    previous_fp = fp;
  }
  return {auc_area / (positives * negatives), ap};
}

}  // namespace distgae
