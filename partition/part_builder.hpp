// Renumbering and the per-part data: contiguous ranges per part (interior nodes first, then
// boundary nodes, each group in Cuthill-McKee BFS order for locality), halo nodes after the owned
// ones grouped by owner, send lists per peer, global degrees, and the pairs each part owns.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/csr.hpp"
#include "core/types.hpp"
#include "io/dataset.hpp"
#include "partition/canonical_graph.hpp"
#include "partition/edge_split.hpp"

namespace distgae {

struct NodeOrdering {
  std::vector<std::int64_t> part_offsets;      // [P+1]
  std::vector<std::int64_t> interior_counts;   // [P]
  std::vector<GlobalId> canonical_to_ordered;  // [N]
  std::vector<GlobalId> ordered_to_canonical;  // [N]
};

// `adjacency` is the symmetric training adjacency in canonical ids; `part_of` [N].
NodeOrdering order_nodes(const Csr<GlobalId>& adjacency, std::span<const std::int32_t> part_of,
                         int num_parts);

// Builds every part. `features` may have n_cols == 0 (featureless); otherwise it has N rows in
// canonical order.
std::vector<PartData> build_parts(const Csr<GlobalId>& adjacency,
                                  std::span<const std::int32_t> part_of,
                                  const NodeOrdering& ordering, const EdgeSplit& split,
                                  const FeatureMatrix& features,
                                  std::span<const GlobalId> original_ids);

// Statistics of the built parts (edge cut from the adjacency and part_of).
PartitionStatistics compute_statistics(const Csr<GlobalId>& adjacency,
                                       std::span<const std::int32_t> part_of,
                                       const std::vector<PartData>& parts);

}  // namespace distgae
