#include "partition/distributed/part_rows.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"

namespace distgae {
namespace {

// A part's halo rows: (partition-ordered id, canonical id), ascending.
using Halo = std::vector<std::pair<GlobalId, GlobalId>>;

Halo collect_halo(const BuilderNodes& nodes, const std::vector<std::int64_t>& members,
                  std::int64_t n_interior, const NeighbourFacts& facts, int part) {
  Halo halo;
  // Interior nodes have no neighbour on another part: only boundary nodes are scanned.
  for (std::size_t position = static_cast<std::size_t>(n_interior); position < members.size();
       ++position) {
    for (const GlobalId neighbour : nodes.rows.row(members[position])) {
      const NodeFacts neighbour_facts = facts.of(neighbour);
      if (neighbour_facts.part != part) halo.emplace_back(neighbour_facts.ordered, neighbour);
    }
  }
  std::sort(halo.begin(), halo.end());
  halo.erase(std::unique(halo.begin(), halo.end()), halo.end());
  return halo;
}

// Canonical ids, original ids and degrees of the owned rows then the halo rows, and the halo's
// range of each owner part.
void fill_rows(const BuilderNodes& nodes, const std::vector<std::int64_t>& members,
               const Halo& halo, const NeighbourFacts& facts, PartData& data) {
  const auto n_rows = static_cast<std::size_t>(data.n_owned + data.n_halo);
  data.canonical_id.reserve(n_rows);
  data.node_id.reserve(n_rows);
  data.degree.reserve(n_rows);
  for (const std::int64_t i : members) {
    data.canonical_id.push_back(nodes.canonical[i]);
    data.node_id.push_back(nodes.original[i]);
    data.degree.push_back(nodes.rows.row_length(i));
  }
  data.halo_offsets.assign(static_cast<std::size_t>(data.num_parts) + 1, 0);
  for (const auto& [ordered, canonical] : halo) {
    const NodeFacts halo_facts = facts.of(canonical);
    data.canonical_id.push_back(canonical);
    data.node_id.push_back(halo_facts.original);
    data.degree.push_back(halo_facts.degree);
    ++data.halo_offsets[static_cast<std::size_t>(halo_facts.part) + 1];
  }
  for (int q = 0; q < data.num_parts; ++q) data.halo_offsets[q + 1] += data.halo_offsets[q];
}

// The owned rows' adjacency in local ids, each row sorted.
void fill_adjacency(const BuilderNodes& nodes, const std::vector<std::int64_t>& members,
                    const Halo& halo, const NeighbourFacts& facts, GlobalId owned_begin,
                    PartData& data) {
  // Halo rows by canonical id, for the columns that name them.
  std::vector<std::pair<GlobalId, LocalId>> halo_local;
  halo_local.reserve(halo.size());
  for (std::size_t i = 0; i < halo.size(); ++i) {
    halo_local.emplace_back(halo[i].second, static_cast<LocalId>(data.n_owned + std::int64_t(i)));
  }
  std::sort(halo_local.begin(), halo_local.end());

  Csr<LocalId>& local = data.adjacency;
  local.n_cols = data.n_owned + data.n_halo;
  local.row_start.assign(1, 0);
  local.row_start.reserve(members.size() + 1);
  std::int64_t entries = 0;
  for (const std::int64_t i : members) entries += nodes.rows.row_length(i);
  local.col_index.reserve(static_cast<std::size_t>(entries));
  for (const std::int64_t i : members) {
    const auto row_begin = static_cast<std::ptrdiff_t>(local.col_index.size());
    for (const GlobalId neighbour : nodes.rows.row(i)) {
      const NodeFacts neighbour_facts = facts.of(neighbour);
      if (neighbour_facts.part == data.part) {
        local.col_index.push_back(static_cast<LocalId>(neighbour_facts.ordered - owned_begin));
      } else {
        const auto it = std::lower_bound(halo_local.begin(), halo_local.end(),
                                         std::pair<GlobalId, LocalId>{neighbour, 0});
        local.col_index.push_back(it->second);
      }
    }
    std::sort(local.col_index.begin() + row_begin, local.col_index.end());
    local.row_start.push_back(static_cast<std::int64_t>(local.col_index.size()));
  }
}

// The owned rows' features in local order; n_owned + 1 zero row starts when featureless.
void fill_features(const BuilderNodes& nodes, const std::vector<std::int64_t>& members,
                   PartData& data) {
  const FeatureMatrix& features = nodes.features;
  FeatureMatrix& local = data.features;
  local.n_cols = features.n_cols;
  if (features.n_cols == 0) {
    local.row_start.assign(members.size() + 1, 0);
    return;
  }
  local.row_start.assign(1, 0);
  local.row_start.reserve(members.size() + 1);
  for (const std::int64_t i : members) {
    const auto columns = features.row(i);
    local.col_index.insert(local.col_index.end(), columns.begin(), columns.end());
    if (features.has_values()) {
      const auto values = features.row_values(i);
      local.values.insert(local.values.end(), values.begin(), values.end());
    }
    local.row_start.push_back(static_cast<std::int64_t>(local.col_index.size()));
  }
}

}  // namespace

NodeFacts NeighbourFacts::of(GlobalId node) const {
  const std::int64_t here = nodes_.find(node);
  if (here >= 0) {
    return NodeFacts{ordering_.ordered_of[here], nodes_.original[here],
                     nodes_.rows.row_length(here), nodes_.part[here], 0};
  }
  const std::int64_t fetched = remote_.find(node);
  if (fetched < 0) throw std::logic_error(fmt::format("node {} was never fetched", node));
  return remote_facts_[fetched];
}

std::vector<GlobalId> remote_neighbours(const BuilderNodes& nodes) {
  std::vector<GlobalId> remote;
  for (const GlobalId neighbour : nodes.rows.col_index) {
    if (nodes.find(neighbour) < 0) remote.push_back(neighbour);
  }
  std::sort(remote.begin(), remote.end());
  remote.erase(std::unique(remote.begin(), remote.end()), remote.end());
  return remote;
}

PartData build_part_rows(const BuilderNodes& nodes, const BuilderOrdering& ordering,
                         std::size_t index, const NeighbourFacts& facts, int num_parts) {
  const std::vector<std::int64_t>& members = ordering.members[index];
  PartData data;
  data.part = ordering.parts[index];
  data.num_parts = num_parts;
  data.n_owned = static_cast<std::int64_t>(members.size());
  data.n_interior = ordering.interior[index];
  const Halo halo = collect_halo(nodes, members, data.n_interior, facts, data.part);
  data.n_halo = static_cast<std::int64_t>(halo.size());
  if (data.n_owned + data.n_halo > std::numeric_limits<LocalId>::max()) {
    throw InputError(
        fmt::format("part {} would hold {} owned and {} halo rows, more than 32-bit "
                    "local ids allow; use more --parts",
                    data.part, data.n_owned, data.n_halo));
  }
  const GlobalId owned_begin = members.empty() ? 0 : ordering.ordered_of[members.front()];
  fill_rows(nodes, members, halo, facts, data);
  fill_adjacency(nodes, members, halo, facts, owned_begin, data);
  fill_features(nodes, members, data);
  return data;
}

}  // namespace distgae
