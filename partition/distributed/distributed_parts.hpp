// Building the K parts of a dataset from block-distributed data (`mpirun -n P distgae
// partition`): the distributed counterpart of order_nodes + build_parts + compute_statistics
// (partition/part_builder.hpp), giving the same parts, field for field, for the same part_of,
// while no rank holds more than its block and the parts it builds.
//
// Part k is built by rank builder_of(k, K, P) (builder_nodes.hpp), so with K == P rank r builds
// part r and `distgae train --graph` can train on it directly. The steps: every node's row,
// original id and feature row go to the builder of its part; each builder orders its parts
// (part_ordering.hpp) and publishes the ordered ids to the block owners; it fetches the ordered
// id, original id, degree and part of its nodes' neighbours on other builders (node_lookup.hpp),
// builds each part's rows (part_rows.hpp), and the builders exchange their halo lists to make
// each other's send lists. Pairs go to the builder of their first endpoint's part; statistics
// are summed over the ranks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "comm/communicator.hpp"
#include "io/dataset.hpp"
#include "partition/distributed/block_graph.hpp"

namespace distgae {

// This rank's share of a partitioned dataset.
struct DatasetShare {
  // num_nodes, num_parts, part_offsets [K+1] and stats are the whole dataset's, the same on every
  // rank. node_id and canonical_to_ordered hold only this rank's block of canonical ids: entry i
  // is canonical node blocks.begin(rank) + i, [blocks.size(rank)] (write_dataset_distributed
  // writes each rank's block into meta.h5's [N] arrays). graph_fingerprint and the other scalar
  // fields are left at their defaults for the caller to fill.
  DatasetMeta meta;
  // The parts this rank builds (and writes), ascending: parts_built_by(rank, K, P).
  // graph_fingerprint is left empty.
  std::vector<PartData> parts;
};

// Collective. Inputs are this rank's block (blocks.begin(rank) .. blocks.end(rank) - 1):
// `adjacency` its rows of the symmetric training adjacency, `part_of` [block] the part of each
// of its nodes (0 .. num_parts - 1), `original_ids` [block], `split` its share of the split
// (pairs whose first endpoint is in the block), `features` its feature rows (or n_cols == 0).
// Bad inputs on any rank throw the same AgreedError on every rank.
DatasetShare build_parts_distributed(const Communicator& communicator, const NodeBlocks& blocks,
                                     const BlockAdjacency& adjacency,
                                     std::span<const std::int32_t> part_of,
                                     std::span<const GlobalId> original_ids,
                                     const SplitShare& split, const FeatureBlock& features,
                                     int num_parts);

}  // namespace distgae
