// The flags that describe a graph to partition, shared by `partition` and by `train --graph`
// (which partitions in memory): one definition, so the two commands read a graph alike.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "partition/partition_pipeline.hpp"

namespace distgae {

struct GraphInputFlags {
  PartitionJob job;
  std::string objective = "vol";
  std::string partitioner;                  // empty: metis on one rank, ptscotch on several
  std::string ptscotch_input = "clusters";  // or "graph"
  GlobalId num_nodes = 0;
};

// Adds --graph, --features, --features-dataset, --node-ids, --num-nodes, --val-frac,
// --test-frac, --no-split, --objective, --partitioner, --ptscotch-input and --imbalance. Returns
// the --graph option (the caller makes it required, or exclusive with another input).
CLI::Option* add_graph_input_options(CLI::App& command, GraphInputFlags& flags);

// The job the flags describe, for `parts` parts and `seed` (split and partitioner), run on
// `ranks` ranks (which picks the default partitioner).
PartitionJob graph_input_job(const GraphInputFlags& flags, int parts, std::uint64_t seed,
                             int ranks);

}  // namespace distgae
