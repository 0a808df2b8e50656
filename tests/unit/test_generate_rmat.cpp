#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "core/error.hpp"
#include "generate/rmat_graph.hpp"

namespace distgae {
namespace {

RmatParams params_at(int scale, std::uint64_t seed = 5) {
  RmatParams p;
  p.scale = scale;
  p.edge_factor = 16;
  p.seed = seed;
  return p;
}

std::vector<std::uint64_t> all_block_edges(const RmatGraph& graph) {
  std::vector<std::uint64_t> edges;
  std::vector<std::uint64_t> block;
  for (std::int64_t b = 0; b < graph.num_blocks(); ++b) {
    graph.block_edges(b, block);
    for (std::uint64_t e : block) {
      EXPECT_EQ(packed_source(e) / graph.block_size(), b);  // the smaller id lies in the block
    }
    edges.insert(edges.end(), block.begin(), block.end());
  }
  return edges;
}

TEST(RmatGraph, CellCountsAddUpToEverySample) {
  for (int scale : {3, 12}) {
    const RmatGraph graph(params_at(scale));
    std::uint64_t total = 0;
    for (std::int64_t row = 0; row < graph.num_blocks(); ++row) {
      for (std::int64_t col = 0; col < graph.num_blocks(); ++col)
        total += graph.cell_count(row, col);
    }
    EXPECT_EQ(total, graph.samples());
    EXPECT_EQ(graph.samples(), 16u << scale);
  }
}

// The blocks, concatenated, are exactly the samples with loops dropped, both directions merged,
// duplicates merged: sorted, u < v, unique, ids in range.
TEST(RmatGraph, BlocksHoldEveryDistinctNonLoopSampleOnceInOrder) {
  for (int scale : {6, 10, 12}) {
    const RmatGraph graph(params_at(scale));
    std::vector<std::uint64_t> samples;
    for (std::int64_t row = 0; row < graph.num_blocks(); ++row) {
      for (std::int64_t col = 0; col < graph.num_blocks(); ++col) {
        graph.cell_samples(row, col, samples);
      }
    }
    ASSERT_EQ(samples.size(), graph.samples());
    std::set<std::pair<GlobalId, GlobalId>> expected;
    std::uint64_t loops = 0;
    for (std::uint64_t s : samples) {
      const GlobalId u = packed_source(s);
      const GlobalId v = packed_target(s);
      ASSERT_LT(u, graph.nodes());
      ASSERT_LT(v, graph.nodes());
      if (u == v) {
        ++loops;
      } else {
        expected.insert({std::min(u, v), std::max(u, v)});
      }
    }
    const std::vector<std::uint64_t> edges = all_block_edges(graph);
    EXPECT_TRUE(std::is_sorted(edges.begin(), edges.end()));
    using Edges = std::vector<std::pair<GlobalId, GlobalId>>;
    Edges written;
    for (std::uint64_t e : edges) written.emplace_back(packed_source(e), packed_target(e));
    EXPECT_EQ(written, Edges(expected.begin(), expected.end())) << scale;
    EXPECT_GT(loops, 0u);                      // R-MAT does draw loops ...
    EXPECT_LT(edges.size(), graph.samples());  // ... and duplicates
    if (scale >= 10) {
      EXPECT_GT(edges.size(), graph.samples() / 2);  // most samples survive
    }
  }
}

TEST(RmatGraph, DegreesAreSkewed) {
  const RmatGraph graph(params_at(14));
  std::vector<std::uint64_t> degree(static_cast<std::size_t>(graph.nodes()), 0);
  const std::vector<std::uint64_t> edges = all_block_edges(graph);
  for (std::uint64_t e : edges) {
    ++degree[static_cast<std::size_t>(packed_source(e))];
    ++degree[static_cast<std::size_t>(packed_target(e))];
  }
  const double mean = 2.0 * static_cast<double>(edges.size()) / static_cast<double>(graph.nodes());
  const std::uint64_t max_degree = *std::max_element(degree.begin(), degree.end());
  EXPECT_GT(static_cast<double>(max_degree), 20 * mean);
  const auto isolated = std::count(degree.begin(), degree.end(), 0u);
  EXPECT_GT(isolated, graph.nodes() / 20);  // many ids without an edge: a heavy tail's other end
  // The shuffle spreads the hubs: the highest degrees are not at the lowest ids.
  const auto hub = std::max_element(degree.begin(), degree.end()) - degree.begin();
  EXPECT_NE(hub, 0);
}

TEST(RmatGraph, SameSeedSameGraphOtherSeedAnother) {
  const std::vector<std::uint64_t> first = all_block_edges(RmatGraph(params_at(11, 1)));
  EXPECT_EQ(all_block_edges(RmatGraph(params_at(11, 1))), first);
  EXPECT_NE(all_block_edges(RmatGraph(params_at(11, 2))), first);
}

TEST(RmatGraph, BadParametersAreInputErrors) {
  RmatParams p = params_at(0);
  EXPECT_THROW(validate_rmat(p), InputError);
  p.scale = kMaxRmatScale + 1;
  EXPECT_THROW(validate_rmat(p), InputError);
  p = params_at(5);
  p.edge_factor = 0;
  EXPECT_THROW(validate_rmat(p), InputError);
  p = params_at(5);
  p.a = 0.9;  // d < 0
  EXPECT_THROW(validate_rmat(p), InputError);
  EXPECT_NO_THROW(validate_rmat(params_at(kMaxRmatScale)));
}

}  // namespace
}  // namespace distgae
