#include "cora_dataset.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "comm/communicator.hpp"
#include "io/dataset.hpp"
#include "partition/partition_pipeline.hpp"

namespace distgae::testing {
namespace {

// Removes the dataset when the test process exits (rank 0 made it, rank 0 removes it).
struct DatasetCleanup {
  std::string path;
  ~DatasetCleanup() {
    if (!path.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  }
};
DatasetCleanup g_cleanup;

}  // namespace

const std::string& cora_dataset_for_world() {
  static const std::string path = [] {
    const Communicator world = Communicator::world();
    std::string dir;
    if (world.rank() == 0) {
      dir = (std::filesystem::temp_directory_path() /
             ("distgae-mpi-cora-" + std::to_string(::getpid())))
                .string();
      PartitionJob job;
      job.graph_path = DISTGAE_TEST_DATA "/cora/edges.txt";
      job.features_path = DISTGAE_TEST_DATA "/cora/features.mtx";
      job.partition.num_parts = world.size();
      job.split.seed = 7;
      const PartitionedDataset dataset = partition_dataset(job);
      write_dataset(dir, dataset.meta, dataset.parts, true);
      g_cleanup.path = dir;
    }
    dir = world.broadcast(dir);
    world.barrier();
    return dir;
  }();
  return path;
}

}  // namespace distgae::testing
