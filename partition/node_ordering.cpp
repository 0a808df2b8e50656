// order_nodes (declared in part_builder.hpp): the partition-ordered id space.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "partition/part_builder.hpp"

namespace distgae {
namespace {

constexpr GlobalId kUnplaced = -1;

// Checks that part_of matches the adjacency and names parts in 0..num_parts-1.
void check_part_of(const Csr<GlobalId>& adjacency, std::span<const std::int32_t> part_of,
                   int num_parts) {
  if (num_parts < 1) throw std::invalid_argument("order_nodes: num_parts < 1");
  if (static_cast<std::int64_t>(part_of.size()) != adjacency.n_rows()) {
    throw std::invalid_argument(
        fmt::format("part_of has {} entries for {} nodes", part_of.size(), adjacency.n_rows()));
  }
  for (const std::int32_t p : part_of) {
    if (p < 0 || p >= num_parts) {
      throw std::invalid_argument(fmt::format("part {} outside 0..{}", p, num_parts - 1));
    }
  }
}

// Group of each node: 2 * part for interior nodes, 2 * part + 1 for boundary nodes (a training
// neighbour on another part), so that sorting by group gives parts in order, interior first.
std::vector<std::int64_t> node_groups(const Csr<GlobalId>& adjacency,
                                      std::span<const std::int32_t> part_of) {
  std::vector<std::int64_t> group(part_of.size());
  for (GlobalId node = 0; node < adjacency.n_rows(); ++node) {
    const std::int32_t part = part_of[node];
    bool boundary = false;
    for (const GlobalId neighbour : adjacency.row(node)) {
      if (part_of[neighbour] != part) {
        boundary = true;
        break;
      }
    }
    group[node] = 2 * static_cast<std::int64_t>(part) + (boundary ? 1 : 0);
  }
  return group;
}

// Cuthill-McKee order of one group, written to ordered ids first, first+1, ...: BFS restricted to
// the group, each component started at the unplaced node of smallest (degree, id), neighbours
// placed in increasing (degree, id). The output array itself serves as the BFS queue.
void cuthill_mckee(const Csr<GlobalId>& adjacency, const std::vector<std::int64_t>& group_of,
                   std::int64_t group, std::vector<GlobalId> members, GlobalId first,
                   NodeOrdering& ordering) {
  auto by_degree = [&](GlobalId a, GlobalId b) {
    const auto degree_a = adjacency.row_length(a), degree_b = adjacency.row_length(b);
    return degree_a != degree_b ? degree_a < degree_b : a < b;
  };
  std::vector<GlobalId>& to_ordered = ordering.canonical_to_ordered;
  std::vector<GlobalId>& to_canonical = ordering.ordered_to_canonical;
  auto place = [&](GlobalId node, GlobalId position) {
    to_ordered[node] = position;
    to_canonical[position] = node;
  };

  std::sort(members.begin(), members.end(), by_degree);
  GlobalId next = first;  // next free ordered id
  GlobalId head = first;  // next node to expand
  for (const GlobalId start : members) {
    if (to_ordered[start] != kUnplaced) continue;
    place(start, next++);
    while (head < next) {
      const GlobalId node = to_canonical[head++];
      const GlobalId level_begin = next;
      for (const GlobalId neighbour : adjacency.row(node)) {
        if (group_of[neighbour] == group && to_ordered[neighbour] == kUnplaced) {
          place(neighbour, next++);
        }
      }
      std::sort(to_canonical.begin() + level_begin, to_canonical.begin() + next, by_degree);
      for (GlobalId position = level_begin; position < next; ++position) {
        to_ordered[to_canonical[position]] = position;
      }
    }
  }
}

}  // namespace

NodeOrdering order_nodes(const Csr<GlobalId>& adjacency, std::span<const std::int32_t> part_of,
                         int num_parts) {
  check_part_of(adjacency, part_of, num_parts);
  const GlobalId num_nodes = adjacency.n_rows();
  const std::vector<std::int64_t> group_of = node_groups(adjacency, part_of);

  // Counting sort by group: members of each group in ascending canonical id.
  const auto num_groups = 2 * static_cast<std::size_t>(num_parts);
  std::vector<std::int64_t> group_start(num_groups + 1, 0);
  for (const std::int64_t g : group_of) ++group_start[g + 1];
  for (std::size_t g = 0; g < num_groups; ++g) group_start[g + 1] += group_start[g];
  std::vector<GlobalId> by_group(static_cast<std::size_t>(num_nodes));
  {
    std::vector<std::int64_t> fill(group_start.begin(), group_start.end() - 1);
    for (GlobalId node = 0; node < num_nodes; ++node) by_group[fill[group_of[node]]++] = node;
  }

  NodeOrdering ordering;
  ordering.part_offsets.resize(static_cast<std::size_t>(num_parts) + 1);
  ordering.interior_counts.resize(static_cast<std::size_t>(num_parts));
  for (int p = 0; p <= num_parts; ++p) ordering.part_offsets[p] = group_start[2 * p];
  for (int p = 0; p < num_parts; ++p) {
    ordering.interior_counts[p] = group_start[2 * p + 1] - group_start[2 * p];
  }
  ordering.canonical_to_ordered.assign(static_cast<std::size_t>(num_nodes), kUnplaced);
  ordering.ordered_to_canonical.assign(static_cast<std::size_t>(num_nodes), kUnplaced);
  for (std::size_t g = 0; g < num_groups; ++g) {
    std::vector<GlobalId> members(by_group.begin() + group_start[g],
                                  by_group.begin() + group_start[g + 1]);
    cuthill_mckee(adjacency, group_of, static_cast<std::int64_t>(g), std::move(members),
                  group_start[g], ordering);
  }
  return ordering;
}

}  // namespace distgae
