// Assigns every node to a part: METIS k-way (volume or cut objective) or a seeded random
// baseline. The METIS C API is wrapped here and nowhere else.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/csr.hpp"
#include "core/types.hpp"

namespace distgae {

enum class PartitionMethod { kMetis, kRandom };
enum class PartitionObjective { kVolume, kCut };

struct PartitionOptions {
  int num_parts = 1;
  PartitionMethod method = PartitionMethod::kMetis;
  PartitionObjective objective = PartitionObjective::kVolume;
  double imbalance = 1.03;  // max part size / mean part size allowed (METIS ufactor)
  std::uint64_t seed = 0;
};

// Returns [N] part of each canonical node, in 0..num_parts-1; every part gets at least one node.
// num_parts == 1 skips METIS. Throws InputError when num_parts exceeds the node count or is < 1.
std::vector<std::int32_t> assign_parts(const Csr<GlobalId>& adjacency,
                                       const PartitionOptions& options);

}  // namespace distgae
