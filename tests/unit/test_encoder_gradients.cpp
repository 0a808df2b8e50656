// Finite-difference checks of Encoder::backward: GAE and VGAE, with features and featureless, on a
// connected 120-node piece of Cora with its real features.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "gradient_check.hpp"
#include "model/encoder.hpp"
#include "model_test_graphs.hpp"

namespace distgae {
namespace {

struct Case {
  ModelKind kind;
  bool with_features;
};

class EncoderGradient : public ::testing::TestWithParam<Case> {
 protected:
  static const testing::ModelGraph& graph(bool with_features) {
    static const testing::ModelGraph featured = testing::cora_model_graph(120, 1, true);
    static const testing::ModelGraph featureless = testing::cora_model_graph(120, 1, false);
    return with_features ? featured : featureless;
  }
};

// Every W1 entry and the W0 rows of a spread of the feature columns this piece of Cora uses
// (the others have zero gradient; a few of those are checked too).
std::vector<std::int64_t> checked_parameters(const EncoderShape& shape,
                                             const ParameterLayout& layout, const PartData& part) {
  std::vector<std::int64_t> coordinates;
  if (shape.input_dim > 0) {
    std::vector<std::int32_t> used(part.features.col_index.begin(), part.features.col_index.end());
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    std::vector<std::int32_t> rows;
    for (std::size_t k = 0; k < used.size(); k += used.size() / 20 + 1) rows.push_back(used[k]);
    for (std::int32_t column = 0; rows.size() < 24 && column < shape.input_dim; ++column) {
      if (!std::binary_search(used.begin(), used.end(), column)) rows.push_back(column);
    }
    for (const std::int32_t row : rows) {
      for (int j = 0; j < shape.hidden; ++j) coordinates.push_back(row * shape.hidden + j);
    }
  }
  for (std::int64_t k = layout.w1_offset; k < layout.total; ++k) coordinates.push_back(k);
  return coordinates;
}

TEST_P(EncoderGradient, MatchesFiniteDifferences) {
  const Case c = GetParam();
  const testing::ModelGraph& g = graph(c.with_features);
  const PartData& part = g.parts[0];
  EncoderShape shape;
  shape.kind = c.kind;
  shape.input_dim = c.with_features ? g.features.n_cols : 0;
  shape.hidden = 8;
  shape.latent = 4;
  const ParameterLayout layout = parameter_layout(shape);
  const NormalizedAdjacency adjacency = testing::normalized(part);
  LocalRowExchange exchange;
  Encoder encoder(shape, adjacency, exchange, part.features, g.num_nodes);

  std::vector<float> params = init_parameters(shape, 5);
  Matrix node_rows;
  if (!c.with_features) {
    node_rows = init_node_rows(shape, 5, g.num_nodes,
                               std::span(part.canonical_id.data(), part.canonical_id.size()));
  }
  // The objective Σ μ ⊙ R_μ + Σ log σ ⊙ R_σ has upstream gradients R_μ and R_σ.
  const Matrix r_mu = testing::random_matrix(part.n_owned, shape.latent, 6);
  const Matrix r_logstd = testing::random_matrix(part.n_owned, shape.latent, 7);
  const auto objective = [&] {
    encoder.forward(params, node_rows);
    double f = testing::weighted_sum(encoder.mu(), r_mu);
    if (c.kind == ModelKind::kVgae) f += testing::weighted_sum(encoder.logstd(), r_logstd);
    return f;
  };
  objective();
  std::vector<float> dparams(params.size(), 123.0f);  // must be overwritten
  Matrix dnode_rows;
  encoder.backward(r_mu, r_logstd, dparams, dnode_rows);

  // In one weight the objective is piecewise linear (ReLU, clamp): the checker skips the few
  // coordinates with a kink within the step, and the rest are exact up to float rounding.
  const float step = 3e-3f;
  EXPECT_LT(
      testing::finite_difference_error(params, dparams, checked_parameters(shape, layout, part),
                                       step, objective, "encoder weights", true),
      1e-2);
  if (!c.with_features) {
    ASSERT_EQ(dnode_rows.rows(), part.n_owned);
    ASSERT_EQ(dnode_rows.cols(), shape.hidden);
    EXPECT_LT(testing::finite_difference_error(
                  testing::entries(node_rows), testing::entries(dnode_rows),
                  testing::all_coordinates(node_rows.size()), step, objective, "node rows", true),
              1e-2);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Models, EncoderGradient,
    ::testing::Values(Case{ModelKind::kGae, true}, Case{ModelKind::kVgae, true},
                      Case{ModelKind::kGae, false}, Case{ModelKind::kVgae, false}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      return std::string(param_info.param.kind == ModelKind::kGae ? "Gae" : "Vgae") +
             (param_info.param.with_features ? "WithFeatures" : "Featureless");
    });

}  // namespace
}  // namespace distgae
