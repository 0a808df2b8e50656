// Helpers for the tests of the distributed partition stages: spreading a whole graph over the
// ranks, gathering every rank's block back, and a graph with awkward original ids.
#pragma once

#include <algorithm>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/graph_readers.hpp"
#include "partition/canonical_graph.hpp"
#include "partition/distributed/block_graph.hpp"

namespace distgae::testing {

// The message `step` throws on this rank as an AgreedError with exit code 2 (every rank throws
// the same), or a note saying what it did instead.
inline std::string agreed_message(const std::function<void()>& step) {
  try {
    step();
  } catch (const AgreedError& e) {
    return e.exit_code() == kExitBadInput ? e.what() : "exit code " + std::to_string(e.exit_code());
  } catch (const std::exception& e) {
    return std::string("not agreed: ") + e.what();
  }
  return "no error";
}

// How the raw edges are dealt to the ranks: in file order by contiguous chunks, one by one in
// turn, by a hash of their line with each rank's share in a scrambled order, or all to the last
// rank (the others have none).
enum class Spread { kContiguous, kInterleaved, kShuffled, kLastRankOnly };

inline GraphShare share_of(const RawGraph& raw, Spread spread, const Communicator& world) {
  const auto ranks = static_cast<std::uint64_t>(world.size());
  const auto rank = static_cast<std::uint64_t>(world.rank());
  const std::uint64_t n = raw.edges.size();
  GraphShare share;
  share.source_path = raw.source_path;
  share.declared_num_nodes = raw.declared_num_nodes;
  share.data_lines = raw.data_lines;
  share.weighted_lines = raw.weighted_lines;
  std::vector<std::pair<std::uint64_t, NodePair>> shuffled;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (spread == Spread::kContiguous && i >= n * rank / ranks && i < n * (rank + 1) / ranks) {
      share.edges.push_back(raw.edges[i]);
    } else if (spread == Spread::kInterleaved && i % ranks == rank) {
      share.edges.push_back(raw.edges[i]);
    } else if (spread == Spread::kLastRankOnly && rank + 1 == ranks) {
      share.edges.push_back(raw.edges[i]);
    } else if (spread == Spread::kShuffled && mix64(i ^ 0x5eed) % ranks == rank) {
      shuffled.emplace_back(mix64(i), raw.edges[i]);
    }
  }
  std::sort(shuffled.begin(), shuffled.end());
  for (const auto& entry : shuffled) share.edges.push_back(entry.second);
  return share;
}

// Every rank's pairs, concatenated in rank order, on every rank.
inline std::vector<NodePair> gather_pairs(const Communicator& world,
                                          const std::vector<NodePair>& pairs) {
  std::vector<std::int64_t> flat;
  flat.reserve(2 * pairs.size());
  for (const NodePair& p : pairs) {
    flat.push_back(p.first);
    flat.push_back(p.second);
  }
  const std::vector<std::int64_t> all = world.allgatherv(std::span<const std::int64_t>(flat));
  std::vector<NodePair> gathered(all.size() / 2);
  for (std::size_t i = 0; i < gathered.size(); ++i) gathered[i] = {all[2 * i], all[2 * i + 1]};
  return gathered;
}

inline std::vector<GlobalId> gather_ids(const Communicator& world,
                                        const std::vector<GlobalId>& ids) {
  return world.allgatherv(std::span<const GlobalId>(ids));
}

// This rank's block of a whole canonical graph, as canonicalize_distributed leaves it.
inline BlockGraph block_of(const CanonicalGraph& whole, const Communicator& world) {
  BlockGraph block;
  block.blocks = NodeBlocks(whole.num_nodes(), world.size());
  block.rank = world.rank();
  const GlobalId begin = block.blocks.begin(block.rank), end = block.blocks.end(block.rank);
  block.original_ids.assign(whole.original_ids.begin() + begin, whole.original_ids.begin() + end);
  for (std::size_t i = 0; i < whole.edges.size(); ++i) {
    if (whole.edges[i].first < begin) block.first_edge_index = static_cast<std::int64_t>(i) + 1;
    if (whole.edges[i].first >= begin && whole.edges[i].first < end) {
      block.edges.push_back(whole.edges[i]);
    }
  }
  block.num_edges = whole.num_edges();
  block.input_edges = whole.input_edges;
  block.self_loops_dropped = whole.self_loops_dropped;
  block.duplicates_merged = whole.duplicates_merged;
  return block;
}

// Cora's symmetric adjacency (data/cora), read once.
inline const Csr<GlobalId>& cora_adjacency() {
  static const Csr<GlobalId> adjacency = [] {
    const CanonicalGraph graph = canonicalize(read_graph(DISTGAE_TEST_DATA "/cora/edges.txt"), {});
    return symmetric_adjacency(graph.num_nodes(), graph.edges);
  }();
  return adjacency;
}

// Rows [blocks.begin(rank), blocks.end(rank)) of a whole adjacency, as block_adjacency gives them.
inline BlockAdjacency adjacency_block(const Csr<GlobalId>& whole, const NodeBlocks& blocks,
                                      int rank) {
  BlockAdjacency block;
  block.n_cols = whole.n_cols;
  const GlobalId first = blocks.begin(rank), last = blocks.end(rank);
  for (GlobalId row = first; row < last; ++row) {
    block.col_index.insert(block.col_index.end(), whole.row(row).begin(), whole.row(row).end());
    block.row_start.push_back(static_cast<std::int64_t>(block.col_index.size()));
  }
  return block;
}

// The same graph on every rank: edges between `num_ids` ids spread over all of int64 (negative,
// huge, far apart), with both directions, duplicates and self loops.
inline RawGraph awkward_graph(int num_ids, int num_edges, std::uint64_t seed) {
  std::vector<GlobalId> ids(static_cast<std::size_t>(num_ids));
  for (int i = 0; i < num_ids; ++i) {
    ids[static_cast<std::size_t>(i)] =
        static_cast<GlobalId>(mix64(seed ^ mix64(static_cast<std::uint64_t>(i))));
  }
  RawGraph raw;
  raw.source_path = "awkward.txt";
  auto pick = [&](std::uint64_t counter) {
    return ids[bounded(mix64(seed + counter), static_cast<std::uint64_t>(num_ids))];
  };
  for (int e = 0; e < num_edges; ++e) {
    const auto c = static_cast<std::uint64_t>(e);
    const GlobalId u = pick(3 * c), v = pick(3 * c + 1);
    raw.edges.push_back({u, v});
    if (mix64(c) % 5 == 0) raw.edges.push_back({v, u});   // the other direction
    if (mix64(c) % 7 == 0) raw.edges.push_back({u, v});   // a duplicate
    if (mix64(c) % 11 == 0) raw.edges.push_back({u, u});  // a self loop
  }
  raw.data_lines = static_cast<long long>(raw.edges.size());
  return raw;
}

// The ids of awkward_graph(num_ids, ..., seed), in a scrambled order (some may not occur).
inline std::vector<GlobalId> awkward_ids(int num_ids, std::uint64_t seed) {
  std::vector<std::pair<std::uint64_t, GlobalId>> keyed;
  for (int i = 0; i < num_ids; ++i) {
    keyed.emplace_back(mix64(static_cast<std::uint64_t>(i) + 99),
                       static_cast<GlobalId>(mix64(seed ^ mix64(static_cast<std::uint64_t>(i)))));
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<GlobalId> ids;
  for (const auto& entry : keyed) ids.push_back(entry.second);
  return ids;
}

}  // namespace distgae::testing
