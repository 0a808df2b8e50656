#include "partition/distributed/distributed_parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "comm/agreement.hpp"
#include "comm/exchange.hpp"
#include "core/error.hpp"
#include "partition/distributed/builder_nodes.hpp"
#include "partition/distributed/node_lookup.hpp"
#include "partition/distributed/part_ordering.hpp"
#include "partition/distributed/part_rows.hpp"

namespace distgae {
namespace {

// The split's lists and the part's lists they fill, in the same order.
constexpr std::vector<NodePair> EdgeSplit::*kSplitLists[] = {
    &EdgeSplit::train, &EdgeSplit::val_pos, &EdgeSplit::val_neg, &EdgeSplit::test_pos,
    &EdgeSplit::test_neg};
constexpr std::vector<NodePair> PartData::*kPartLists[] = {
    &PartData::train_edges, &PartData::val_pos, &PartData::val_neg, &PartData::test_pos,
    &PartData::test_neg};

void check_inputs(const Communicator& communicator, const NodeBlocks& blocks,
                  const BlockAdjacency& adjacency, std::span<const std::int32_t> part_of,
                  std::span<const GlobalId> original_ids, const SplitShare& split,
                  const FeatureBlock& features, int num_parts) {
  agree_on_errors(communicator, [&] {
    if (num_parts < 1) throw std::invalid_argument("build_parts_distributed: num_parts < 1");
    if (blocks.num_ranks != communicator.size()) {
      throw std::invalid_argument("build_parts_distributed: the blocks are not over these ranks");
    }
    const GlobalId block_begin = blocks.begin(communicator.rank());
    const GlobalId block_size = blocks.size(communicator.rank());
    if (adjacency.n_rows() != block_size || static_cast<GlobalId>(part_of.size()) != block_size ||
        static_cast<GlobalId>(original_ids.size()) != block_size) {
      throw std::invalid_argument(
          fmt::format("build_parts_distributed: the block has {} nodes, but {} adjacency rows, "
                      "{} parts and {} original ids",
                      block_size, adjacency.n_rows(), part_of.size(), original_ids.size()));
    }
    if (features.n_cols != 0 && features.n_rows() != block_size) {
      throw InputError(fmt::format("the features have {} rows for a block of {} nodes",
                                   features.n_rows(), block_size));
    }
    if (features.has_values() && features.values.size() != features.col_index.size()) {
      throw std::invalid_argument("build_parts_distributed: feature values do not match columns");
    }
    for (const std::int32_t part : part_of) {
      if (part < 0 || part >= num_parts) {
        throw std::invalid_argument(fmt::format("part {} outside 0..{}", part, num_parts - 1));
      }
    }
    for (const auto list : kSplitLists) {
      for (const NodePair& pair : split.*list) {
        if (pair.first < block_begin || pair.first >= block_begin + block_size) {
          throw std::invalid_argument(fmt::format(
              "build_parts_distributed: pair ({}, {}) does not start in this rank's block",
              pair.first, pair.second));
        }
      }
    }
  });
}

// A node's partition-ordered id, on its way to the node's block owner.
struct OrderedId {
  GlobalId canonical = 0;
  GlobalId ordered = 0;
};

// Sends each built node's ordered id to its block owner; returns the block's
// canonical_to_ordered.
std::vector<GlobalId> publish_ordered_ids(const Communicator& communicator,
                                          const NodeBlocks& blocks, const BuilderNodes& nodes,
                                          const BuilderOrdering& ordering) {
  std::vector<OrderedId> ordered_ids;
  ordered_ids.reserve(nodes.canonical.size());
  for (std::int64_t i = 0; i < nodes.size(); ++i) {
    ordered_ids.push_back(OrderedId{nodes.canonical[i], ordering.ordered_of[i]});
  }
  const std::vector<OrderedId> arrived =
      route(communicator, std::span<const OrderedId>(ordered_ids),
            [&](const OrderedId& entry) { return blocks.owner(entry.canonical); });
  const GlobalId block_begin = blocks.begin(communicator.rank());
  std::vector<GlobalId> canonical_to_ordered(
      static_cast<std::size_t>(blocks.size(communicator.rank())), -1);
  for (const OrderedId& entry : arrived) {
    canonical_to_ordered[entry.canonical - block_begin] = entry.ordered;
  }
  return canonical_to_ordered;
}

// A halo row of `halo_part` owned by `owner_part`, sent to the owner's builder.
struct HaloRequest {
  GlobalId ordered = 0;
  std::int32_t owner_part = 0;
  std::int32_t halo_part = 0;
  auto key() const { return std::tie(owner_part, halo_part, ordered); }
};

// Each part's send lists: the halo rows its peers list as its own, in the peers' order.
void fill_send_lists(const Communicator& communicator, const NeighbourFacts& facts,
                     std::span<const std::int64_t> part_offsets, std::vector<PartData>& parts) {
  const auto num_parts = static_cast<int>(part_offsets.size()) - 1;
  std::vector<HaloRequest> requests;
  for (const PartData& data : parts) {
    for (int owner = 0; owner < num_parts; ++owner) {
      for (std::int64_t i = data.halo_offsets[owner]; i < data.halo_offsets[owner + 1]; ++i) {
        const GlobalId canonical = data.canonical_id[data.n_owned + i];
        requests.push_back(HaloRequest{facts.of(canonical).ordered, owner, data.part});
      }
    }
  }
  std::vector<HaloRequest> arrived =
      route(communicator, std::span<const HaloRequest>(requests), [&](const HaloRequest& request) {
        return builder_of(request.owner_part, num_parts, communicator.size());
      });
  requests = {};
  // A peer lists its halo rows ascending by ordered id: that order is the send order.
  std::sort(arrived.begin(), arrived.end(),
            [](const HaloRequest& a, const HaloRequest& b) { return a.key() < b.key(); });
  auto next = arrived.begin();
  for (PartData& data : parts) {
    const GlobalId owned_begin = part_offsets[static_cast<std::size_t>(data.part)];
    data.send_offsets.assign(1, 0);
    for (int peer = 0; peer < num_parts; ++peer) {
      for (; next != arrived.end() && next->owner_part == data.part && next->halo_part == peer;
           ++next) {
        data.send_rows.push_back(static_cast<LocalId>(next->ordered - owned_begin));
      }
      data.send_offsets.push_back(static_cast<std::int64_t>(data.send_rows.size()));
    }
  }
}

// Pairs go to the builder of their first endpoint's part; each part's lists end up sorted. One
// list at a time, written straight into destination order, so that the transient memory is one
// list's pairs twice (sent and received), not every list with its part and list tags: the
// lowest ranks hold most pairs (a pair lives with its smaller endpoint), and this was the
// pipeline's peak.
void distribute_pairs(const Communicator& communicator, const NodeBlocks& blocks,
                      std::span<const std::int32_t> part_of, const SplitShare& split,
                      const BuilderNodes& nodes, int num_parts, std::vector<PartData>& parts) {
  const GlobalId block_begin = blocks.begin(communicator.rank());
  const auto ranks = static_cast<std::size_t>(communicator.size());
  const auto builder = [&](const NodePair& pair) {
    return static_cast<std::size_t>(
        builder_of(part_of[static_cast<std::size_t>(pair.first - block_begin)], num_parts,
                   communicator.size()));
  };
  const auto part_index = [&](const NodePair& pair) {
    const std::int64_t node = nodes.find(pair.first);
    if (node < 0) throw std::logic_error("distribute_pairs: a pair reached the wrong builder");
    return static_cast<std::size_t>(nodes.part[static_cast<std::size_t>(node)] -
                                    parts.front().part);
  };
  for (std::size_t list = 0; list < std::size(kSplitLists); ++list) {
    const std::vector<NodePair>& source = split.*kSplitLists[list];
    std::vector<std::int64_t> counts(ranks, 0);
    for (const NodePair& pair : source) ++counts[builder(pair)];
    std::vector<std::int64_t> fill(ranks, 0);
    for (std::size_t q = 1; q < ranks; ++q) fill[q] = fill[q - 1] + counts[q - 1];
    std::vector<NodePair> outgoing(source.size());
    for (const NodePair& pair : source)
      outgoing[static_cast<std::size_t>(fill[builder(pair)]++)] = pair;
    const std::vector<NodePair> arrived = exchange(
        communicator, std::span<const NodePair>(outgoing), std::span<const std::int64_t>(counts));
    std::vector<NodePair>().swap(outgoing);
    if (parts.empty()) continue;
    std::vector<std::int64_t> per_part(parts.size(), 0);
    for (const NodePair& pair : arrived) ++per_part[part_index(pair)];
    for (std::size_t index = 0; index < parts.size(); ++index) {
      (parts[index].*kPartLists[list]).reserve(static_cast<std::size_t>(per_part[index]));
    }
    for (const NodePair& pair : arrived)
      (parts[part_index(pair)].*kPartLists[list]).push_back(pair);
    for (PartData& data : parts) {
      std::vector<NodePair>& owned = data.*kPartLists[list];
      if (!std::is_sorted(owned.begin(), owned.end())) std::sort(owned.begin(), owned.end());
    }
  }
}

// The partition-ordered range of each part [K+1] and its interior count [K], summed over the
// builders.
void count_parts(const Communicator& communicator, const BuilderOrdering& ordering, int num_parts,
                 DatasetMeta& meta) {
  const auto parts = static_cast<std::size_t>(num_parts);
  std::vector<std::int64_t> counts(2 * parts, 0);  // owned, then interior
  for (std::size_t index = 0; index < ordering.parts.size(); ++index) {
    const auto part = static_cast<std::size_t>(ordering.parts[index]);
    counts[part] = static_cast<std::int64_t>(ordering.members[index].size());
    counts[parts + part] = ordering.interior[index];
  }
  communicator.allreduce_sum(std::span<std::int64_t>(counts));
  meta.stats.owned.assign(counts.begin(), counts.begin() + num_parts);
  meta.stats.interior.assign(counts.begin() + num_parts, counts.end());
  meta.part_offsets.assign(parts + 1, 0);
  for (std::size_t part = 0; part < parts; ++part) {
    meta.part_offsets[part + 1] = meta.part_offsets[part] + meta.stats.owned[part];
  }
}

// The statistics compute_statistics gives, summed over the builders; owned and interior are
// counted already. Each cut edge is counted by the builder of its smaller endpoint.
void sum_statistics(const Communicator& communicator, const BuilderNodes& nodes,
                    const NeighbourFacts& facts, const std::vector<PartData>& parts,
                    DatasetMeta& meta) {
  const auto num_parts = static_cast<std::size_t>(meta.num_parts);
  // halo, sent, local_edges, train_edges [K] each, then the edge cut.
  std::vector<std::int64_t> sums(4 * num_parts + 1, 0);
  for (const PartData& data : parts) {
    const auto part = static_cast<std::size_t>(data.part);
    sums[part] = data.n_halo;
    sums[num_parts + part] = static_cast<std::int64_t>(data.send_rows.size());
    sums[2 * num_parts + part] = data.adjacency.nnz();
    sums[3 * num_parts + part] = static_cast<std::int64_t>(data.train_edges.size());
  }
  for (std::int64_t i = 0; i < nodes.size(); ++i) {
    for (const GlobalId neighbour : nodes.rows.row(i)) {
      if (nodes.canonical[i] < neighbour && facts.of(neighbour).part != nodes.part[i]) {
        ++sums[4 * num_parts];
      }
    }
  }
  communicator.allreduce_sum(std::span<std::int64_t>(sums));
  PartitionStatistics& stats = meta.stats;
  const auto field = [&](std::size_t k) {
    return std::vector<std::int64_t>(
        sums.begin() + static_cast<std::ptrdiff_t>(k * num_parts),
        sums.begin() + static_cast<std::ptrdiff_t>((k + 1) * num_parts));
  };
  stats.halo = field(0);
  stats.sent = field(1);
  stats.local_edges = field(2);
  stats.train_edges = field(3);
  stats.edge_cut = sums.back();
  stats.comm_volume = 0;
  for (const std::int64_t halo : stats.halo) stats.comm_volume += halo;
  if (meta.num_nodes > 0) {
    const double mean_owned =
        static_cast<double>(meta.num_nodes) / static_cast<double>(meta.num_parts);
    const std::int64_t max_owned = *std::max_element(stats.owned.begin(), stats.owned.end());
    stats.imbalance = static_cast<double>(max_owned) / mean_owned;
  }
}

}  // namespace

DatasetShare build_parts_distributed(const Communicator& communicator, const NodeBlocks& blocks,
                                     const BlockAdjacency& adjacency,
                                     std::span<const std::int32_t> part_of,
                                     std::span<const GlobalId> original_ids,
                                     const SplitShare& split, const FeatureBlock& features,
                                     int num_parts) {
  check_inputs(communicator, blocks, adjacency, part_of, original_ids, split, features, num_parts);
  const bool with_values = communicator.allreduce_max(features.has_values() ? 1 : 0) != 0;
  const std::int64_t feature_columns = communicator.allreduce_max(features.n_cols);
  agree_on_errors(communicator, [&] {
    if (features.n_cols != feature_columns) {
      throw InputError(fmt::format("the feature blocks have {} and {} columns", features.n_cols,
                                   feature_columns));
    }
  });

  const std::vector<int> built_here =
      parts_built_by(communicator.rank(), num_parts, communicator.size());
  const BuilderNodes nodes = send_nodes_to_builders(communicator, blocks, adjacency, part_of,
                                                    original_ids, features, with_values, num_parts);
  BuilderOrdering ordering = order_builder_parts(nodes, built_here);

  DatasetShare share;
  DatasetMeta& meta = share.meta;
  meta.num_nodes = blocks.num_nodes;
  meta.num_parts = num_parts;
  count_parts(communicator, ordering, num_parts, meta);
  assign_ordered_ids(meta.part_offsets, ordering);
  meta.canonical_to_ordered = publish_ordered_ids(communicator, blocks, nodes, ordering);
  meta.node_id.assign(original_ids.begin(), original_ids.end());

  // What the block owners know of the neighbours built elsewhere.
  const NodeLookup lookup(communicator, blocks, remote_neighbours(nodes));
  std::vector<NodeFacts> remote = lookup.fetch<NodeFacts>([&](GlobalId i) {
    return NodeFacts{meta.canonical_to_ordered[i], original_ids[i], adjacency.row_length(i),
                     part_of[i], 0};
  });
  const NeighbourFacts facts(nodes, ordering, lookup, std::move(remote));

  share.parts = agree_on_errors(communicator, [&] {
    std::vector<PartData> parts;
    parts.reserve(built_here.size());
    for (std::size_t index = 0; index < built_here.size(); ++index) {
      parts.push_back(build_part_rows(nodes, ordering, index, facts, num_parts));
    }
    return parts;
  });
  fill_send_lists(communicator, facts, meta.part_offsets, share.parts);
  distribute_pairs(communicator, blocks, part_of, split, nodes, num_parts, share.parts);
  sum_statistics(communicator, nodes, facts, share.parts, meta);
  return share;
}

}  // namespace distgae
