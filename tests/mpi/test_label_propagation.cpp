// Label propagation and cluster contraction on block-distributed graphs, checked against the
// whole graph gathered on every rank: slots name the right neighbours, no label outgrows its
// bound, clusters never cross between disconnected pieces, the cluster graph carries exactly the
// node counts and cut edges of the clusters, and refinement only lowers the edge cut.
#include "partition/distributed/label_propagation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "block_graph_testing.hpp"
#include "comm/communicator.hpp"
#include "io/graph_readers.hpp"
#include "partition/canonical_graph.hpp"
#include "partition/distributed/cluster_contraction.hpp"

namespace distgae {
namespace {

using testing::cora_adjacency;

// `cliques` disjoint cliques of `size` nodes, clique c holding nodes c, c + cliques, ... (so each
// clique spreads over every rank's block).
Csr<GlobalId> disjoint_cliques(int cliques, int size) {
  std::vector<NodePair> edges;
  for (int c = 0; c < cliques; ++c) {
    for (int i = 0; i < size; ++i) {
      for (int j = i + 1; j < size; ++j) edges.push_back({c + i * cliques, c + j * cliques});
    }
  }
  std::sort(edges.begin(), edges.end());
  return symmetric_adjacency(static_cast<GlobalId>(cliques) * size, edges);
}

struct Fixture {
  Communicator world = Communicator::world();
  NodeBlocks blocks;
  BlockAdjacency block;

  explicit Fixture(const Csr<GlobalId>& whole)
      : blocks(whole.n_rows(), Communicator::world().size()),
        block(testing::adjacency_block(whole, blocks, Communicator::world().rank())) {}

  // Every rank's first slot_count entries of `values` for its own nodes, in canonical order.
  std::vector<std::int64_t> gather_local(const NeighbourSlots& slots,
                                         const std::vector<std::int64_t>& values) const {
    return world.allgatherv(std::span<const std::int64_t>(values).first(slots.local_count()));
  }

  // Each node its own label, ghosts refreshed.
  std::vector<std::int64_t> own_labels(const NeighbourSlots& slots) const {
    std::vector<std::int64_t> labels(slots.slot_count());
    for (std::int64_t i = 0; i < slots.local_count(); ++i)
      labels[i] = blocks.begin(world.rank()) + i;
    slots.refresh_ghosts(labels);
    return labels;
  }
};

std::int64_t edge_cut(const Csr<GlobalId>& whole, const std::vector<std::int64_t>& part_of) {
  std::int64_t cut = 0;
  for (GlobalId u = 0; u < whole.n_rows(); ++u) {
    for (const GlobalId v : whole.row(u)) cut += u < v && part_of[u] != part_of[v];
  }
  return cut;
}

std::map<std::int64_t, std::int64_t> label_sizes(const std::vector<std::int64_t>& labels) {
  std::map<std::int64_t, std::int64_t> sizes;
  for (const std::int64_t label : labels) ++sizes[label];
  return sizes;
}

TEST(NeighbourSlots, NameEveryColumnAndBringTheOwnersValues) {
  const Fixture f(cora_adjacency());
  const NeighbourSlots slots(f.world, f.blocks, f.block);
  ASSERT_EQ(slots.local_count(), f.blocks.size(f.world.rank()));
  for (std::int64_t row = 0; row < f.block.n_rows(); ++row) {
    const auto columns = f.block.row(row);
    const auto neighbours = slots.neighbours(row);
    ASSERT_EQ(neighbours.size(), columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
      EXPECT_EQ(slots.global_id(neighbours[i]), columns[i]) << "row " << row;
    }
  }
  // Owners hold 7 * id + 1 for their nodes; every ghost must arrive with its own id's value.
  std::vector<std::int64_t> values(slots.slot_count(), -1);
  for (std::int64_t i = 0; i < slots.local_count(); ++i) values[i] = 7 * slots.global_id(i) + 1;
  slots.refresh_ghosts(values);
  for (std::size_t slot = 0; slot < slots.slot_count(); ++slot) {
    EXPECT_EQ(values[slot], 7 * slots.global_id(slot) + 1) << "slot " << slot;
  }
}

TEST(LabelPropagation, ClustersStayWithinTheBoundAndRepeatThemselves) {
  const Fixture f(cora_adjacency());
  const NeighbourSlots slots(f.world, f.blocks, f.block);
  for (const std::int64_t bound : {1, 2, 5, 40}) {
    LabelPropagationSettings settings;
    settings.max_label_size = bound;
    settings.seed = 3;
    std::vector<std::int64_t> first = f.own_labels(slots);
    const std::int64_t moves = propagate_clusters(f.world, f.blocks, slots, first, settings);
    const std::vector<std::int64_t> all = f.gather_local(slots, first);
    if (bound == 1) {
      EXPECT_EQ(moves, 0);
    } else if (bound >= 5) {
      EXPECT_GT(moves, cora_adjacency().n_rows() / 2) << "bound " << bound;
    }
    for (const auto& [label, size] : label_sizes(all)) {
      EXPECT_LE(size, bound) << "label " << label;
      EXPECT_GE(label, 0);
      EXPECT_LT(label, cora_adjacency().n_rows());
    }
    for (std::size_t slot = 0; slot < slots.slot_count(); ++slot) {
      EXPECT_EQ(first[slot], all[slots.global_id(slot)]) << "ghost slot " << slot << " is stale";
    }
    std::vector<std::int64_t> second = f.own_labels(slots);
    propagate_clusters(f.world, f.blocks, slots, second, settings);
    EXPECT_EQ(first, second) << "bound " << bound;
  }
}

TEST(LabelPropagation, ClustersNeverCrossBetweenDisconnectedCliques) {
  constexpr int kCliques = 30, kSize = 12;
  const Csr<GlobalId> whole = disjoint_cliques(kCliques, kSize);
  const Fixture f(whole);
  const NeighbourSlots slots(f.world, f.blocks, f.block);
  LabelPropagationSettings settings;
  settings.max_label_size = 2 * kSize;  // room to spare: the bound does not hold clusters back
  std::vector<std::int64_t> labels = f.own_labels(slots);
  propagate_clusters(f.world, f.blocks, slots, labels, settings);
  const std::vector<std::int64_t> all = f.gather_local(slots, labels);
  for (GlobalId node = 0; node < whole.n_rows(); ++node) {
    EXPECT_EQ(all[node] % kCliques, node % kCliques) << "node " << node << " left its clique";
  }
  // Each clique gathers into few clusters (one once the ties resolve; fewer than 2 on average).
  EXPECT_LE(label_sizes(all).size(), 2u * kCliques);
}

TEST(ClusterContraction, TheClusterGraphCarriesNodeCountsAndCutEdges) {
  const Csr<GlobalId>& whole = cora_adjacency();
  const Fixture f(whole);
  const NeighbourSlots slots(f.world, f.blocks, f.block);
  LabelPropagationSettings settings;
  settings.max_label_size = 20;
  std::vector<std::int64_t> labels = f.own_labels(slots);
  propagate_clusters(f.world, f.blocks, slots, labels, settings);
  const std::vector<std::int64_t> cluster_of = f.gather_local(slots, labels);
  const ClusterContraction contraction(f.world, f.blocks, slots, labels);
  const WeightedBlockGraph& graph = contraction.graph();

  // Vertices: one per distinct label, numbered by label order, weighted by its node count.
  const std::map<std::int64_t, std::int64_t> sizes = label_sizes(cluster_of);
  ASSERT_EQ(graph.num_vertices(), static_cast<std::int64_t>(sizes.size()));
  ASSERT_EQ(graph.distribution.size(), static_cast<std::size_t>(f.world.size()) + 1);
  const std::vector<std::int64_t> weights =
      f.world.allgatherv(std::span<const std::int64_t>(graph.vertex_weights));
  std::vector<std::int64_t> vertex_of_label;
  std::map<std::int64_t, std::int64_t> vertex_index;
  for (const auto& [label, size] : sizes) {
    vertex_index[label] = static_cast<std::int64_t>(vertex_of_label.size());
    EXPECT_EQ(weights[vertex_of_label.size()], size) << "cluster " << label;
    vertex_of_label.push_back(label);
  }
  // Arcs: the whole graph's arcs between different clusters, counted per pair of clusters.
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> expected, actual;
  for (GlobalId u = 0; u < whole.n_rows(); ++u) {
    for (const GlobalId v : whole.row(u)) {
      if (cluster_of[u] != cluster_of[v]) {
        ++expected[{vertex_index[cluster_of[u]], vertex_index[cluster_of[v]]}];
      }
    }
  }
  std::vector<std::int64_t> mine;
  const std::int64_t first = graph.distribution[f.world.rank()];
  for (std::int64_t v = 0; v < graph.local_vertices(); ++v) {
    for (std::int64_t e = graph.row_start[v]; e < graph.row_start[v + 1]; ++e) {
      mine.insert(mine.end(), {first + v, graph.columns[e], graph.edge_weights[e]});
    }
  }
  const std::vector<std::int64_t> arcs = f.world.allgatherv(std::span<const std::int64_t>(mine));
  for (std::size_t i = 0; i < arcs.size(); i += 3) {
    EXPECT_TRUE(actual.emplace(std::pair(arcs[i], arcs[i + 1]), arcs[i + 2]).second)
        << "arc " << arcs[i] << " -> " << arcs[i + 1] << " twice";
  }
  EXPECT_EQ(actual, expected);

  // Projection: each cluster vertex's part reaches every slot of its nodes.
  std::vector<std::int64_t> vertex_parts(static_cast<std::size_t>(graph.local_vertices()));
  for (std::int64_t v = 0; v < graph.local_vertices(); ++v) vertex_parts[v] = (first + v) % 5;
  const std::vector<std::int64_t> parts = contraction.project(vertex_parts);
  ASSERT_EQ(parts.size(), slots.slot_count());
  for (std::size_t slot = 0; slot < parts.size(); ++slot) {
    EXPECT_EQ(parts[slot], vertex_index[cluster_of[slots.global_id(slot)]] % 5) << "slot " << slot;
  }
}

TEST(LabelPropagation, RefinementLowersTheCutAndKeepsTheBound) {
  const Csr<GlobalId>& whole = cora_adjacency();
  const Fixture f(whole);
  const NeighbourSlots slots(f.world, f.blocks, f.block);
  constexpr int kParts = 4;
  // Contiguous blocks of canonical ids: a poor but balanced start.
  std::vector<std::int64_t> parts(slots.slot_count());
  for (std::size_t slot = 0; slot < parts.size(); ++slot) {
    parts[slot] = slots.global_id(slot) * kParts / whole.n_rows();
  }
  const std::int64_t before = edge_cut(whole, f.gather_local(slots, parts));
  LabelPropagationSettings settings;
  settings.max_label_size = whole.n_rows() * 103 / 100 / kParts;
  const std::int64_t moves = refine_parts(f.world, slots, kParts, parts, settings);
  const std::vector<std::int64_t> after_parts = f.gather_local(slots, parts);
  const std::int64_t after = edge_cut(whole, after_parts);
  EXPECT_GT(moves, 0);
  EXPECT_LT(after, before * 9 / 10) << "from " << before;
  for (const auto& [part, size] : label_sizes(after_parts)) {
    EXPECT_LE(size, settings.max_label_size) << "part " << part;
  }
  for (std::size_t slot = 0; slot < slots.slot_count(); ++slot) {
    EXPECT_EQ(parts[slot], after_parts[slots.global_id(slot)]) << "ghost slot " << slot;
  }
}

}  // namespace
}  // namespace distgae
