#include "model/gcn_aggregation.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "gradient_check.hpp"
#include "model_test_graphs.hpp"
#include "threaded_row_exchange.hpp"

namespace distgae {
namespace {

// Rows of a canonical-order matrix picked for a part's local rows (owned, then halo).
Matrix local_rows(const Eigen::MatrixXd& canonical, const PartData& part, std::int64_t count) {
  Matrix rows(count, canonical.cols());
  for (std::int64_t i = 0; i < count; ++i) {
    rows.row(i) = canonical.row(part.canonical_id[i]).cast<float>();
  }
  return rows;
}

double relative_error(const Matrix& actual, const Matrix& expected) {
  return (actual.cast<double>() - expected.cast<double>()).norm() / expected.cast<double>().norm();
}

class GcnAggregationOnCora : public ::testing::Test {
 protected:
  static const testing::ModelGraph& graph() {
    static const testing::ModelGraph g = testing::cora_model_graph(150, 1, false);
    return g;
  }
  const PartData& part() const { return graph().parts[0]; }
  const NormalizedAdjacency adjacency_ = testing::normalized(graph().parts[0]);
  LocalRowExchange exchange_;
  GcnAggregation aggregation_{adjacency_, exchange_};
};

TEST_F(GcnAggregationOnCora, ForwardIsNormalizedAdjacencyTimesT) {
  const Eigen::MatrixXd a = testing::dense_normalized_adjacency(graph());
  const Eigen::MatrixXd t = testing::random_matrix(graph().num_nodes, 16, 1).cast<double>();
  Matrix t_ext = local_rows(t, part(), adjacency_.n_local);
  Matrix y;
  aggregation_.forward(t_ext, y);
  EXPECT_LT(relative_error(y, local_rows(a * t, part(), part().n_owned)), 1e-6);
}

TEST_F(GcnAggregationOnCora, BackwardIsTransposeTimesDy) {
  const Eigen::MatrixXd a = testing::dense_normalized_adjacency(graph());
  const Eigen::MatrixXd dy = testing::random_matrix(graph().num_nodes, 7, 2).cast<double>();
  Matrix dy_ext = local_rows(dy, part(), adjacency_.n_local);
  Matrix dt;
  aggregation_.backward(dy_ext, dt);
  ASSERT_EQ(dt.rows(), adjacency_.n_owned);
  EXPECT_LT(relative_error(dt, local_rows(a.transpose() * dy, part(), part().n_owned)), 1e-6);
}

TEST_F(GcnAggregationOnCora, GradientMatchesFiniteDifferences) {
  ASSERT_EQ(adjacency_.n_local, adjacency_.n_owned);  // one part: T's rows are all owned
  Matrix t_ext = testing::random_matrix(adjacency_.n_local, 4, 3);
  Matrix weights = testing::random_matrix(adjacency_.n_owned, 4, 4);
  Matrix y;
  Matrix dt_ext;
  aggregation_.backward(weights, dt_ext);
  const auto objective = [&] {
    aggregation_.forward(t_ext, y);
    return testing::weighted_sum(y, weights);
  };
  const auto coordinates = testing::all_coordinates(t_ext.size());
  EXPECT_LT(testing::finite_difference_error(testing::entries(t_ext), testing::entries(dt_ext),
                                             coordinates, 1e-2f, objective, "aggregation"),
            1e-2);
}

// Three parts on three threads, exchanging halo rows, give the very bits one part computes alone,
// forward and backward: each row sums its canonical-ordered row of Â on its own part.
TEST(GcnAggregation, PartsOnThreadsGiveTheBitsOfOnePart) {
  const testing::ModelGraph whole = testing::cora_model_graph(2708, 1, false);
  const testing::ModelGraph split = testing::cora_model_graph(2708, 3, false);
  const Eigen::MatrixXd t = testing::random_matrix(whole.num_nodes, 32, 5).cast<double>();
  const Eigen::MatrixXd dy = testing::random_matrix(whole.num_nodes, 32, 6).cast<double>();

  const PartData& one = whole.parts[0];
  const NormalizedAdjacency one_adjacency = testing::normalized(one);
  LocalRowExchange local;
  GcnAggregation one_aggregation(one_adjacency, local);
  Matrix one_t = local_rows(t, one, one.n_owned);
  Matrix one_dy = local_rows(dy, one, one.n_owned);
  Matrix one_y;
  Matrix one_dt;
  one_aggregation.forward(one_t, one_y);
  one_aggregation.backward(one_dy, one_dt);
  std::vector<std::int64_t> row_of(static_cast<std::size_t>(whole.num_nodes));
  for (std::int64_t i = 0; i < one.n_owned; ++i) row_of[one.canonical_id[i]] = i;

  testing::ThreadedExchangeGroup group(split.parts);
  std::vector<Matrix> y(3), dt(3);
  group.run([&](int p) {
    const PartData& part = split.parts[p];
    const NormalizedAdjacency adjacency = testing::normalized(part);
    GcnAggregation aggregation(adjacency, group.exchange(p));
    // Halo rows must be overwritten by the exchange.
    const auto owned_then_garbage = [&](const Eigen::MatrixXd& canonical) {
      Matrix ext = local_rows(canonical, part, part.n_owned);
      ext.conservativeResize(adjacency.n_local, Eigen::NoChange);
      ext.bottomRows(part.n_halo).setConstant(-1e30f);
      return ext;
    };
    Matrix t_ext = owned_then_garbage(t);
    Matrix dy_ext = owned_then_garbage(dy);
    aggregation.forward(t_ext, y[p]);
    aggregation.backward(dy_ext, dt[p]);
  });
  for (int p = 0; p < 3; ++p) {
    const PartData& part = split.parts[p];
    EXPECT_GT(part.n_halo, 0);
    EXPECT_LT(part.n_interior, part.n_owned);
    for (std::int64_t i = 0; i < part.n_owned; ++i) {
      const std::int64_t row = row_of[part.canonical_id[i]];
      EXPECT_EQ(y[p].row(i), one_y.row(row)) << "part " << p << ", owned row " << i;
      EXPECT_EQ(dt[p].row(i), one_dt.row(row)) << "part " << p << ", owned row " << i;
    }
  }
}

}  // namespace
}  // namespace distgae
