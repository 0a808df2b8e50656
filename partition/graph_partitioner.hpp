// Assigns every node to a part: METIS k-way (volume or cut objective) or a seeded random
// baseline. The METIS C API is wrapped here and nowhere else. PT-Scotch (kPtScotch) runs in the
// distributed pipeline only (partition/distributed/distributed_partitioner.hpp), which shares
// this file's validation, random hash and empty-part rule.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/csr.hpp"
#include "core/types.hpp"

namespace distgae {

enum class PartitionMethod { kMetis, kRandom, kPtScotch };
enum class PartitionObjective { kVolume, kCut };

struct PartitionOptions {
  int num_parts = 1;
  PartitionMethod method = PartitionMethod::kMetis;
  PartitionObjective objective = PartitionObjective::kVolume;
  double imbalance = 1.03;  // max part size / mean part size allowed (METIS ufactor)
  std::uint64_t seed = 0;
  // kPtScotch: give the library the graph of size-constrained label-propagation clusters and
  // refine its parts on the whole graph (partition/distributed/distributed_partitioner.hpp),
  // rather than the training graph itself.
  bool cluster_first = true;
};

// Returns [N] part of each canonical node, in 0..num_parts-1; every part gets at least one node.
// num_parts == 1 skips METIS. Throws InputError when num_parts exceeds the node count or is < 1.
// kPtScotch throws InputError: it needs the distributed pipeline.
std::vector<std::int32_t> assign_parts(const Csr<GlobalId>& adjacency,
                                       const PartitionOptions& options);

// Throws InputError unless 1 <= num_parts <= num_nodes and 1 <= imbalance < 1000 (the messages
// name the CLI flags --parts and --imbalance).
void validate_partition_options(GlobalId num_nodes, const PartitionOptions& options);

// The random baseline's part of canonical node `node`: a hash of (seed, node), so any share of
// the nodes gets the parts the whole graph would.
std::int32_t random_part(GlobalId node, const PartitionOptions& options);

// Gives every empty part one node, so that every rank owns rows. Each empty part (ascending)
// takes from the currently largest part (lowest index on ties; only parts of two or more nodes
// give) its node of smallest degree (highest canonical id on ties). `part_of` [N] in
// 0..num_parts-1; num_parts <= N.
void fill_empty_parts(const Csr<GlobalId>& adjacency, int num_parts,
                      std::vector<std::int32_t>& part_of);

// The donor of each empty part under fill_empty_parts' rule, from the part sizes alone:
// [number of empty parts] (empty part, donor part), empty parts ascending.
std::vector<std::pair<int, int>> empty_part_donors(std::span<const std::int64_t> part_sizes);

}  // namespace distgae
