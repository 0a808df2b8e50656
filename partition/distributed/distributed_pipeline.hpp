// The whole of `mpirun -n P distgae partition` as one collective function: every rank reads its
// byte range of the input, and the canonical graph, split, partition and parts are built with
// each rank holding only its share (partition/distributed/block_graph.hpp). On one rank it is
// the single-process pipeline; for any P it gives the same split, the same dataset fingerprint
// and, with --partitioner metis or random, the same parts.
#pragma once

#include <functional>
#include <string>

#include "comm/communicator.hpp"
#include "partition/distributed/distributed_parts.hpp"
#include "partition/partition_pipeline.hpp"

namespace distgae {

// Told on every rank when a step ends: the step's seconds on the slowest rank and the step's log
// line (a progress point for a stall watchdog).
using PipelineStepObserver = std::function<void(double seconds, const std::string& step)>;

// Collective. Runs every step, logging counts, per-step seconds and the peak memory of the
// largest rank on rank 0, and telling `on_step` (if set) after each. Returns this rank's share
// of the dataset (the parts it builds and the meta fields, with node_id and canonical_to_ordered
// for its block of canonical ids), ready for write_dataset_distributed or for training. Bad input
// on any rank throws the same AgreedError on every rank.
DatasetShare partition_dataset_distributed(const Communicator& world, const PartitionJob& job,
                                           const PipelineStepObserver& on_step = {});

}  // namespace distgae
