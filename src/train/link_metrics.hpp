// Link-prediction metrics, exactly as scikit-learn defines them (roc_auc_score and
// average_precision_score), ties included, computed in double.
//
// The scores of a large graph's held-out pairs need not sit on one process: sorted in
// descending order and cut into consecutive slices that never split a group of tied scores,
// each slice gives a RankingPartial from the counts above it, and the partials add up exactly
// (integer sums), so the metrics are the same bits however the scores were sliced.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

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

// Throws std::invalid_argument for a NaN score or a label other than 0 and 1.
void check_ranking_input(std::span<const double> scores, std::span<const std::uint8_t> labels);

// `scores` and their `labels` in descending score order (the order ranking_partial walks).
void sort_by_descending_score(std::span<const double> scores, std::span<const std::uint8_t> labels,
                              std::vector<double>& sorted_scores,
                              std::vector<std::uint8_t>& sorted_labels);

// Exact wide sums (GCC and Clang; __extension__ keeps -Wpedantic quiet about them).
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// One slice's share of the metrics, in integers so that adding them is exact in any order:
// twice the ROC area (Σ Δfp · (tp + tp_before)) and AP in units of 2^-kApFractionBits.
struct RankingPartial {
  static constexpr int kApFractionBits = 100;
  UInt128 twice_auc_area = 0;
  Int128 ap_units = 0;
};

// The partial of one slice: `scores` sorted in descending order with their `labels`, after
// `positives_above` positives and `negatives_above` negatives that score higher (earlier
// slices), of `positives` in all.
RankingPartial ranking_partial(std::span<const double> scores, std::span<const std::uint8_t> labels,
                               std::int64_t positives_above, std::int64_t negatives_above,
                               std::int64_t positives);

// The metrics from every slice's partial (any order) and the totals; NaN-free: needs at least
// one positive and one negative.
RankingMetrics combine_ranking_partials(std::span<const RankingPartial> partials,
                                        std::int64_t positives, std::int64_t negatives);

// Cut points for `parts` slices from a sample of the scores (any order): parts - 1 values in
// descending order. A score s goes to slice score_slice(s, cuts), the number of cuts above s
// (strictly): tied scores share a slice, and slices follow descending score order.
std::vector<double> score_slice_cuts(std::vector<double> sample, int parts);
int score_slice(double score, std::span<const double> cuts);

}  // namespace distgae
