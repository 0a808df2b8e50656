// The canonical graph: undirected, self loops dropped, duplicates merged, nodes relabelled to
// canonical ids 0..N-1 with the original ids kept.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/csr.hpp"
#include "core/types.hpp"
#include "io/graph_readers.hpp"

namespace distgae {

// Which nodes exist and in which order (the order of the feature rows):
// - neither set: the ids occurring in the graph, ascending (canonical id = rank of the id);
// - num_nodes: ids are 0..num_nodes-1, isolated ones included (canonical = original);
// - node_ids: exactly these ids in this order (canonical id = position); an edge naming another
//   id is an error naming node_ids_path.
struct NodeSetSpec {
  std::optional<GlobalId> num_nodes;
  std::optional<std::vector<GlobalId>> node_ids;
  std::string node_ids_path;
};

struct CanonicalGraph {
  std::vector<GlobalId> original_ids;  // [N] original id of canonical node i
  std::vector<NodePair> edges;         // [E] first < second, sorted ascending, unique
  std::int64_t input_edges = 0;        // edges as read
  std::int64_t self_loops_dropped = 0;
  std::int64_t duplicates_merged = 0;  // input edges (either direction) beyond the first

  GlobalId num_nodes() const { return static_cast<GlobalId>(original_ids.size()); }
  std::int64_t num_edges() const { return static_cast<std::int64_t>(edges.size()); }
};

// Relabels and canonicalises. RawGraph::declared_num_nodes acts as NodeSetSpec::num_nodes when
// the spec sets neither. Throws InputError naming raw.source_path on an empty graph.
CanonicalGraph canonicalize(RawGraph raw, const NodeSetSpec& spec);

// The texts of canonicalize's input errors, without the file they name, shared with the
// distributed canonicalisation (partition/distributed/distributed_canonical.hpp) so that both
// say the same. Positions are 0-based list positions (canonical ids).
namespace canonical_error {
inline constexpr const char* kNoEdges = "the graph has no edges";
inline constexpr const char* kOnlySelfLoops = "the graph has no edges other than self loops";
inline constexpr const char* kNoNodeIds = "lists no node ids";
std::string node_count_below_one(GlobalId num_nodes);
std::string list_size_mismatch(std::int64_t listed, GlobalId num_nodes);
std::string listed_twice(GlobalId id, std::int64_t first_position, std::int64_t second_position);
std::string not_listed(GlobalId id, const std::string& node_ids_path);
std::string outside_node_count(GlobalId id, GlobalId num_nodes);
}  // namespace canonical_error

// Symmetric adjacency (both directions, sorted rows, no self loops) of `edges` over `num_nodes`
// nodes. `edges` hold canonical ids with first < second.
Csr<GlobalId> symmetric_adjacency(GlobalId num_nodes, std::span<const NodePair> edges);

}  // namespace distgae
