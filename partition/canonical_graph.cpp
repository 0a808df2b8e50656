#include "partition/canonical_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "core/error.hpp"
#include "partition/id_map.hpp"

namespace distgae {
namespace {

// The map for an explicit id list (canonical id = position); a repeated id is an input error.
IdMap listed_id_map(const std::vector<GlobalId>& node_ids, const std::string& node_ids_path) {
  if (node_ids.empty()) throw InputError(at_file(node_ids_path, canonical_error::kNoNodeIds));
  IdMap map(node_ids);
  if (const auto& repeat = map.repeat()) {
    throw InputError(at_file(
        node_ids_path,
        canonical_error::listed_twice(node_ids[repeat->first], repeat->first, repeat->second)));
  }
  return map;
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
          canonical_error::list_size_mismatch(static_cast<std::int64_t>(ids.size()), *num_nodes)));
    }
    const IdMap map = listed_id_map(ids, spec.node_ids_path);
    graph.original_ids = ids;
    relabel_edges(
        raw.edges, [&](GlobalId id) { return map.find(id); },
        [&](GlobalId id) {
          throw InputError(
              at_file(raw.source_path, canonical_error::not_listed(id, spec.node_ids_path)));
        },
        graph.self_loops_dropped);
  } else if (num_nodes) {
    const GlobalId n = *num_nodes;
    if (n < 1) {
      throw InputError(at_file(raw.source_path, canonical_error::node_count_below_one(n)));
    }
    graph.original_ids.resize(static_cast<std::size_t>(n));
    std::iota(graph.original_ids.begin(), graph.original_ids.end(), GlobalId{0});
    relabel_edges(
        raw.edges, [n](GlobalId id) { return id >= 0 && id < n ? id : IdMap::kAbsent; },
        [&](GlobalId id) {
          throw InputError(at_file(raw.source_path, canonical_error::outside_node_count(id, n)));
        },
        graph.self_loops_dropped);
  } else {
    graph.original_ids = distinct_endpoints(raw.edges);
    const IdMap map(graph.original_ids);
    relabel_edges(
        raw.edges, [&](GlobalId id) { return map.find(id); },
        [](GlobalId id) {
          throw std::logic_error(fmt::format("canonicalize: id {} lost from the node set", id));
        },
        graph.self_loops_dropped);
  }
}

}  // namespace

namespace canonical_error {

std::string node_count_below_one(GlobalId num_nodes) {
  return fmt::format("node count {} < 1", num_nodes);
}

std::string list_size_mismatch(std::int64_t listed, GlobalId num_nodes) {
  return fmt::format("lists {} node ids but the node count is {}", listed, num_nodes);
}

std::string listed_twice(GlobalId id, std::int64_t first_position, std::int64_t second_position) {
  return fmt::format("node id {} is listed twice (entries {} and {})", id, first_position + 1,
                     second_position + 1);
}

std::string not_listed(GlobalId id, const std::string& node_ids_path) {
  return fmt::format("node id {} is not listed in {}", id, node_ids_path);
}

std::string outside_node_count(GlobalId id, GlobalId num_nodes) {
  return fmt::format("node id {} is outside 0..{} (the graph has {} nodes)", id, num_nodes - 1,
                     num_nodes);
}

}  // namespace canonical_error

CanonicalGraph canonicalize(RawGraph raw, const NodeSetSpec& spec) {
  if (raw.edges.empty()) throw InputError(at_file(raw.source_path, canonical_error::kNoEdges));
  CanonicalGraph graph;
  graph.input_edges = static_cast<std::int64_t>(raw.edges.size());
  relabel_by_spec(raw, spec, graph);
  if (raw.edges.empty()) {
    throw InputError(at_file(raw.source_path, canonical_error::kOnlySelfLoops));
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
