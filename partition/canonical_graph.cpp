#include "partition/canonical_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "core/error.hpp"

namespace distgae {
namespace {

// Original id → canonical id for a set of distinct ids. A direct table when the ids span a range
// not much wider than their count (the usual 0..N-1 files: one load per lookup), otherwise a
// binary search in the sorted ids; neither allocates per id, unlike a node-based map, which
// matters at 10^8 edges.
class IdMap {
 public:
  static constexpr GlobalId kAbsent = -1;

  // `sorted_ids` distinct ascending; `canonical` [same size] the canonical id of each, or empty
  // when the canonical id is the position in `sorted_ids`.
  IdMap(std::vector<GlobalId> sorted_ids, std::vector<GlobalId> canonical)
      : sorted_ids_(std::move(sorted_ids)), canonical_(std::move(canonical)) {
    if (sorted_ids_.empty()) return;
    min_id_ = sorted_ids_.front();
    // Unsigned difference: ids may be any int64, the span always fits in uint64.
    const std::uint64_t span =
        static_cast<std::uint64_t>(sorted_ids_.back()) - static_cast<std::uint64_t>(min_id_);
    if (span < 2 * sorted_ids_.size() + 1024) {
      table_.assign(span + 1, kAbsent);
      for (std::size_t i = 0; i < sorted_ids_.size(); ++i) {
        table_[static_cast<std::uint64_t>(sorted_ids_[i]) - static_cast<std::uint64_t>(min_id_)] =
            canonical_of(i);
      }
    }
  }

  GlobalId find(GlobalId id) const {
    if (!table_.empty()) {
      const std::uint64_t offset =
          static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(min_id_);
      return offset < table_.size() ? table_[offset] : kAbsent;
    }
    const auto it = std::lower_bound(sorted_ids_.begin(), sorted_ids_.end(), id);
    if (it == sorted_ids_.end() || *it != id) return kAbsent;
    return canonical_of(static_cast<std::size_t>(it - sorted_ids_.begin()));
  }

 private:
  GlobalId canonical_of(std::size_t index) const {
    return canonical_.empty() ? static_cast<GlobalId>(index) : canonical_[index];
  }

  std::vector<GlobalId> sorted_ids_;
  std::vector<GlobalId> canonical_;
  std::vector<GlobalId> table_;
  GlobalId min_id_ = 0;
};

// The distinct ids of every endpoint, ascending: the default node set.
std::vector<GlobalId> distinct_endpoint_ids(const std::vector<NodePair>& edges) {
  std::vector<GlobalId> ids;
  ids.reserve(2 * edges.size());
  for (const NodePair& e : edges) {
    ids.push_back(e.first);
    ids.push_back(e.second);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  ids.shrink_to_fit();
  return ids;
}

// The map for an explicit id list (canonical id = position); a repeated id is an input error.
IdMap listed_id_map(const std::vector<GlobalId>& node_ids, const std::string& node_ids_path) {
  if (node_ids.empty()) throw InputError(at_file(node_ids_path, "lists no node ids"));
  std::vector<GlobalId> order(node_ids.size());
  std::iota(order.begin(), order.end(), GlobalId{0});
  std::sort(order.begin(), order.end(), [&](GlobalId a, GlobalId b) {
    return node_ids[a] != node_ids[b] ? node_ids[a] < node_ids[b] : a < b;
  });
  std::vector<GlobalId> sorted_ids(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    sorted_ids[i] = node_ids[order[i]];
    if (i > 0 && sorted_ids[i] == sorted_ids[i - 1]) {
      throw InputError(
          at_file(node_ids_path, fmt::format("node id {} is listed twice (entries {} and {})",
                                             sorted_ids[i], order[i - 1] + 1, order[i] + 1)));
    }
  }
  return IdMap(std::move(sorted_ids), std::move(order));
}

// Relabels every endpoint with `to_canonical` (returns IdMap::kAbsent for an unknown id, which
// `on_unknown` reports), drops self loops and orders each pair. Works in place on `edges`.
template <class ToCanonical, class OnUnknown>
void relabel_edges(std::vector<NodePair>& edges, ToCanonical to_canonical, OnUnknown on_unknown,
                   std::int64_t& self_loops) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const GlobalId u = to_canonical(edges[i].first);
    if (u == IdMap::kAbsent) on_unknown(edges[i].first);
    const GlobalId v = to_canonical(edges[i].second);
    if (v == IdMap::kAbsent) on_unknown(edges[i].second);
    if (u == v) {
      ++self_loops;
      continue;
    }
    edges[kept++] = ordered_pair(u, v);
  }
  edges.resize(kept);
}

// Maps ids by the node set the spec (or the file) fixes; fills graph.original_ids.
void relabel_by_spec(RawGraph& raw, const NodeSetSpec& spec, CanonicalGraph& graph) {
  std::optional<GlobalId> num_nodes = spec.num_nodes;
  if (!num_nodes && !spec.node_ids) num_nodes = raw.declared_num_nodes;

  if (spec.node_ids) {
    const std::vector<GlobalId>& ids = *spec.node_ids;
    if (num_nodes && *num_nodes != static_cast<GlobalId>(ids.size())) {
      throw InputError(at_file(
          spec.node_ids_path,
          fmt::format("lists {} node ids but the node count is {}", ids.size(), *num_nodes)));
    }
    const IdMap map = listed_id_map(ids, spec.node_ids_path);
    graph.original_ids = ids;
    relabel_edges(
        raw.edges, [&](GlobalId id) { return map.find(id); },
        [&](GlobalId id) {
          throw InputError(at_file(raw.source_path, fmt::format("node id {} is not listed in {}",
                                                                id, spec.node_ids_path)));
        },
        graph.self_loops_dropped);
  } else if (num_nodes) {
    const GlobalId n = *num_nodes;
    if (n < 1) throw InputError(at_file(raw.source_path, fmt::format("node count {} < 1", n)));
    graph.original_ids.resize(static_cast<std::size_t>(n));
    std::iota(graph.original_ids.begin(), graph.original_ids.end(), GlobalId{0});
    relabel_edges(
        raw.edges, [n](GlobalId id) { return id >= 0 && id < n ? id : IdMap::kAbsent; },
        [&](GlobalId id) {
          throw InputError(at_file(
              raw.source_path,
              fmt::format("node id {} is outside 0..{} (the graph has {} nodes)", id, n - 1, n)));
        },
        graph.self_loops_dropped);
  } else {
    graph.original_ids = distinct_endpoint_ids(raw.edges);
    const IdMap map(graph.original_ids, {});
    relabel_edges(
        raw.edges, [&](GlobalId id) { return map.find(id); },
        [](GlobalId id) {
          throw std::logic_error(fmt::format("canonicalize: id {} lost from the node set", id));
        },
        graph.self_loops_dropped);
  }
}

}  // namespace

CanonicalGraph canonicalize(RawGraph raw, const NodeSetSpec& spec) {
  if (raw.edges.empty()) throw InputError(at_file(raw.source_path, "the graph has no edges"));
  CanonicalGraph graph;
  graph.input_edges = static_cast<std::int64_t>(raw.edges.size());
  relabel_by_spec(raw, spec, graph);
  if (raw.edges.empty()) {
    throw InputError(at_file(raw.source_path, "the graph has no edges other than self loops"));
  }
  // Pairs are ordered already, so a duplicate in either direction is now an equal neighbour.
  std::sort(raw.edges.begin(), raw.edges.end());
  const auto last = std::unique(raw.edges.begin(), raw.edges.end());
  graph.duplicates_merged = static_cast<std::int64_t>(raw.edges.end() - last);
  raw.edges.erase(last, raw.edges.end());
  raw.edges.shrink_to_fit();
  graph.edges = std::move(raw.edges);
  return graph;
}

Csr<GlobalId> symmetric_adjacency(GlobalId num_nodes, std::span<const NodePair> edges) {
  if (num_nodes < 0) throw std::invalid_argument("symmetric_adjacency: negative node count");
  Csr<GlobalId> adjacency;
  adjacency.n_cols = num_nodes;
  adjacency.row_start.assign(static_cast<std::size_t>(num_nodes) + 1, 0);
  for (const NodePair& e : edges) {
    if (e.first < 0 || e.first >= e.second || e.second >= num_nodes) {
      throw std::invalid_argument(
          fmt::format("symmetric_adjacency: pair ({}, {}) is not first < second < {}", e.first,
                      e.second, num_nodes));
    }
    ++adjacency.row_start[e.first + 1];
    ++adjacency.row_start[e.second + 1];
  }
  std::partial_sum(adjacency.row_start.begin(), adjacency.row_start.end(),
                   adjacency.row_start.begin());
  adjacency.col_index.resize(2 * edges.size());
  std::vector<std::int64_t> next(adjacency.row_start.begin(), adjacency.row_start.end() - 1);
  // Lower neighbours (first < row) go in before upper ones (second > row); with the pairs in
  // sorted order both passes append in ascending order, so rows come out sorted without a sort.
  for (const NodePair& e : edges) adjacency.col_index[next[e.second]++] = e.first;
  for (const NodePair& e : edges) adjacency.col_index[next[e.first]++] = e.second;
  if (!std::is_sorted(edges.begin(), edges.end())) {
    for (GlobalId row = 0; row < num_nodes; ++row) {
      std::sort(adjacency.col_index.begin() + adjacency.row_start[row],
                adjacency.col_index.begin() + adjacency.row_start[row + 1]);
    }
  }
  return adjacency;
}

}  // namespace distgae
