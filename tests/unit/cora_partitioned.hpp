// The bundled Cora (edges and features) partitioned in memory by the real pipeline, for tests
// that tamper with a dataset: built once per process and number of parts, copied by each test.
#pragma once

#include <map>
#include <utility>

#include "partition/partition_pipeline.hpp"

namespace distgae::testing_util {

// Cora split with `seed` and partitioned into `num_parts` with METIS.
inline const PartitionedDataset& cora_partitioned(int num_parts, std::uint64_t seed = 7) {
  static std::map<std::pair<int, std::uint64_t>, PartitionedDataset> cache;
  const auto key = std::make_pair(num_parts, seed);
  auto found = cache.find(key);
  if (found == cache.end()) {
    PartitionJob job;
    job.graph_path = DISTGAE_TEST_DATA "/cora/edges.txt";
    job.features_path = DISTGAE_TEST_DATA "/cora/features.mtx";
    job.partition.num_parts = num_parts;
    job.split.seed = seed;
    job.partition.seed = seed;
    found = cache.emplace(key, partition_dataset(job)).first;
  }
  return found->second;
}

}  // namespace distgae::testing_util
