// ranking_metrics against scikit-learn's definitions: hand-computed cases (including the
// examples in sklearn's docs and tied scores across labels), and random inputs with many ties
// against brute-force formulas that share no code with the implementation.
#include "train/link_metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <vector>

namespace distgae {
namespace {

RankingMetrics metrics_of(const std::vector<int>& labels, const std::vector<double>& scores) {
  const std::vector<std::uint8_t> bytes(labels.begin(), labels.end());
  return ranking_metrics(scores, bytes);
}

// P(s+ > s-) + ½ P(s+ = s-) over all positive/negative pairs: the AUC with ties as one ROC point.
double brute_force_auc(const std::vector<int>& labels, const std::vector<double>& scores) {
  double wins = 0;
  double pairs = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (std::size_t j = 0; j < labels.size(); ++j) {
      if (labels[i] != 1 || labels[j] != 0) continue;
      pairs += 1;
      wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
    }
  }
  return wins / pairs;
}

// sklearn's AP from its definition: Σ (R_k − R_{k−1}) P_k over the distinct thresholds t,
// descending, where P and R count the samples scoring >= t.
double brute_force_ap(const std::vector<int>& labels, const std::vector<double>& scores) {
  const std::set<double, std::greater<>> thresholds(scores.begin(), scores.end());
  const double positives = static_cast<double>(std::count(labels.begin(), labels.end(), 1));
  double ap = 0;
  double previous_recall = 0;
  for (const double threshold : thresholds) {
    double selected = 0;
    double true_positives = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (scores[i] < threshold) continue;
      selected += 1;
      true_positives += labels[i];
    }
    const double recall = true_positives / positives;
    ap += (recall - previous_recall) * (true_positives / selected);
    previous_recall = recall;
  }
  return ap;
}

TEST(RankingMetrics, PerfectRankingScoresOne) {
  const RankingMetrics m = metrics_of({1, 0, 1, 0}, {0.9, 0.2, 0.8, 0.1});
  EXPECT_DOUBLE_EQ(m.auc, 1.0);
  EXPECT_DOUBLE_EQ(m.ap, 1.0);
}

TEST(RankingMetrics, ReversedRankingHasZeroAucAndAPFromTheBottom) {
  // Positives found last: precision 1/3 at recall 1/2, then 2/4 at recall 1.
  const RankingMetrics m = metrics_of({0, 0, 1, 1}, {0.9, 0.8, 0.3, 0.1});
  EXPECT_DOUBLE_EQ(m.auc, 0.0);
  EXPECT_DOUBLE_EQ(m.ap, 0.5 * (1.0 / 3.0) + 0.5 * 0.5);
}

TEST(RankingMetrics, AllTiedScoresGiveHalfAucAndThePositiveFraction) {
  const RankingMetrics m = metrics_of({1, 0, 0, 1, 0}, {0.3, 0.3, 0.3, 0.3, 0.3});
  EXPECT_DOUBLE_EQ(m.auc, 0.5);
  EXPECT_DOUBLE_EQ(m.ap, 0.4);
}

TEST(RankingMetrics, MatchesTheScikitLearnDocumentationExamples) {
  // roc_auc_score and average_precision_score docs: y=[0,0,1,1], s=[0.1,0.4,0.35,0.8].
  const RankingMetrics m = metrics_of({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8});
  EXPECT_DOUBLE_EQ(m.auc, 0.75);
  EXPECT_DOUBLE_EQ(m.ap, 0.8333333333333333);
}

TEST(RankingMetrics, TiesAcrossLabelsFormOnePointOfEachCurve) {
  // Thresholds 0.9: (tp 1, fp 0); 0.5: (3, 1); 0.1: (3, 2). ROC (0,0) (0,1/3) (1/2,1) (1,1):
  // area 1/3 + 1/2. AP: 1/3 · 1 + 2/3 · 3/4 (+ 0 · 3/5).
  const RankingMetrics m = metrics_of({1, 0, 1, 0, 1}, {0.5, 0.5, 0.9, 0.1, 0.5});
  EXPECT_DOUBLE_EQ(m.auc, 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(m.ap, 5.0 / 6.0);
  // A tie at the top: 0.8 (1,1), 0.6 (2,1), 0.4 (3,2), 0.2 (3,3).
  const RankingMetrics top = metrics_of({1, 0, 1, 1, 0, 0}, {0.8, 0.8, 0.6, 0.4, 0.4, 0.2});
  EXPECT_DOUBLE_EQ(top.auc, 6.0 / 9.0);
  EXPECT_DOUBLE_EQ(top.ap, (1.0 / 2.0 + 2.0 / 3.0 + 3.0 / 5.0) / 3.0);
  // One positive and one negative tied: a coin flip.
  const RankingMetrics pair = metrics_of({0, 1}, {0.5, 0.5});
  EXPECT_DOUBLE_EQ(pair.auc, 0.5);
  EXPECT_DOUBLE_EQ(pair.ap, 0.5);
}

TEST(RankingMetrics, AgreesWithBruteForceOnRandomTiedScores) {
  std::mt19937_64 random(20240611);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 2 + static_cast<int>(random() % 60);
    const int levels = 1 + static_cast<int>(random() % 8);  // few levels: many ties
    std::vector<int> labels(static_cast<std::size_t>(n));
    std::vector<double> scores(labels.size());
    for (int i = 0; i < n; ++i) {
      labels[i] = static_cast<int>(random() % 2);
      scores[i] = static_cast<double>(random() % levels) * 0.125 - 0.3;
    }
    labels[0] = 1;  // at least one of each
    labels[1] = 0;
    const RankingMetrics m = metrics_of(labels, scores);
    ASSERT_NEAR(m.auc, brute_force_auc(labels, scores), 1e-12) << "trial " << trial;
    ASSERT_NEAR(m.ap, brute_force_ap(labels, scores), 1e-12) << "trial " << trial;
  }
}

TEST(RankingMetrics, DependsOnlyOnTheOrderOfScoresNotTheirPositions) {
  std::mt19937_64 random(7);
  std::vector<int> labels(40);
  std::vector<double> scores(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    labels[i] = static_cast<int>(i % 3 == 0);
    scores[i] = static_cast<double>(random() % 10);
  }
  const RankingMetrics before = metrics_of(labels, scores);
  std::vector<std::size_t> permutation(labels.size());
  for (std::size_t i = 0; i < permutation.size(); ++i) permutation[i] = i;
  std::shuffle(permutation.begin(), permutation.end(), random);
  std::vector<int> shuffled_labels;
  std::vector<double> transformed_scores;  // a strictly increasing map keeps every tie
  for (const std::size_t i : permutation) {
    shuffled_labels.push_back(labels[i]);
    transformed_scores.push_back(std::exp(scores[i]) * 3.0 - 100.0);
  }
  const RankingMetrics after = metrics_of(shuffled_labels, transformed_scores);
  EXPECT_NEAR(after.auc, before.auc, 1e-15);
  EXPECT_NEAR(after.ap, before.ap, 1e-15);
}

TEST(RankingMetrics, RejectsInputsWithoutBothClassesOrWithBadValues) {
  EXPECT_THROW(metrics_of({1, 1}, {0.1, 0.2}), std::invalid_argument);
  EXPECT_THROW(metrics_of({0, 0}, {0.1, 0.2}), std::invalid_argument);
  EXPECT_THROW(metrics_of({}, {}), std::invalid_argument);
  EXPECT_THROW(metrics_of({0, 1}, {0.1}), std::invalid_argument);
  EXPECT_THROW(metrics_of({0, 1}, {0.1, std::numeric_limits<double>::quiet_NaN()}),
               std::invalid_argument);
  EXPECT_THROW(metrics_of({0, 2, 1}, {0.1, 0.2, 0.3}), std::invalid_argument);
}

// Scores cut into slices by score_slice_cuts, each slice ranked from the counts above it: the
// partials add up to the same bits as one process ranking them all, for any number of slices.
TEST(RankingMetrics, SlicedByScoreTheSameBitsForAnyNumberOfSlices) {
  std::mt19937_64 random(12);
  std::uniform_int_distribution<int> level(0, 40);  // many ties
  std::bernoulli_distribution positive(0.3);
  std::vector<double> scores(5000);
  std::vector<std::uint8_t> labels(scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) {
    scores[i] = level(random) * 0.37 - 5.0;
    labels[i] = positive(random) ? 1 : 0;
  }
  const RankingMetrics whole = ranking_metrics(scores, labels);
  const auto positives = static_cast<std::int64_t>(std::count(labels.begin(), labels.end(), 1));
  const auto negatives = static_cast<std::int64_t>(labels.size()) - positives;
  for (int parts : {1, 2, 3, 5, 8, 64}) {
    const std::vector<double> sample(scores.begin(), scores.begin() + 97);
    const std::vector<double> cuts = score_slice_cuts(sample, parts);
    ASSERT_EQ(cuts.size(), static_cast<std::size_t>(parts - 1));
    std::vector<std::vector<std::pair<double, std::uint8_t>>> slices(
        static_cast<std::size_t>(parts));
    for (std::size_t i = 0; i < scores.size(); ++i) {
      slices[static_cast<std::size_t>(score_slice(scores[i], cuts))].emplace_back(scores[i],
                                                                                  labels[i]);
    }
    std::vector<RankingPartial> partials;
    std::int64_t positives_above = 0, negatives_above = 0;
    double lowest_above = std::numeric_limits<double>::infinity();
    for (auto& slice : slices) {
      std::sort(slice.begin(), slice.end(), std::greater<>());
      std::vector<double> slice_scores;
      std::vector<std::uint8_t> slice_labels;
      for (const auto& [score, label] : slice) {
        EXPECT_LT(score, lowest_above) << "a tie split across slices, or slices out of order";
        slice_scores.push_back(score);
        slice_labels.push_back(label);
      }
      partials.push_back(
          ranking_partial(slice_scores, slice_labels, positives_above, negatives_above, positives));
      for (std::uint8_t label : slice_labels) ++(label != 0 ? positives_above : negatives_above);
      if (!slice.empty()) lowest_above = slice.back().first;
    }
    std::reverse(partials.begin(), partials.end());  // the order of adding does not matter
    const RankingMetrics sliced = combine_ranking_partials(partials, positives, negatives);
    EXPECT_EQ(sliced.auc, whole.auc) << parts << " slices";
    EXPECT_EQ(sliced.ap, whole.ap) << parts << " slices";
  }
}

TEST(RankingMetrics, SliceOfAScoreCountsTheCutsStrictlyAboveIt) {
  const std::vector<double> cuts = {3.0, 1.0, 1.0, -2.0};
  EXPECT_EQ(score_slice(4.0, cuts), 0);
  EXPECT_EQ(score_slice(3.0, cuts), 0);  // ties with a cut stay above it
  EXPECT_EQ(score_slice(2.0, cuts), 1);
  EXPECT_EQ(score_slice(1.0, cuts), 1);
  EXPECT_EQ(score_slice(0.0, cuts), 3);
  EXPECT_EQ(score_slice(-5.0, cuts), 4);
  EXPECT_EQ(score_slice_cuts({}, 3).size(), 2u);
}

}  // namespace
}  // namespace distgae
