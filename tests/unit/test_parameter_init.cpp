#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "core/rng.hpp"
#include "model/encoder.hpp"

namespace distgae {
namespace {

EncoderShape shape_of(ModelKind kind, std::int64_t input_dim, int hidden, int latent) {
  EncoderShape shape;
  shape.kind = kind;
  shape.input_dim = input_dim;
  shape.hidden = hidden;
  shape.latent = latent;
  return shape;
}

TEST(ParameterInit, LayoutPlacesW0ThenW1) {
  const ParameterLayout gae = parameter_layout(shape_of(ModelKind::kGae, 1433, 32, 16));
  EXPECT_EQ(gae.w0_offset, 0);
  EXPECT_EQ(gae.w0_rows, 1433);
  EXPECT_EQ(gae.w1_offset, 1433 * 32);
  EXPECT_EQ(gae.total, 1433 * 32 + 32 * 16);
  const ParameterLayout vgae = parameter_layout(shape_of(ModelKind::kVgae, 0, 32, 16));
  EXPECT_EQ(vgae.w0_rows, 0);
  EXPECT_EQ(vgae.w1_offset, 0);
  EXPECT_EQ(vgae.total, 32 * 32);
}

TEST(ParameterInit, ValuesAreGlorotUniformInRange) {
  const EncoderShape shape = shape_of(ModelKind::kVgae, 1433, 32, 16);
  const ParameterLayout layout = parameter_layout(shape);
  const std::vector<float> params = init_parameters(shape, 42);
  ASSERT_EQ(static_cast<std::int64_t>(params.size()), layout.total);
  const double bound0 = std::sqrt(6.0 / (1433 + 32));
  const double bound1 = std::sqrt(6.0 / (32 + 16));
  double sum_squares = 0.0;
  for (std::int64_t k = 0; k < layout.w1_offset; ++k) {
    EXPECT_LE(std::abs(params[k]), bound0);
    sum_squares += double{params[k]} * params[k];
  }
  // The variance of U(-r, r) is r² / 3.
  EXPECT_NEAR(sum_squares / static_cast<double>(layout.w1_offset), bound0 * bound0 / 3,
              0.02 * bound0 * bound0);
  for (std::int64_t k = layout.w1_offset; k < layout.total; ++k) {
    EXPECT_LE(std::abs(params[k]), bound1);
  }
}

TEST(ParameterInit, EntriesArePureFunctionsOfSeedLayerRowAndColumn) {
  const EncoderShape vgae = shape_of(ModelKind::kVgae, 50, 8, 4);
  const std::vector<float> params = init_parameters(vgae, 7);
  EXPECT_EQ(params, init_parameters(vgae, 7));
  EXPECT_NE(params, init_parameters(vgae, 8));
  // Entry (i, j) of layer L is keyed {L, i, j}: check two by hand.
  const double bound0 = std::sqrt(6.0 / (50 + 8));
  const double u0 = unit_interval(random_bits(7, RandomPurpose::kWeightInit, {0, 3, 5}));
  EXPECT_EQ(params[3 * 8 + 5], static_cast<float>((2 * u0 - 1) * bound0));
  const double bound1 = std::sqrt(6.0 / (8 + 4));
  const double u1 = unit_interval(random_bits(7, RandomPurpose::kWeightInit, {1, 2, 6}));
  EXPECT_EQ(params[50 * 8 + 2 * 8 + 6], static_cast<float>((2 * u1 - 1) * bound1));
  // GAE's W1 is VGAE's μ block: the same keys and the same fan-out.
  const EncoderShape gae = shape_of(ModelKind::kGae, 50, 8, 4);
  const std::vector<float> gae_params = init_parameters(gae, 7);
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 4; ++j)
      EXPECT_EQ(gae_params[50 * 8 + i * 4 + j], params[50 * 8 + i * 8 + j]);
  }
}

TEST(ParameterInit, NodeRowsAreRowsOfAReplicatedGlorotMatrix) {
  const GlobalId num_nodes = 300;
  // A replicated [N, hidden] W0, as identity features would multiply.
  const EncoderShape replicated = shape_of(ModelKind::kGae, num_nodes, 16, 8);
  const std::vector<float> params = init_parameters(replicated, 99);
  const EncoderShape featureless = shape_of(ModelKind::kGae, 0, 16, 8);
  const std::vector<GlobalId> ids = {0, 299, 17, 150, 17};
  const Matrix rows = init_node_rows(featureless, 99, num_nodes, ids);
  ASSERT_EQ(rows.rows(), 5);
  ASSERT_EQ(rows.cols(), 16);
  for (std::size_t r = 0; r < ids.size(); ++r) {
    for (int j = 0; j < 16; ++j) {
      EXPECT_EQ(rows(static_cast<Eigen::Index>(r), j), params[ids[r] * 16 + j]);
    }
  }
  EXPECT_NE(rows, init_node_rows(featureless, 100, num_nodes, ids));
  EXPECT_THROW(init_node_rows(featureless, 99, num_nodes, std::vector<GlobalId>{300}),
               std::invalid_argument);
}

}  // namespace
}  // namespace distgae
