#include "train/link_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace distgae {

void check_ranking_input(std::span<const double> scores, std::span<const std::uint8_t> labels) {
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
}

RankingMetrics ranking_metrics(std::span<const double> scores,
                               std::span<const std::uint8_t> labels) {
  check_ranking_input(scores, labels);
  std::vector<double> sorted_scores;
  std::vector<std::uint8_t> sorted_labels;
  sort_by_descending_score(scores, labels, sorted_scores, sorted_labels);
  const auto positives = static_cast<std::int64_t>(std::count(labels.begin(), labels.end(), 1));
  const auto negatives = static_cast<std::int64_t>(labels.size()) - positives;
  const RankingPartial whole = ranking_partial(sorted_scores, sorted_labels, 0, 0, positives);
  return combine_ranking_partials(std::span<const RankingPartial>(&whole, 1), positives, negatives);
}

void sort_by_descending_score(std::span<const double> scores, std::span<const std::uint8_t> labels,
                              std::vector<double>& sorted_scores,
                              std::vector<std::uint8_t>& sorted_labels) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&scores](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  sorted_scores.resize(order.size());
  sorted_labels.resize(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    sorted_scores[i] = scores[order[i]];
    sorted_labels[i] = labels[order[i]];
  }
}

RankingPartial ranking_partial(std::span<const double> scores, std::span<const std::uint8_t> labels,
                               std::int64_t positives_above, std::int64_t negatives_above,
                               std::int64_t positives) {
  // Walk the distinct thresholds from the highest score down: each group of tied scores is one
  // point of the ROC and precision-recall curves (scikit-learn's _binary_clf_curve).
  RankingPartial partial;
  std::int64_t tp = positives_above, fp = negatives_above;
  for (std::size_t i = 0; i < scores.size();) {
    const std::int64_t previous_tp = tp, previous_fp = fp;
    const double threshold = scores[i];
    for (; i < scores.size() && scores[i] == threshold; ++i) (labels[i] != 0 ? tp : fp) += 1;
    partial.twice_auc_area +=
        static_cast<UInt128>(fp - previous_fp) * static_cast<UInt128>(tp + previous_tp);
    // The term is the same double whichever slice computes it; on the 2^-100 grid the sum of
    // terms is exact, so it does not depend on how the scores were sliced. (Terms below 2^-47
    // lose bits under 2^-100: far below a double's precision of the sum.)
    // Without positives the term is 0/0; combine_ranking_partials refuses such input, and a NaN
    // must not reach the integer conversion first (undefined behaviour, caught by UBSan).
    if (positives <= 0) continue;
    const double term = static_cast<double>(tp - previous_tp) / static_cast<double>(positives) *
                        (static_cast<double>(tp) / static_cast<double>(tp + fp));
    partial.ap_units += static_cast<Int128>(std::ldexp(term, RankingPartial::kApFractionBits));
  }
  return partial;
}

RankingMetrics combine_ranking_partials(std::span<const RankingPartial> partials,
                                        std::int64_t positives, std::int64_t negatives) {
  if (positives == 0 || negatives == 0) {
    throw std::invalid_argument("ranking_metrics: needs at least one positive and one negative");
  }
  UInt128 twice_area = 0;
  Int128 ap_units = 0;
  for (const RankingPartial& partial : partials) {
    twice_area += partial.twice_auc_area;
    ap_units += partial.ap_units;
  }
  const double area = static_cast<double>(twice_area) / 2.0;
  return {area / (static_cast<double>(positives) * static_cast<double>(negatives)),
          std::ldexp(static_cast<double>(ap_units), -RankingPartial::kApFractionBits)};
}

std::vector<double> score_slice_cuts(std::vector<double> sample, int parts) {
  std::sort(sample.begin(), sample.end(), std::greater<>());
  std::vector<double> cuts;
  if (sample.empty()) return std::vector<double>(static_cast<std::size_t>(parts - 1), 0.0);
  for (int k = 1; k < parts; ++k) {
    cuts.push_back(
        sample[static_cast<std::size_t>(k) * sample.size() / static_cast<std::size_t>(parts)]);
  }
  return cuts;
}

int score_slice(double score, std::span<const double> cuts) {
  // cuts descend: the ones above `score` form a prefix.
  const auto above =
      std::partition_point(cuts.begin(), cuts.end(), [score](double cut) { return cut > score; });
  return static_cast<int>(above - cuts.begin());
}

}  // namespace distgae
