// The whole of `distgae partition` as one function: read → canonicalise → split → partition →
// renumber → per-part data and statistics. In memory; the caller writes the result with
// write_dataset (io/dataset.hpp), or trains on it directly.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "io/dataset.hpp"
#include "partition/edge_split.hpp"
#include "partition/graph_partitioner.hpp"

namespace distgae {

struct PartitionJob {
  std::string graph_path;
  std::string features_path;  // empty: featureless
  std::string features_dataset = "features";
  std::string node_ids_path;  // empty: the ids occurring in the graph
  std::optional<GlobalId> num_nodes;
  SplitOptions split;
  PartitionOptions partition;
};

struct PartitionedDataset {
  DatasetMeta meta;
  std::vector<PartData> parts;
};

// The name meta.h5 records for the partitioner: "single" for one part, else the method's.
const char* partitioner_name(const PartitionOptions& options);
// The meta.h5 fields the job itself decides (parts, seed, fractions, partitioner, objective,
// tolerance, source paths), shared by the single-process and distributed pipelines.
void describe_job(const PartitionJob& job, DatasetMeta& meta);

// The single-process pipeline (one process holding everything; tests and benchmarks build
// datasets in memory with it): runs every step, logging counts and per-step seconds on rank 0.
// Throws InputError on bad input.
PartitionedDataset partition_dataset(const PartitionJob& job);

}  // namespace distgae
