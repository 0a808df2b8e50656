#include "partition/distributed/builder_nodes.hpp"

#include <algorithm>

#include "comm/exchange.hpp"

namespace distgae {
namespace {

// What travels with each node; its row and feature entries follow in streams of their own.
struct NodeHeader {
  GlobalId canonical = 0;
  GlobalId original = 0;
  std::int64_t degree = 0;
  std::int64_t feature_entries = 0;
  std::int32_t part = 0;
  std::int32_t unused = 0;
};

// Records of one stream in destination order, with the count for each destination.
template <class T>
struct Outgoing {
  std::vector<T> records;
  std::vector<std::int64_t> counts;
};

}  // namespace

std::vector<int> parts_built_by(int rank, int num_parts, int num_ranks) {
  std::vector<int> parts;
  for (int part = 0; part < num_parts; ++part) {
    if (builder_of(part, num_parts, num_ranks) == rank) parts.push_back(part);
  }
  return parts;
}

std::int64_t BuilderNodes::find(GlobalId node) const {
  const auto it = std::lower_bound(canonical.begin(), canonical.end(), node);
  return it != canonical.end() && *it == node ? it - canonical.begin() : -1;
}

BuilderNodes send_nodes_to_builders(const Communicator& communicator, const NodeBlocks& blocks,
                                    const BlockAdjacency& adjacency,
                                    std::span<const std::int32_t> part_of,
                                    std::span<const GlobalId> original_ids,
                                    const FeatureBlock& features, bool with_values, int num_parts) {
  const int ranks = communicator.size();
  const GlobalId block_begin = blocks.begin(communicator.rank());
  const std::int64_t block_size = adjacency.n_rows();
  const bool featured = features.n_cols > 0;

  // The block's nodes grouped by builder, ascending canonical id within each (a stable sort),
  // so that each builder receives its nodes in ascending canonical id: blocks come in rank order.
  std::vector<int> builder(static_cast<std::size_t>(block_size));
  for (std::int64_t i = 0; i < block_size; ++i)
    builder[i] = builder_of(part_of[i], num_parts, ranks);
  std::vector<std::int64_t> by_builder(static_cast<std::size_t>(block_size));
  for (std::int64_t i = 0; i < block_size; ++i) by_builder[i] = i;
  std::stable_sort(by_builder.begin(), by_builder.end(),
                   [&](std::int64_t a, std::int64_t b) { return builder[a] < builder[b]; });

  Outgoing<NodeHeader> headers;
  Outgoing<GlobalId> columns;
  Outgoing<std::int32_t> feature_columns;
  Outgoing<float> feature_values;
  for (auto* counts :
       {&headers.counts, &columns.counts, &feature_columns.counts, &feature_values.counts}) {
    counts->assign(static_cast<std::size_t>(ranks), 0);
  }
  headers.records.reserve(by_builder.size());
  columns.records.reserve(adjacency.col_index.size());
  for (const std::int64_t i : by_builder) {
    const auto destination = static_cast<std::size_t>(builder[i]);
    const auto row = adjacency.row(i);
    const std::int64_t feature_entries = featured ? features.row_length(i) : 0;
    headers.records.push_back(NodeHeader{block_begin + i, original_ids[i],
                                         static_cast<std::int64_t>(row.size()), feature_entries,
                                         part_of[i], 0});
    ++headers.counts[destination];
    columns.records.insert(columns.records.end(), row.begin(), row.end());
    columns.counts[destination] += static_cast<std::int64_t>(row.size());
    if (feature_entries > 0) {
      const auto feature_row = features.row(i);
      feature_columns.records.insert(feature_columns.records.end(), feature_row.begin(),
                                     feature_row.end());
      feature_columns.counts[destination] += feature_entries;
      if (with_values) {
        const auto values = features.row_values(i);
        feature_values.records.insert(feature_values.records.end(), values.begin(), values.end());
        feature_values.counts[destination] += feature_entries;
      }
    }
  }

  const auto send = [&](const auto& outgoing) {
    return exchange(communicator, std::span(outgoing.records),
                    std::span<const std::int64_t>(outgoing.counts));
  };
  const std::vector<NodeHeader> arrived = send(headers);
  BuilderNodes nodes;
  nodes.rows.col_index = send(columns);
  nodes.rows.n_cols = blocks.num_nodes;
  nodes.features.n_cols = features.n_cols;
  if (featured) {
    nodes.features.col_index = send(feature_columns);
    if (with_values) nodes.features.values = send(feature_values);
  }

  const std::size_t count = arrived.size();
  nodes.canonical.reserve(count);
  nodes.original.reserve(count);
  nodes.part.reserve(count);
  nodes.rows.row_start.reserve(count + 1);
  nodes.features.row_start.reserve(count + 1);
  for (const NodeHeader& header : arrived) {
    nodes.canonical.push_back(header.canonical);
    nodes.original.push_back(header.original);
    nodes.part.push_back(header.part);
    nodes.rows.row_start.push_back(nodes.rows.row_start.back() + header.degree);
    nodes.features.row_start.push_back(nodes.features.row_start.back() + header.feature_entries);
  }
  return nodes;
}

}  // namespace distgae
