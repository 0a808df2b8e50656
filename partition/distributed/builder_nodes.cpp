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

// The four streams a block sends its nodes in, each in destination order.
struct NodeStreams {
  Outgoing<NodeHeader> headers;
  Outgoing<GlobalId> columns;
  Outgoing<std::int32_t> feature_columns;
  Outgoing<float> feature_values;
};

// The block's nodes grouped by builder, ascending canonical id within each (a stable sort), so
// that each builder receives its nodes in ascending canonical id: blocks arrive in rank order.
NodeStreams pack_for_builders(int ranks, GlobalId block_begin, const BlockAdjacency& adjacency,
                              std::span<const std::int32_t> part_of,
                              std::span<const GlobalId> original_ids, const FeatureBlock& features,
                              bool with_values, int num_parts) {
  const std::int64_t block_size = adjacency.n_rows();
  std::vector<int> builder(static_cast<std::size_t>(block_size));
  std::vector<std::int64_t> by_builder(static_cast<std::size_t>(block_size));
  for (std::int64_t i = 0; i < block_size; ++i) {
    builder[i] = builder_of(part_of[i], num_parts, ranks);
    by_builder[i] = i;
  }
  std::stable_sort(by_builder.begin(), by_builder.end(),
                   [&](std::int64_t a, std::int64_t b) { return builder[a] < builder[b]; });

  NodeStreams out;
  for (auto* counts : {&out.headers.counts, &out.columns.counts, &out.feature_columns.counts,
                       &out.feature_values.counts}) {
    counts->assign(static_cast<std::size_t>(ranks), 0);
  }
  out.headers.records.reserve(by_builder.size());
  out.columns.records.reserve(adjacency.col_index.size());
  const bool featured = features.n_cols > 0;
  for (const std::int64_t i : by_builder) {
    const auto destination = static_cast<std::size_t>(builder[i]);
    const auto row = adjacency.row(i);
    const std::int64_t feature_entries = featured ? features.row_length(i) : 0;
    out.headers.records.push_back(NodeHeader{block_begin + i, original_ids[i],
                                             static_cast<std::int64_t>(row.size()), feature_entries,
                                             part_of[i], 0});
    ++out.headers.counts[destination];
    out.columns.records.insert(out.columns.records.end(), row.begin(), row.end());
    out.columns.counts[destination] += static_cast<std::int64_t>(row.size());
    if (feature_entries == 0) continue;
    const auto feature_row = features.row(i);
    out.feature_columns.records.insert(out.feature_columns.records.end(), feature_row.begin(),
                                       feature_row.end());
    out.feature_columns.counts[destination] += feature_entries;
    if (with_values) {
      const auto values = features.row_values(i);
      out.feature_values.records.insert(out.feature_values.records.end(), values.begin(),
                                        values.end());
      out.feature_values.counts[destination] += feature_entries;
    }
  }
  return out;
}

template <class T>
std::vector<T> send(const Communicator& communicator, const Outgoing<T>& outgoing) {
  return exchange(communicator, std::span<const T>(outgoing.records),
                  std::span<const std::int64_t>(outgoing.counts));
}

}  // namespace

std::vector<int> parts_built_by(int rank, int num_parts, int num_ranks) {
  std::vector<int> parts;
  for (int part = 0; part < num_parts; ++part) {
    if (builder_of(part, num_parts, num_ranks) == rank) parts.push_back(part);
  }
  return parts;
}

std::int64_t BuilderNodes::find(GlobalId node) const {
  return directory.find(canonical, node);
}

BuilderNodes send_nodes_to_builders(const Communicator& communicator, const NodeBlocks& blocks,
                                    const BlockAdjacency& adjacency,
                                    std::span<const std::int32_t> part_of,
                                    std::span<const GlobalId> original_ids,
                                    const FeatureBlock& features, bool with_values, int num_parts) {
  BuilderNodes nodes;
  std::vector<NodeHeader> arrived;
  {
    const NodeStreams out =
        pack_for_builders(communicator.size(), blocks.begin(communicator.rank()), adjacency,
                          part_of, original_ids, features, with_values, num_parts);
    arrived = send(communicator, out.headers);
    nodes.rows.col_index = send(communicator, out.columns);
    // n_cols is the same on every rank (checked by the caller), so all take part or none.
    if (features.n_cols > 0) {
      nodes.features.col_index = send(communicator, out.feature_columns);
      if (with_values) nodes.features.values = send(communicator, out.feature_values);
    }
  }
  nodes.rows.n_cols = blocks.num_nodes;
  nodes.features.n_cols = features.n_cols;
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
  nodes.directory = IdDirectory(nodes.canonical, blocks.num_nodes);
  return nodes;
}

}  // namespace distgae
