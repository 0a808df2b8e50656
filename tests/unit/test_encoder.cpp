#include "model/encoder.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>
#include <vector>

#include "gradient_check.hpp"
#include "model_test_graphs.hpp"
#include "threaded_row_exchange.hpp"

namespace distgae {
namespace {

constexpr std::uint64_t kSeed = 2024;

EncoderShape shape_of(ModelKind kind, std::int64_t input_dim) {
  EncoderShape shape;
  shape.kind = kind;
  shape.input_dim = input_dim;
  shape.hidden = 32;
  shape.latent = 16;
  return shape;
}

const testing::ModelGraph& cora(int num_parts, bool with_features) {
  static const std::vector<testing::ModelGraph> graphs = [] {
    std::vector<testing::ModelGraph> all;
    for (const int parts : {1, 3}) {
      for (const bool features : {true, false}) {
        all.push_back(testing::cora_model_graph(2708, parts, features));
      }
    }
    return all;
  }();
  return graphs[(num_parts == 1 ? 0 : 2) + (with_features ? 0 : 1)];
}

Matrix node_rows_of(const EncoderShape& shape, const testing::ModelGraph& graph,
                    const PartData& part) {
  if (shape.input_dim > 0) return Matrix();
  return init_node_rows(
      shape, kSeed, graph.num_nodes,
      std::span(part.canonical_id.data(), static_cast<std::size_t>(part.n_owned)));
}

// [μ | log σ] (log σ clamped) computed densely in double, canonical order, from the same weights.
Eigen::MatrixXd dense_encoder(const EncoderShape& shape, const testing::ModelGraph& graph) {
  const std::vector<float> params = init_parameters(shape, kSeed);
  const ParameterLayout layout = parameter_layout(shape);
  const int width = shape.heads() * shape.latent;
  Eigen::MatrixXd xw;
  if (shape.input_dim > 0) {
    xw = testing::dense_features(graph) *
         ConstMatrixMap(params.data(), shape.input_dim, shape.hidden).cast<double>();
  } else {
    std::vector<GlobalId> ids(static_cast<std::size_t>(graph.num_nodes));
    std::iota(ids.begin(), ids.end(), GlobalId{0});
    xw = init_node_rows(shape, kSeed, graph.num_nodes, ids).cast<double>();
  }
  const Eigen::MatrixXd a = testing::dense_normalized_adjacency(graph);
  const Eigen::MatrixXd h = (a * xw).cwiseMax(0.0);
  const Eigen::MatrixXd w1 =
      ConstMatrixMap(params.data() + layout.w1_offset, shape.hidden, width).cast<double>();
  Eigen::MatrixXd out = a * (h * w1);
  if (shape.kind == ModelKind::kVgae) {
    out.rightCols(shape.latent) = out.rightCols(shape.latent).cwiseMin(10.0);
  }
  return out;
}

void expect_matches_dense(ModelKind kind, bool with_features) {
  const testing::ModelGraph& graph = cora(1, with_features);
  const EncoderShape shape = shape_of(kind, with_features ? graph.features.n_cols : 0);
  const PartData& part = graph.parts[0];
  const NormalizedAdjacency adjacency = testing::normalized(part);
  LocalRowExchange exchange;
  Encoder encoder(shape, adjacency, exchange, part.features, graph.num_nodes);
  encoder.forward(init_parameters(shape, kSeed), node_rows_of(shape, graph, part));

  const Eigen::MatrixXd dense = dense_encoder(shape, graph);
  Eigen::MatrixXd expected(part.n_owned, dense.cols());
  Eigen::MatrixXd actual(part.n_owned, dense.cols());
  for (std::int64_t i = 0; i < part.n_owned; ++i) {
    expected.row(i) = dense.row(part.canonical_id[i]);
    actual.row(i).head(shape.latent) = encoder.mu().row(i).cast<double>();
    if (kind == ModelKind::kVgae) {
      actual.row(i).tail(shape.latent) = encoder.logstd().row(i).cast<double>();
    }
  }
  EXPECT_LT((actual - expected).norm() / expected.norm(), 1e-5);
}

TEST(Encoder, GaeForwardMatchesDenseComputationOnCora) {
  expect_matches_dense(ModelKind::kGae, true);
}
TEST(Encoder, VgaeForwardMatchesDenseComputationOnCora) {
  expect_matches_dense(ModelKind::kVgae, true);
}
TEST(Encoder, FeaturelessForwardMatchesDenseComputationOnCora) {
  expect_matches_dense(ModelKind::kGae, false);
  expect_matches_dense(ModelKind::kVgae, false);
}

// What one part or several give for the same weights and upstream gradients, per canonical node.
struct EncoderRun {
  std::vector<Eigen::RowVectorXf> mu, logstd, dnode_rows;  // [N] rows
  std::vector<float> dparams;                              // the parts' shares summed
};

EncoderRun run_parts(const EncoderShape& shape, const testing::ModelGraph& graph,
                     Summation summation) {
  const auto n = static_cast<std::size_t>(graph.num_nodes);
  const int parts = static_cast<int>(graph.parts.size());
  const Matrix dmu = testing::random_matrix(graph.num_nodes, shape.latent, 1);
  const Matrix dlogstd = testing::random_matrix(graph.num_nodes, shape.latent, 2);
  const std::vector<float> params = init_parameters(shape, kSeed);
  EncoderRun run{std::vector<Eigen::RowVectorXf>(n), std::vector<Eigen::RowVectorXf>(n),
                 std::vector<Eigen::RowVectorXf>(n), std::vector<float>(params.size(), 0.0f)};
  std::vector<WeightGradient> dparams(static_cast<std::size_t>(parts));
  testing::ThreadedExchangeGroup group(graph.parts);
  group.run([&](int p) {
    const PartData& part = graph.parts[p];
    const NormalizedAdjacency adjacency = testing::normalized(part);
    Encoder encoder(shape, adjacency, group.exchange(p), part.features, graph.num_nodes, summation);
    encoder.forward(params, node_rows_of(shape, graph, part));
    Matrix part_dmu(part.n_owned, shape.latent);
    Matrix part_dlogstd(part.n_owned, shape.latent);
    for (std::int64_t i = 0; i < part.n_owned; ++i) {
      part_dmu.row(i) = dmu.row(part.canonical_id[i]);
      part_dlogstd.row(i) = dlogstd.row(part.canonical_id[i]);
    }
    Matrix dnode_rows;
    encoder.backward(part_dmu, part_dlogstd, dparams[p], dnode_rows);
    for (std::int64_t i = 0; i < part.n_owned; ++i) {
      const auto node = static_cast<std::size_t>(part.canonical_id[i]);
      run.mu[node] = encoder.mu().row(i);
      if (shape.kind == ModelKind::kVgae) run.logstd[node] = encoder.logstd().row(i);
      if (shape.input_dim == 0) run.dnode_rows[node] = dnode_rows.row(i);
    }
  });
  if (summation == Summation::kFloat) {
    // The allreduce: the shares added in double, in part order.
    std::vector<double> summed(params.size(), 0.0);
    for (const WeightGradient& share : dparams) {
      for (std::size_t k = 0; k < summed.size(); ++k) summed[k] += share.floats[k];
    }
    std::copy(summed.begin(), summed.end(), run.dparams.begin());
    return run;
  }
  // The allreduce: the shares' units added (in part order here; any order gives the same).
  std::vector<std::int64_t> summed(params.size(), 0);
  for (const WeightGradient& share : dparams) {
    for (std::size_t k = 0; k < summed.size(); ++k) summed[k] += share.units[k];
  }
  dparams[0].values(summed, run.dparams);
  return run;
}

void expect_rows_equal(const std::vector<Eigen::RowVectorXf>& a,
                       const std::vector<Eigen::RowVectorXf>& b) {
  for (std::size_t node = 0; node < a.size(); ++node) {
    EXPECT_TRUE(a[node] == b[node]) << "node " << node;
  }
}

// Rows sum their neighbours in canonical order whatever the partition, so every row has the same
// bits from three parts as from one; the weights' gradient, a sum over all nodes, does with exact
// sums and is within float rounding of it otherwise.
TEST(Encoder, PartsOnThreadsMatchOnePart) {
  for (const bool with_features : {true, false}) {
    for (const ModelKind kind : {ModelKind::kGae, ModelKind::kVgae}) {
      const EncoderShape shape = shape_of(kind, with_features ? 1433 : 0);
      const EncoderRun one = run_parts(shape, cora(1, with_features), Summation::kExact);
      const EncoderRun three = run_parts(shape, cora(3, with_features), Summation::kExact);
      expect_rows_equal(three.mu, one.mu);
      expect_rows_equal(three.logstd, one.logstd);
      expect_rows_equal(three.dnode_rows, one.dnode_rows);
      EXPECT_EQ(three.dparams, one.dparams);

      const EncoderRun three_float = run_parts(shape, cora(3, with_features), Summation::kFloat);
      expect_rows_equal(three_float.mu, one.mu);
      expect_rows_equal(three_float.dnode_rows, one.dnode_rows);
      const Eigen::Map<const Eigen::VectorXf> exact(one.dparams.data(),
                                                    static_cast<Eigen::Index>(one.dparams.size()));
      const Eigen::Map<const Eigen::VectorXf> rounded(
          three_float.dparams.data(), static_cast<Eigen::Index>(three_float.dparams.size()));
      EXPECT_LT((rounded - exact).norm(), 1e-5 * exact.norm());
    }
  }
}

TEST(Encoder, ClampedLogstdPassesNoGradient) {
  const testing::ModelGraph& graph = cora(1, true);
  const EncoderShape shape = shape_of(ModelKind::kVgae, 1433);
  const ParameterLayout layout = parameter_layout(shape);
  std::vector<float> params = init_parameters(shape, kSeed);
  // Positive log σ weights on ReLU outputs: most log σ land above the bound, some below.
  for (int i = 0; i < shape.hidden; ++i) {
    for (int j = 0; j < shape.latent; ++j) {
      params[layout.w1_offset + i * 2 * shape.latent + shape.latent + j] = 20.0f;
    }
  }
  const PartData& part = graph.parts[0];
  const NormalizedAdjacency adjacency = testing::normalized(part);
  LocalRowExchange exchange;
  Encoder encoder(shape, adjacency, exchange, part.features, graph.num_nodes);
  encoder.forward(params, Matrix());
  const Matrix& logstd = encoder.logstd();
  EXPECT_EQ(logstd.maxCoeff(), 10.0f);
  const auto clamped = (logstd.array() == 10.0f).count();
  EXPECT_GT(clamped, logstd.size() / 10);
  EXPECT_LT(clamped, logstd.size());

  const Matrix dmu = Matrix::Zero(part.n_owned, shape.latent);
  const Matrix dlogstd = testing::random_matrix(part.n_owned, shape.latent, 3);
  const Matrix masked = (logstd.array() < 10.0f).select(dlogstd, 0.0f);
  std::vector<float> grads(params.size());
  std::vector<float> masked_grads(params.size());
  Matrix unused;
  encoder.backward(dmu, dlogstd, grads, unused);
  encoder.forward(params, Matrix());  // backward consumes the forward's buffers
  encoder.backward(dmu, masked, masked_grads, unused);
  EXPECT_EQ(grads, masked_grads);
}

TEST(Encoder, ReusesItsBuffersAcrossEpochs) {
  const testing::ModelGraph& graph = cora(1, true);
  const EncoderShape shape = shape_of(ModelKind::kVgae, 1433);
  const PartData& part = graph.parts[0];
  const NormalizedAdjacency adjacency = testing::normalized(part);
  LocalRowExchange exchange;
  Encoder encoder(shape, adjacency, exchange, part.features, graph.num_nodes);
  const std::vector<float> params = init_parameters(shape, kSeed);
  const Matrix dmu = testing::random_matrix(part.n_owned, shape.latent, 4);
  std::vector<float> first(params.size());
  std::vector<float> second(params.size());
  Matrix unused;
  encoder.forward(params, Matrix());
  const float* mu_data = encoder.mu().data();
  const float* logstd_data = encoder.logstd().data();
  encoder.backward(dmu, dmu, first, unused);
  encoder.forward(params, Matrix());
  encoder.backward(dmu, dmu, second, unused);
  EXPECT_EQ(encoder.mu().data(), mu_data);
  EXPECT_EQ(encoder.logstd().data(), logstd_data);
  EXPECT_EQ(first, second);  // and the same bits
}

TEST(Encoder, RejectsMismatchedInputs) {
  const testing::ModelGraph& graph = cora(1, true);
  const PartData& part = graph.parts[0];
  const NormalizedAdjacency adjacency = testing::normalized(part);
  LocalRowExchange exchange;
  EXPECT_THROW(
      Encoder(shape_of(ModelKind::kGae, 1000), adjacency, exchange, part.features, graph.num_nodes),
      std::invalid_argument);
  const EncoderShape featureless = shape_of(ModelKind::kGae, 0);
  Encoder encoder(featureless, adjacency, exchange, part.features, graph.num_nodes);
  std::vector<float> params = init_parameters(featureless, kSeed);
  EXPECT_THROW(encoder.forward(params, Matrix(3, 32)), std::invalid_argument);
  std::vector<float> grads(params.size());
  Matrix unused;
  EXPECT_THROW(encoder.backward(Matrix(part.n_owned, 16), Matrix(), grads, unused),
               std::logic_error);
  params.pop_back();
  EXPECT_THROW(encoder.forward(params, Matrix(part.n_owned, 32)), std::invalid_argument);
}

}  // namespace
}  // namespace distgae
