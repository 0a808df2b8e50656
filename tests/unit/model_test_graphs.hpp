// Real graphs for the model tests: a connected piece of Cora (its first nodes in BFS order, with
// their real features) or all of Cora, partitioned and built into parts exactly as `distgae
// partition` does, plus dense references of Â and X in canonical order.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cstdint>
#include <deque>
#include <numeric>
#include <vector>

#include "io/dataset.hpp"
#include "io/feature_readers.hpp"
#include "model/normalized_adjacency.hpp"
#include "partition/graph_partitioner.hpp"
#include "partition/part_builder.hpp"
#include "partition_test_graphs.hpp"

namespace distgae::testing {

struct ModelGraph {
  GlobalId num_nodes = 0;
  std::vector<NodePair> edges;  // this graph's canonical ids, first < second, sorted
  FeatureMatrix features;       // [num_nodes, 1433], or n_cols == 0 when featureless
  std::vector<PartData> parts;
};

inline const FeatureMatrix& cora_features() {
  static const FeatureMatrix features = read_features(DISTGAE_TEST_DATA "/cora/features.mtx");
  return features;
}

// Cora's nodes in BFS order from node 0 (components one after another): a prefix of it is a
// connected subgraph with Cora's local structure.
inline std::vector<GlobalId> cora_bfs_order() {
  const CanonicalGraph& cora = cora_graph();
  const Csr<GlobalId> adjacency = symmetric_adjacency(cora.num_nodes(), cora.edges);
  std::vector<bool> seen(static_cast<std::size_t>(cora.num_nodes()), false);
  std::vector<GlobalId> order;
  for (GlobalId start = 0; start < cora.num_nodes(); ++start) {
    if (seen[start]) continue;
    std::deque<GlobalId> queue{start};
    seen[start] = true;
    while (!queue.empty()) {
      const GlobalId node = queue.front();
      queue.pop_front();
      order.push_back(node);
      for (const GlobalId next : adjacency.row(node)) {
        if (!seen[next]) queue.push_back(next), seen[next] = true;
      }
    }
  }
  return order;
}

// The first `size` Cora nodes in BFS order (all of Cora, in its own ids, when size >= 2708),
// partitioned by METIS into num_parts parts.
inline ModelGraph cora_model_graph(GlobalId size, int num_parts, bool with_features) {
  const CanonicalGraph& cora = cora_graph();
  std::vector<GlobalId> chosen(static_cast<std::size_t>(cora.num_nodes()));
  std::iota(chosen.begin(), chosen.end(), GlobalId{0});
  if (size < cora.num_nodes()) {
    chosen = cora_bfs_order();
    chosen.resize(static_cast<std::size_t>(size));
  }
  std::vector<GlobalId> new_id(static_cast<std::size_t>(cora.num_nodes()), -1);
  for (std::size_t i = 0; i < chosen.size(); ++i) new_id[chosen[i]] = static_cast<GlobalId>(i);

  ModelGraph graph;
  graph.num_nodes = static_cast<GlobalId>(chosen.size());
  for (const NodePair& edge : cora.edges) {
    if (new_id[edge.first] >= 0 && new_id[edge.second] >= 0) {
      graph.edges.push_back(ordered_pair(new_id[edge.first], new_id[edge.second]));
    }
  }
  std::sort(graph.edges.begin(), graph.edges.end());
  if (with_features) {
    const FeatureMatrix& all = cora_features();
    graph.features.n_cols = all.n_cols;
    for (const GlobalId node : chosen) {
      const auto columns = all.row(node);
      const auto values = all.row_values(node);
      graph.features.col_index.insert(graph.features.col_index.end(), columns.begin(),
                                      columns.end());
      graph.features.values.insert(graph.features.values.end(), values.begin(), values.end());
      graph.features.row_start.push_back(graph.features.nnz());
    }
  }
  EdgeSplit split;
  split.train = graph.edges;
  const Csr<GlobalId> adjacency = symmetric_adjacency(graph.num_nodes, graph.edges);
  PartitionOptions options;
  options.num_parts = num_parts;
  const std::vector<std::int32_t> part_of = assign_parts(adjacency, options);
  const NodeOrdering ordering = order_nodes(adjacency, part_of, num_parts);
  std::vector<GlobalId> original_ids(chosen.size());
  std::iota(original_ids.begin(), original_ids.end(), GlobalId{0});
  graph.parts = build_parts(adjacency, part_of, ordering, split, graph.features, original_ids);
  return graph;
}

inline NormalizedAdjacency normalized(const PartData& part) {
  return normalize_adjacency(part.adjacency, part.degree, part.canonical_id, part.n_interior);
}

// Â = D^-1/2 (A + I) D^-1/2 of the whole graph, dense, canonical order.
inline Eigen::MatrixXd dense_normalized_adjacency(const ModelGraph& graph) {
  const auto n = static_cast<Eigen::Index>(graph.num_nodes);
  Eigen::VectorXd degree = Eigen::VectorXd::Zero(n);
  for (const NodePair& edge : graph.edges) degree[edge.first] += 1, degree[edge.second] += 1;
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n);
  for (const NodePair& edge : graph.edges)
    a(edge.first, edge.second) = a(edge.second, edge.first) = 1;
  const Eigen::VectorXd scale = (degree.array() + 1.0).rsqrt();
  return scale.asDiagonal() * a * scale.asDiagonal();
}

// X, dense, canonical order.
inline Eigen::MatrixXd dense_features(const ModelGraph& graph) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(graph.num_nodes, graph.features.n_cols);
  for (GlobalId row = 0; row < graph.num_nodes; ++row) {
    const auto columns = graph.features.row(row);
    const auto values = graph.features.row_values(row);
    for (std::size_t k = 0; k < columns.size(); ++k) x(row, columns[k]) = values[k];
  }
  return x;
}

}  // namespace distgae::testing
