#include "partition/distributed/part_ordering.hpp"

#include <algorithm>

namespace distgae {
namespace {

// Group of each node as in order_nodes: 2 * part for interior nodes, 2 * part + 1 for boundary
// ones. A neighbour that is not here belongs to a part built elsewhere, so to another part.
std::vector<std::int64_t> node_groups(const BuilderNodes& nodes) {
  std::vector<std::int64_t> group(static_cast<std::size_t>(nodes.size()));
  for (std::int64_t i = 0; i < nodes.size(); ++i) {
    const std::int32_t part = nodes.part[i];
    bool boundary = false;
    for (const GlobalId neighbour : nodes.rows.row(i)) {
      const std::int64_t j = nodes.find(neighbour);
      if (j < 0 || nodes.part[j] != part) {
        boundary = true;
        break;
      }
    }
    group[i] = 2 * static_cast<std::int64_t>(part) + (boundary ? 1 : 0);
  }
  return group;
}

// Appends the Cuthill-McKee order of one group (`members`, any order) to `order`; `placed`
// [nodes.size()] marks the nodes already ordered. The appended tail serves as the BFS queue.
void cuthill_mckee(const BuilderNodes& nodes, const std::vector<std::int64_t>& group_of,
                   std::int64_t group, std::vector<std::int64_t> members, std::vector<char>& placed,
                   std::vector<std::int64_t>& order) {
  const auto by_degree = [&](std::int64_t a, std::int64_t b) {
    const auto degree_a = nodes.rows.row_length(a), degree_b = nodes.rows.row_length(b);
    return degree_a != degree_b ? degree_a < degree_b : nodes.canonical[a] < nodes.canonical[b];
  };
  std::sort(members.begin(), members.end(), by_degree);
  auto head = static_cast<std::ptrdiff_t>(order.size());
  for (const std::int64_t start : members) {
    if (placed[start]) continue;
    placed[start] = 1;
    order.push_back(start);
    while (head < static_cast<std::ptrdiff_t>(order.size())) {
      const std::int64_t node = order[head++];
      const auto level_begin = static_cast<std::ptrdiff_t>(order.size());
      for (const GlobalId neighbour : nodes.rows.row(node)) {
        const std::int64_t j = nodes.find(neighbour);
        if (j >= 0 && group_of[j] == group && !placed[j]) {
          placed[j] = 1;
          order.push_back(j);
        }
      }
      std::sort(order.begin() + level_begin, order.end(), by_degree);
    }
  }
}

}  // namespace

BuilderOrdering order_builder_parts(const BuilderNodes& nodes, std::span<const int> parts) {
  const std::vector<std::int64_t> group_of = node_groups(nodes);
  BuilderOrdering ordering;
  ordering.parts.assign(parts.begin(), parts.end());
  ordering.members.resize(parts.size());
  ordering.interior.resize(parts.size());
  std::vector<char> placed(static_cast<std::size_t>(nodes.size()), 0);
  for (std::size_t index = 0; index < parts.size(); ++index) {
    const std::int64_t interior_group = 2 * static_cast<std::int64_t>(parts[index]);
    std::vector<std::int64_t> interior, boundary;
    for (std::int64_t i = 0; i < nodes.size(); ++i) {
      if (group_of[i] == interior_group) interior.push_back(i);
      if (group_of[i] == interior_group + 1) boundary.push_back(i);
    }
    ordering.interior[index] = static_cast<std::int64_t>(interior.size());
    std::vector<std::int64_t>& order = ordering.members[index];
    order.reserve(interior.size() + boundary.size());
    cuthill_mckee(nodes, group_of, interior_group, std::move(interior), placed, order);
    cuthill_mckee(nodes, group_of, interior_group + 1, std::move(boundary), placed, order);
  }
  return ordering;
}

void assign_ordered_ids(std::span<const std::int64_t> part_offsets, BuilderOrdering& ordering) {
  std::size_t total = 0;
  for (const auto& members : ordering.members) total += members.size();
  ordering.ordered_of.assign(total, -1);
  for (std::size_t index = 0; index < ordering.parts.size(); ++index) {
    const std::int64_t first = part_offsets[static_cast<std::size_t>(ordering.parts[index])];
    const std::vector<std::int64_t>& members = ordering.members[index];
    for (std::size_t position = 0; position < members.size(); ++position) {
      ordering.ordered_of[members[position]] = first + static_cast<GlobalId>(position);
    }
  }
}

}  // namespace distgae
