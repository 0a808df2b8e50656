// AUC and AP over the scores of every rank without gathering them: the same bits as one process
// ranking them all, however the pairs are spread over the ranks.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "comm/communicator.hpp"
#include "train/evaluation.hpp"
#include "train/link_metrics.hpp"

namespace distgae {
namespace {

struct Scored {
  std::vector<double> scores;
  std::vector<std::uint8_t> labels;
};

// The same pairs on every rank: logits with ties, a third positive.
Scored all_pairs(std::size_t n, int levels) {
  std::mt19937_64 random(5);
  std::uniform_int_distribution<int> level(0, levels);
  std::bernoulli_distribution positive(1.0 / 3.0);
  Scored all;
  for (std::size_t i = 0; i < n; ++i) {
    all.scores.push_back(level(random) * 0.25 - 3.0);
    all.labels.push_back(positive(random) ? 1 : 0);
  }
  return all;
}

// Rank r's share: pairs i with owner(i) == r.
template <class Owner>
Scored share(const Scored& all, int rank, Owner owner) {
  Scored mine;
  for (std::size_t i = 0; i < all.scores.size(); ++i) {
    if (owner(i) != rank) continue;
    mine.scores.push_back(all.scores[i]);
    mine.labels.push_back(all.labels[i]);
  }
  return mine;
}

TEST(DistributedRanking, SameBitsAsOneProcessForAnySpreadOfThePairs) {
  const Communicator world = Communicator::world();
  const int ranks = world.size();
  for (int levels : {3, 50, 100000}) {
    const Scored all = all_pairs(4000, levels);
    const RankingMetrics expected = ranking_metrics(all.scores, all.labels);
    const std::function<int(std::size_t)> spreads[] = {
        [&](std::size_t i) { return static_cast<int>(i % static_cast<std::size_t>(ranks)); },
        [&](std::size_t) { return 0; },  // every pair on rank 0, the others empty
        [&](std::size_t i) {             // the highest scores together on the last rank
          return all.scores[i] > 0.0 ? ranks - 1 : static_cast<int>(i) % ranks;
        }};
    for (const auto& owner : spreads) {
      const Scored mine = share(all, world.rank(), owner);
      const RankingMetrics got = distributed_ranking_metrics(mine.scores, mine.labels, world);
      EXPECT_EQ(got.auc, expected.auc) << levels << " levels";
      EXPECT_EQ(got.ap, expected.ap) << levels << " levels";
    }
  }
}

TEST(DistributedRanking, BadInputIsRefusedOnEveryRank) {
  const Communicator world = Communicator::world();
  const std::vector<double> scores = {0.5, 0.25};
  const std::vector<std::uint8_t> negatives = {0, 0};
  // No positive anywhere: every rank learns it from the counts and throws.
  EXPECT_THROW(distributed_ranking_metrics(scores, negatives, world), std::invalid_argument);
}

}  // namespace
}  // namespace distgae
