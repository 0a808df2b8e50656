// The data every stage of the distributed partition pipeline (`mpirun -n P distgae partition`)
// hands to the next. No rank holds more than its share: the input as read from its byte range,
// then the canonical graph, split, partition and features keyed by the block distribution of
// canonical ids (node_blocks.hpp). The concatenation of every rank's share, in rank order, is
// exactly what the single-process pipeline holds (partition/canonical_graph.hpp,
// partition/edge_split.hpp), so the two give the same dataset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/csr.hpp"
#include "core/types.hpp"
#include "io/feature_readers.hpp"
#include "partition/distributed/node_blocks.hpp"
#include "partition/edge_split.hpp"

namespace distgae {

// This rank's share of the graph file as read: the edges of the lines in its byte range, in the
// user's original ids (self loops, duplicates and both directions included), file order.
struct GraphShare {
  std::string source_path;
  std::vector<NodePair> edges;
  // The same on every rank: the file's declared node set (MatrixMarket rows, '# nodes: N'
  // header; see RawGraph), and whole-file totals.
  std::optional<GlobalId> declared_num_nodes;
  std::int64_t data_lines = 0;
  std::int64_t weighted_lines = 0;
};

// This rank's share of a --node-ids list: the ids at positions (canonical ids)
// [first_position, first_position + ids.size()) of the whole list.
struct NodeIdShare {
  std::string source_path;
  GlobalId first_position = 0;
  std::vector<GlobalId> ids;
  std::vector<std::int64_t> line_numbers;  // [ids.size()] the line each id was read from
};

// This rank's block of the canonical graph.
struct BlockGraph {
  NodeBlocks blocks;
  int rank = 0;
  // [blocks.size(rank)] original id of canonical node blocks.begin(rank) + i.
  std::vector<GlobalId> original_ids;
  // The canonical edges whose first endpoint lies in this block: first < second, sorted, unique.
  std::vector<NodePair> edges;
  // Position of edges[0] in the whole sorted edge list (the sum of lower ranks' edge counts).
  std::int64_t first_edge_index = 0;
  // Whole-graph totals, the same on every rank.
  std::int64_t num_edges = 0;
  std::int64_t input_edges = 0;
  std::int64_t self_loops_dropped = 0;
  std::int64_t duplicates_merged = 0;

  GlobalId num_nodes() const { return blocks.num_nodes; }
  GlobalId first_node() const { return blocks.begin(rank); }
};

// This rank's share of the split: EdgeSplit's lists restricted to the pairs whose first endpoint
// lies in this rank's block (each still sorted; their concatenation in rank order is the whole
// list).
using SplitShare = EdgeSplit;

// This rank's rows of the symmetric training adjacency: row i is canonical node
// blocks.begin(rank) + i, columns canonical ids, sorted, no self loops; n_cols = N.
using BlockAdjacency = Csr<GlobalId>;

// This rank's feature rows: row i is canonical node blocks.begin(rank) + i; n_cols == 0 when
// featureless (and then no rows are stored: row_start holds block size + 1 zeros).
using FeatureBlock = FeatureMatrix;

}  // namespace distgae
