// The property that sets distgae apart: the same model whatever the number of ranks. Each rank
// runs the job's P-rank trainer and, beside it, a one-rank trainer of its own over the same
// graph and split (Communicator::self()). With exact sums (--exact-sums) losses, gradients and
// weights must have the very same bits; with float sums they agree to rounding.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>

#include "comm/communicator.hpp"
#include "cora_dataset.hpp"
#include "io/dataset.hpp"
#include "partition/partition_pipeline.hpp"
#include "train/trainer.hpp"

namespace distgae {
namespace {

struct Case {
  const char* name;
  ModelKind model;
  bool features;
  DecoderKind decoder;
  Summation summation = Summation::kExact;
  PartitionMethod method = PartitionMethod::kMetis;
};

const Case kCases[] = {
    {"gae", ModelKind::kGae, true, DecoderKind::kSampled},
    {"vgae", ModelKind::kVgae, true, DecoderKind::kSampled},
    {"gae_featureless", ModelKind::kGae, false, DecoderKind::kSampled},
    {"vgae_featureless", ModelKind::kVgae, false, DecoderKind::kSampled},
    {"gae_full_decoder", ModelKind::kGae, true, DecoderKind::kFull},
    {"vgae_full_decoder", ModelKind::kVgae, true, DecoderKind::kFull},
    {"vgae_random_parts", ModelKind::kVgae, true, DecoderKind::kSampled, Summation::kExact,
     PartitionMethod::kRandom},
    {"gae_float_sums", ModelKind::kGae, true, DecoderKind::kSampled, Summation::kFloat},
    {"vgae_featureless_float_sums", ModelKind::kVgae, false, DecoderKind::kSampled,
     Summation::kFloat},
};

// A dataset held in memory, for one rank or for this rank's part of the world's.
struct Loaded {
  DatasetMeta meta;
  PartData part;
};

// Cora as the world's dataset (seed 7; see cora_dataset.cpp), featureless when asked: a
// featureless dataset has the same graph and split (the split never sees the features).
Loaded load(const Case& c, int parts, int part) {
  PartitionJob job;
  job.graph_path = DISTGAE_TEST_DATA "/cora/edges.txt";
  if (c.features) job.features_path = DISTGAE_TEST_DATA "/cora/features.mtx";
  job.partition.num_parts = parts;
  job.partition.method = c.method;
  job.split.seed = 7;
  PartitionedDataset dataset = partition_dataset(job);
  return {std::move(dataset.meta), std::move(dataset.parts[static_cast<std::size_t>(part)])};
}

TrainingConfig config_for(const Case& c) {
  TrainingConfig config;
  config.model = c.model;
  config.decoder = c.decoder;
  config.seed = 11;
  config.eval_every = 0;
  config.negatives = 2;
  config.summation = c.summation;
  return config;
}

bool exact(const Case& c) {
  return c.summation == Summation::kExact;
}

bool same_bits(std::span<const float> a, std::span<const float> b) {
  return std::ranges::equal(a, b, [](float x, float y) {
    return std::bit_cast<std::uint32_t>(x) == std::bit_cast<std::uint32_t>(y);
  });
}

double relative_difference(std::span<const float> a, std::span<const float> b) {
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff += (double{a[i]} - b[i]) * (double{a[i]} - b[i]);
    norm += double{b[i]} * b[i];
  }
  return std::sqrt(diff) / std::max(std::sqrt(norm), 1e-30);
}

class TrainerInvariance : public ::testing::TestWithParam<Case> {};

TEST_P(TrainerInvariance, LossAndEveryGradientMatchOneRankAtFixedWeights) {
  const Case c = GetParam();
  const Communicator world = Communicator::world();
  const Loaded many = load(c, world.size(), world.rank());
  const Loaded one = load(c, 1, 0);
  Trainer distributed(config_for(c), many.meta, many.part, world);
  Trainer single(config_for(c), one.meta, one.part, Communicator::self());
  for (std::int64_t epoch : {1, 2}) {
    const LossParts a = distributed.compute_gradients(epoch);
    const LossParts b = single.compute_gradients(epoch);
    if (exact(c)) {
      EXPECT_EQ(a.reconstruction, b.reconstruction) << c.name;
      EXPECT_EQ(a.kl, b.kl) << c.name;
      EXPECT_TRUE(same_bits(distributed.gradients(), single.gradients())) << c.name;
    } else {
      EXPECT_NEAR(a.total(), b.total(), 1e-5 * std::abs(b.total())) << c.name;
      EXPECT_NEAR(a.kl, b.kl, 1e-5 * std::abs(b.kl) + 1e-12) << c.name;
    }
    EXPECT_LT(relative_difference(distributed.gradients(), single.gradients()), 1e-5) << c.name;
    if (!c.features) {
      // Featureless rows: this rank's owned rows against the same canonical rows of one rank.
      std::map<GlobalId, Eigen::Index> row_of;
      for (Eigen::Index i = 0; i < one.part.n_owned; ++i) row_of[one.part.canonical_id[i]] = i;
      const Matrix& mine = distributed.node_row_gradients();
      Matrix expected(mine.rows(), mine.cols());
      for (Eigen::Index i = 0; i < mine.rows(); ++i) {
        expected.row(i) = single.node_row_gradients().row(row_of.at(many.part.canonical_id[i]));
      }
      if (exact(c)) {
        EXPECT_TRUE(mine == expected) << c.name;
      } else {
        EXPECT_LT((mine - expected).norm(), 1e-5 * std::max(expected.norm(), 1e-12f)) << c.name;
      }
    }
  }
}

TEST_P(TrainerInvariance, TwentyEpochsGiveTheSameLossesAsOneRank) {
  const Case c = GetParam();
  const Communicator world = Communicator::world();
  const Loaded many = load(c, world.size(), world.rank());
  const Loaded one = load(c, 1, 0);
  TrainingConfig config = config_for(c);
  config.epochs = 20;
  std::vector<double> losses_many, losses_one;
  Trainer distributed(config, many.meta, many.part, world);
  distributed.train([&](const EpochRecord& r) { losses_many.push_back(r.loss); });
  Trainer single(config, one.meta, one.part, Communicator::self());
  single.train([&](const EpochRecord& r) { losses_one.push_back(r.loss); });
  ASSERT_EQ(losses_many.size(), 20u);
  for (std::size_t e = 0; e < losses_one.size(); ++e) {
    if (exact(c)) {
      EXPECT_EQ(losses_many[e], losses_one[e]) << c.name << " epoch " << e + 1;
    } else {
      EXPECT_NEAR(losses_many[e], losses_one[e], 1e-4 * std::abs(losses_one[e]))
          << c.name << " epoch " << e + 1;
    }
  }
  if (exact(c)) {
    EXPECT_TRUE(same_bits(distributed.parameters(), single.parameters())) << c.name;
    const CheckpointState mine = distributed.checkpoint_state(20);
    const CheckpointState theirs = single.checkpoint_state(20);
    EXPECT_TRUE(same_bits(mine.adam_m, theirs.adam_m)) << c.name;
    EXPECT_TRUE(same_bits(mine.adam_v, theirs.adam_v)) << c.name;
  }
  EXPECT_LT(losses_one.back(), losses_one.front()) << "training lowers the loss";
}

INSTANTIATE_TEST_SUITE_P(Models, TrainerInvariance, ::testing::ValuesIn(kCases),
                         [](const auto& test_case) { return std::string(test_case.param.name); });

}  // namespace
}  // namespace distgae
