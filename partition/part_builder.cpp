// build_parts and compute_statistics; order_nodes lives in node_ordering.cpp.
#include "partition/part_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"

namespace distgae {
namespace {

// A part's halo: the ordered ids of its owned nodes' neighbours on other parts, ascending (hence
// grouped by owner part, parts owning contiguous ranges), with the range of each owner.
struct Halo {
  std::vector<GlobalId> ordered;      // [n_halo]
  std::vector<std::int64_t> offsets;  // [P+1] into `ordered`, by owner part
};

Halo collect_halo(const Csr<GlobalId>& adjacency, std::span<const std::int32_t> part_of,
                  const NodeOrdering& ordering, int part) {
  const auto num_parts = static_cast<int>(ordering.part_offsets.size()) - 1;
  Halo halo;
  // Interior nodes have no remote neighbour by construction: only boundary nodes are scanned.
  const GlobalId boundary_begin = ordering.part_offsets[part] + ordering.interior_counts[part];
  for (GlobalId o = boundary_begin; o < ordering.part_offsets[part + 1]; ++o) {
    for (const GlobalId neighbour : adjacency.row(ordering.ordered_to_canonical[o])) {
      if (part_of[neighbour] != part) {
        halo.ordered.push_back(ordering.canonical_to_ordered[neighbour]);
      }
    }
  }
  std::sort(halo.ordered.begin(), halo.ordered.end());
  halo.ordered.erase(std::unique(halo.ordered.begin(), halo.ordered.end()), halo.ordered.end());
  halo.offsets.assign(static_cast<std::size_t>(num_parts) + 1, 0);
  for (const GlobalId o : halo.ordered) {
    ++halo.offsets[part_of[ordering.ordered_to_canonical[o]] + 1];
  }
  for (int q = 0; q < num_parts; ++q) halo.offsets[q + 1] += halo.offsets[q];
  return halo;
}

// Ids, original ids and global degrees of the owned rows then the halo rows.
void fill_rows(const Csr<GlobalId>& adjacency, const NodeOrdering& ordering, const Halo& halo,
               std::span<const GlobalId> original_ids, PartData& data) {
  const GlobalId owned_begin = ordering.part_offsets[data.part];
  const auto n_rows = static_cast<std::size_t>(data.n_owned + data.n_halo);
  data.canonical_id.reserve(n_rows);
  for (GlobalId o = owned_begin; o < owned_begin + data.n_owned; ++o) {
    data.canonical_id.push_back(ordering.ordered_to_canonical[o]);
  }
  for (const GlobalId o : halo.ordered) {
    data.canonical_id.push_back(ordering.ordered_to_canonical[o]);
  }
  data.node_id.reserve(n_rows);
  data.degree.reserve(n_rows);
  for (const GlobalId node : data.canonical_id) {
    data.node_id.push_back(original_ids[node]);
    data.degree.push_back(adjacency.row_length(node));
  }
  data.halo_offsets = halo.offsets;
}

// Training adjacency of the owned rows in local ids. `local_of_halo` [N] holds the local id of
// this part's halo nodes (other entries are stale and never read).
void fill_adjacency(const Csr<GlobalId>& adjacency, std::span<const std::int32_t> part_of,
                    const NodeOrdering& ordering, const std::vector<LocalId>& local_of_halo,
                    PartData& data) {
  const GlobalId owned_begin = ordering.part_offsets[data.part];
  Csr<LocalId>& local = data.adjacency;
  local.n_cols = data.n_owned + data.n_halo;
  local.row_start.assign(1, 0);
  local.row_start.reserve(static_cast<std::size_t>(data.n_owned) + 1);
  std::int64_t entries = 0;
  for (std::int64_t row = 0; row < data.n_owned; ++row) entries += data.degree[row];
  local.col_index.reserve(static_cast<std::size_t>(entries));
  for (std::int64_t row = 0; row < data.n_owned; ++row) {
    const auto row_begin = static_cast<std::ptrdiff_t>(local.col_index.size());
    for (const GlobalId neighbour : adjacency.row(data.canonical_id[row])) {
      local.col_index.push_back(
          part_of[neighbour] == data.part
              ? static_cast<LocalId>(ordering.canonical_to_ordered[neighbour] - owned_begin)
              : local_of_halo[neighbour]);
    }
    std::sort(local.col_index.begin() + row_begin, local.col_index.end());
    local.row_start.push_back(static_cast<std::int64_t>(local.col_index.size()));
  }
}

// Rows of part `data.part` that peer q receives: q's halo range owned by this part, in q's order.
void fill_send_lists(const NodeOrdering& ordering, const std::vector<Halo>& halos, PartData& data) {
  const GlobalId owned_begin = ordering.part_offsets[data.part];
  data.send_offsets.assign(1, 0);
  for (const Halo& peer : halos) {
    for (std::int64_t i = peer.offsets[data.part]; i < peer.offsets[data.part + 1]; ++i) {
      data.send_rows.push_back(static_cast<LocalId>(peer.ordered[i] - owned_begin));
    }
    data.send_offsets.push_back(static_cast<std::int64_t>(data.send_rows.size()));
  }
}

// Feature rows of the owned nodes, in local order; an empty matrix when featureless.
void fill_features(const FeatureMatrix& features, PartData& data) {
  FeatureMatrix& local = data.features;
  local.n_cols = features.n_cols;
  local.row_start.assign(1, 0);
  if (features.n_cols == 0) {
    local.row_start.assign(static_cast<std::size_t>(data.n_owned) + 1, 0);
    return;
  }
  std::int64_t entries = 0;
  for (std::int64_t row = 0; row < data.n_owned; ++row) {
    entries += features.row_length(data.canonical_id[row]);
  }
  local.row_start.reserve(static_cast<std::size_t>(data.n_owned) + 1);
  local.col_index.reserve(static_cast<std::size_t>(entries));
  if (features.has_values()) local.values.reserve(static_cast<std::size_t>(entries));
  for (std::int64_t row = 0; row < data.n_owned; ++row) {
    const GlobalId node = data.canonical_id[row];
    const auto columns = features.row(node);
    local.col_index.insert(local.col_index.end(), columns.begin(), columns.end());
    if (features.has_values()) {
      const auto values = features.row_values(node);
      local.values.insert(local.values.end(), values.begin(), values.end());
    }
    local.row_start.push_back(static_cast<std::int64_t>(local.col_index.size()));
  }
}

// Appends each pair to the part owning its first endpoint; each part's list ends up sorted.
void distribute_pairs(const std::vector<NodePair>& pairs, std::span<const std::int32_t> part_of,
                      std::vector<NodePair> PartData::*list, std::vector<PartData>& parts) {
  std::vector<std::size_t> counts(parts.size(), 0);
  for (const NodePair& pair : pairs) ++counts[part_of[pair.first]];
  for (std::size_t p = 0; p < parts.size(); ++p) (parts[p].*list).reserve(counts[p]);
  for (const NodePair& pair : pairs) (parts[part_of[pair.first]].*list).push_back(pair);
  for (PartData& data : parts) {
    std::vector<NodePair>& owned = data.*list;
    if (!std::is_sorted(owned.begin(), owned.end())) std::sort(owned.begin(), owned.end());
  }
}

void check_inputs(const Csr<GlobalId>& adjacency, std::span<const std::int32_t> part_of,
                  const NodeOrdering& ordering, const FeatureMatrix& features,
                  std::span<const GlobalId> original_ids) {
  const std::int64_t num_nodes = adjacency.n_rows();
  if (static_cast<std::int64_t>(part_of.size()) != num_nodes ||
      static_cast<std::int64_t>(original_ids.size()) != num_nodes ||
      static_cast<std::int64_t>(ordering.canonical_to_ordered.size()) != num_nodes ||
      ordering.part_offsets.size() < 2 || ordering.part_offsets.back() != num_nodes) {
    throw std::invalid_argument("build_parts: inputs disagree on the node count");
  }
  if (features.n_cols != 0 && features.n_rows() != num_nodes) {
    throw InputError(fmt::format("the features have {} rows but the graph has {} nodes",
                                 features.n_rows(), num_nodes));
  }
}

}  // namespace

std::vector<PartData> build_parts(const Csr<GlobalId>& adjacency,
                                  std::span<const std::int32_t> part_of,
                                  const NodeOrdering& ordering, const EdgeSplit& split,
                                  const FeatureMatrix& features,
                                  std::span<const GlobalId> original_ids) {
  check_inputs(adjacency, part_of, ordering, features, original_ids);
  const auto num_parts = static_cast<int>(ordering.part_offsets.size()) - 1;
  // Every halo first: a part's send lists are its peers' halo ranges.
  std::vector<Halo> halos;
  halos.reserve(static_cast<std::size_t>(num_parts));
  for (int p = 0; p < num_parts; ++p)
    halos.push_back(collect_halo(adjacency, part_of, ordering, p));

  std::vector<PartData> parts(static_cast<std::size_t>(num_parts));
  std::vector<LocalId> local_of_halo(part_of.size(), -1);
  for (int p = 0; p < num_parts; ++p) {
    PartData& data = parts[p];
    data.part = p;
    data.num_parts = num_parts;
    data.n_owned = ordering.part_offsets[p + 1] - ordering.part_offsets[p];
    data.n_interior = ordering.interior_counts[p];
    data.n_halo = static_cast<std::int64_t>(halos[p].ordered.size());
    if (data.n_owned + data.n_halo > std::numeric_limits<LocalId>::max()) {
      throw InputError(
          fmt::format("part {} would hold {} owned and {} halo rows, more than 32-bit "
                      "local ids allow; use more --parts",
                      p, data.n_owned, data.n_halo));
    }
    fill_rows(adjacency, ordering, halos[p], original_ids, data);
    for (std::int64_t i = 0; i < data.n_halo; ++i) {
      local_of_halo[data.canonical_id[data.n_owned + i]] = static_cast<LocalId>(data.n_owned + i);
    }
    fill_adjacency(adjacency, part_of, ordering, local_of_halo, data);
    fill_send_lists(ordering, halos, data);
    fill_features(features, data);
  }
  distribute_pairs(split.train, part_of, &PartData::train_edges, parts);
  distribute_pairs(split.val_pos, part_of, &PartData::val_pos, parts);
  distribute_pairs(split.val_neg, part_of, &PartData::val_neg, parts);
  distribute_pairs(split.test_pos, part_of, &PartData::test_pos, parts);
  distribute_pairs(split.test_neg, part_of, &PartData::test_neg, parts);
  return parts;
}

PartitionStatistics compute_statistics(const Csr<GlobalId>& adjacency,
                                       std::span<const std::int32_t> part_of,
                                       const std::vector<PartData>& parts) {
  PartitionStatistics stats;
  std::int64_t max_owned = 0;
  for (const PartData& data : parts) {
    stats.owned.push_back(data.n_owned);
    stats.interior.push_back(data.n_interior);
    stats.halo.push_back(data.n_halo);
    stats.sent.push_back(static_cast<std::int64_t>(data.send_rows.size()));
    stats.local_edges.push_back(data.adjacency.nnz());
    stats.train_edges.push_back(static_cast<std::int64_t>(data.train_edges.size()));
    stats.comm_volume += data.n_halo;
    max_owned = std::max(max_owned, data.n_owned);
  }
  for (GlobalId node = 0; node < adjacency.n_rows(); ++node) {
    for (const GlobalId neighbour : adjacency.row(node)) {
      if (node < neighbour && part_of[node] != part_of[neighbour]) ++stats.edge_cut;
    }
  }
  if (!parts.empty() && adjacency.n_rows() > 0) {
    const double mean_owned =
        static_cast<double>(adjacency.n_rows()) / static_cast<double>(parts.size());
    stats.imbalance = static_cast<double>(max_owned) / mean_owned;
  }
  return stats;
}

}  // namespace distgae
