// The bundled Cora through the single-process pipeline on every rank (the reference the
// distributed partition is compared with), and this rank's block of it: the inputs
// build_parts_distributed takes (partition/distributed/distributed_parts.hpp); and a comparison
// of parts field by field.
#pragma once

#include <cstdint>
#include <vector>

#include "io/dataset.hpp"
#include "partition/canonical_graph.hpp"
#include "partition/distributed/block_graph.hpp"
#include "partition/edge_split.hpp"
#include "partition/graph_partitioner.hpp"
#include "partition/part_builder.hpp"

namespace distgae::testing {

// read_graph → canonicalize → split_edges (seed 7) → symmetric_adjacency, and the features.
struct CoraGraph {
  CanonicalGraph graph;
  EdgeSplit split;
  Csr<GlobalId> adjacency;
  FeatureMatrix features;
};
// Built once per process.
const CoraGraph& cora_graph();

// assign_parts → order_nodes → build_parts → compute_statistics on the whole graph.
struct ReferenceParts {
  std::vector<std::int32_t> part_of;  // [N]
  NodeOrdering ordering;
  std::vector<PartData> parts;  // [K]
  PartitionStatistics stats;
};
ReferenceParts reference_parts(const CoraGraph& cora, const PartitionOptions& options,
                               bool featured);

// This rank's block of canonical ids and everything keyed by it.
struct CoraBlock {
  NodeBlocks blocks;
  BlockAdjacency adjacency;
  std::vector<std::int32_t> part_of;
  std::vector<GlobalId> original_ids;
  SplitShare split;
  FeatureBlock features;  // n_cols == 0 when not featured
};
CoraBlock slice_block(const CoraGraph& cora, const std::vector<std::int32_t>& part_of, int rank,
                      int ranks, bool featured);

// The scalar fields of meta that the caller of build_parts_distributed fills, as
// partition_dataset (partition/partition_pipeline.cpp) does; `meta` gets them.
void fill_scalar_meta(const CoraGraph& cora, bool featured, DatasetMeta& meta);

// gtest expectations that every field of `actual` equals `expected`'s.
void expect_same_part(const PartData& actual, const PartData& expected);

}  // namespace distgae::testing
