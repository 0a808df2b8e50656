// write_dataset_distributed (partition/distributed/distributed_dataset_writer.hpp): Cora built
// in parallel and written by every rank reads back, through the validating readers, as the same
// dataset write_dataset writes from the whole-graph build; a failure on one rank (an existing
// output, a write that does not fit) is the same error on every rank and leaves nothing behind.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "comm/communicator.hpp"
#include "cora_blocks.hpp"
#include "core/error.hpp"
#include "io/file_digest.hpp"
#include "partition/distributed/distributed_dataset_writer.hpp"
#include "partition/distributed/distributed_parts.hpp"

namespace distgae {
namespace {
namespace fs = std::filesystem;

// A fresh directory made by rank 0 for one test, removed by it at the end of the test.
class SharedTempDir {
 public:
  explicit SharedTempDir(const Communicator& world) : world_(world) {
    static int counter = 0;
    std::string path;
    if (world.rank() == 0) {
      path = (fs::temp_directory_path() /
              ("distgae-writer-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                 .string();
      fs::remove_all(path);
      fs::create_directories(path);
    }
    path_ = world.broadcast(path);
  }
  ~SharedTempDir() {
    world_.barrier();
    if (world_.rank() == 0) {
      std::error_code ignored;
      fs::remove_all(path_, ignored);
    }
  }
  const std::string& path() const { return path_; }
  // The names in it, sorted.
  std::set<std::string> entries() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(path_)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

 private:
  Communicator world_;
  std::string path_;
};

// The whole-graph dataset and this rank's share of the distributed one, K parts, with the
// scalar meta fields and fingerprints the lead's pipeline fills.
struct Datasets {
  DatasetMeta meta;
  std::vector<PartData> parts;
  DatasetShare share;
};

Datasets cora_datasets(const Communicator& world, int num_parts) {
  const testing::CoraGraph& cora = testing::cora_graph();
  PartitionOptions options;
  options.num_parts = num_parts;
  options.seed = 7;
  testing::ReferenceParts reference = testing::reference_parts(cora, options, true);
  const testing::CoraBlock block =
      testing::slice_block(cora, reference.part_of, world.rank(), world.size(), true);
  Datasets datasets;
  datasets.share =
      build_parts_distributed(world, block.blocks, block.adjacency, block.part_of,
                              block.original_ids, block.split, block.features, num_parts);
  testing::fill_scalar_meta(cora, true, datasets.share.meta);
  for (PartData& part : datasets.share.parts) {
    part.graph_fingerprint = datasets.share.meta.graph_fingerprint;
  }

  DatasetMeta& meta = datasets.meta;
  meta.num_nodes = cora.graph.num_nodes();
  meta.num_parts = num_parts;
  testing::fill_scalar_meta(cora, true, meta);
  meta.node_id = cora.graph.original_ids;
  meta.part_offsets = reference.ordering.part_offsets;
  meta.canonical_to_ordered = reference.ordering.canonical_to_ordered;
  meta.stats = reference.stats;
  datasets.parts = std::move(reference.parts);
  for (PartData& part : datasets.parts) part.graph_fingerprint = meta.graph_fingerprint;
  return datasets;
}

void expect_same_meta(const DatasetMeta& actual, const DatasetMeta& expected) {
  EXPECT_EQ(actual.format_version, expected.format_version);
  EXPECT_EQ(actual.num_nodes, expected.num_nodes);
  EXPECT_EQ(actual.num_edges, expected.num_edges);
  EXPECT_EQ(actual.num_train_edges, expected.num_train_edges);
  EXPECT_EQ(actual.num_val_edges, expected.num_val_edges);
  EXPECT_EQ(actual.num_test_edges, expected.num_test_edges);
  EXPECT_EQ(actual.num_parts, expected.num_parts);
  EXPECT_EQ(actual.seed, expected.seed);
  EXPECT_EQ(actual.val_frac, expected.val_frac);
  EXPECT_EQ(actual.test_frac, expected.test_frac);
  EXPECT_EQ(actual.split, expected.split);
  EXPECT_EQ(actual.partitioner, expected.partitioner);
  EXPECT_EQ(actual.objective, expected.objective);
  EXPECT_EQ(actual.imbalance_tolerance, expected.imbalance_tolerance);
  EXPECT_EQ(actual.feature_dim, expected.feature_dim);
  EXPECT_EQ(actual.source_graph, expected.source_graph);
  EXPECT_EQ(actual.source_features, expected.source_features);
  EXPECT_EQ(actual.graph_fingerprint, expected.graph_fingerprint);
  EXPECT_EQ(actual.input_lines, expected.input_lines);
  EXPECT_EQ(actual.self_loops_dropped, expected.self_loops_dropped);
  EXPECT_EQ(actual.duplicates_merged, expected.duplicates_merged);
  EXPECT_EQ(actual.node_id, expected.node_id);
  EXPECT_EQ(actual.part_offsets, expected.part_offsets);
  EXPECT_EQ(actual.canonical_to_ordered, expected.canonical_to_ordered);
  EXPECT_EQ(actual.stats.owned, expected.stats.owned);
  EXPECT_EQ(actual.stats.interior, expected.stats.interior);
  EXPECT_EQ(actual.stats.halo, expected.stats.halo);
  EXPECT_EQ(actual.stats.sent, expected.stats.sent);
  EXPECT_EQ(actual.stats.local_edges, expected.stats.local_edges);
  EXPECT_EQ(actual.stats.train_edges, expected.stats.train_edges);
  EXPECT_EQ(actual.stats.edge_cut, expected.stats.edge_cut);
  EXPECT_EQ(actual.stats.comm_volume, expected.stats.comm_volume);
  EXPECT_EQ(actual.stats.imbalance, expected.stats.imbalance);
}

// The AgreedError write_dataset_distributed throws here: its message and exit code, or an
// empty message when it returned.
ErrorReport write_failure(const Communicator& world, const std::string& dir,
                          const DatasetShare& share, bool overwrite) {
  try {
    write_dataset_distributed(world, dir, share, overwrite);
  } catch (const AgreedError& error) {
    return {error.what(), error.exit_code(), true};
  }
  return {};
}

TEST(DistributedDatasetWriter, ReadsBackAsTheDatasetWriteDatasetWrites) {
  const Communicator world = Communicator::world();
  // K = P (rank r writes part r), more parts than ranks, and one part (the other ranks write
  // only their blocks of meta.h5).
  for (const int num_parts : std::set<int>{world.size(), world.size() + 2, 1}) {
    SCOPED_TRACE("K = " + std::to_string(num_parts) + " on rank " + std::to_string(world.rank()));
    const SharedTempDir temp(world);
    const Datasets datasets = cora_datasets(world, num_parts);
    const std::string serial = temp.path() + "/serial";
    const std::string parallel = temp.path() + "/parallel";
    std::string serial_failure;
    if (world.rank() == 0) {
      try {
        write_dataset(serial, datasets.meta, datasets.parts, false);
      } catch (const std::exception& error) {
        serial_failure = error.what();
      }
    }
    EXPECT_EQ(world.broadcast(serial_failure), "");
    // Twice: the second replaces the first (overwrite).
    EXPECT_EQ(write_failure(world, parallel, datasets.share, false).message, "");
    EXPECT_EQ(write_failure(world, parallel, datasets.share, true).message, "");

    // Every rank reads everything back through the validating readers.
    const DatasetMeta meta = read_dataset_meta(parallel);
    const DatasetMeta serial_meta = read_dataset_meta(serial);
    expect_same_meta(meta, serial_meta);
    expect_same_meta(meta, datasets.meta);
    for (int part = 0; part < num_parts; ++part) {
      testing::expect_same_part(read_part(parallel, part, meta),
                                datasets.parts[static_cast<std::size_t>(part)]);
    }
    const std::optional<DigestManifest> digests = read_digest_manifest(parallel);
    ASSERT_TRUE(digests.has_value());
    EXPECT_EQ(digests->size(), static_cast<std::size_t>(num_parts) + 1);
    for (const auto& [name, digest] : *digests) {
      EXPECT_EQ(digest, digest_file(parallel + "/" + name)) << name;
    }
    EXPECT_EQ(temp.entries(), (std::set<std::string>{"parallel", "serial"}));
  }
}

TEST(DistributedDatasetWriter, AnExistingOutputIsRefusedOnEveryRankWithoutOverwrite) {
  const Communicator world = Communicator::world();
  const SharedTempDir temp(world);
  const std::string dir = temp.path() + "/out";
  if (world.rank() == 0) {
    fs::create_directories(dir);
    std::ofstream(dir + "/keep.txt") << "mine\n";
  }
  world.barrier();
  const Datasets datasets = cora_datasets(world, world.size());
  const ErrorReport failure = write_failure(world, dir, datasets.share, false);
  EXPECT_TRUE(failure.agreed);
  EXPECT_EQ(failure.exit_code, kExitBadInput);
  EXPECT_NE(failure.message.find("output exists"), std::string::npos) << failure.message;
  EXPECT_EQ(world.broadcast(failure.message), failure.message);
  EXPECT_EQ(temp.entries(), std::set<std::string>{"out"});
  EXPECT_TRUE(fs::exists(dir + "/keep.txt"));
  EXPECT_FALSE(fs::exists(dir + "/meta.h5"));
}

// Files on the last rank may not grow past 16 KiB while it lives: its part cannot be written
// (a full disk seen by one rank). SIGXFSZ is ignored so that the write fails instead of killing
// the process.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(bool active) : active_(active) {
    if (!active_) return;
    getrlimit(RLIMIT_FSIZE, &saved_);
    rlimit limit = saved_;
    limit.rlim_cur = 16 << 10;
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    if (!active_) return;
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  bool active_;
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
};

TEST(DistributedDatasetWriter, AWriteFailingOnOneRankFailsOnEveryRankAndKeepsTheOldOutput) {
  const Communicator world = Communicator::world();
  const SharedTempDir temp(world);
  const std::string dir = temp.path() + "/out";
  const Datasets datasets = cora_datasets(world, world.size());
  ASSERT_EQ(write_failure(world, dir, datasets.share, false).message, "");

  const int last = world.size() - 1;
  ErrorReport failure;
  {
    const FileSizeLimit limit(world.rank() == last);
    failure = write_failure(world, dir, datasets.share, true);
  }
  EXPECT_TRUE(failure.agreed);
  EXPECT_EQ(failure.exit_code, kExitInternal);
  const std::string part_file = "part-" + std::to_string(last) + ".h5";
  EXPECT_NE(failure.message.find(part_file), std::string::npos) << failure.message;
  if (world.size() > 1) {
    const std::string prefix = "[rank " + std::to_string(last) + "/" + std::to_string(world.size());
    EXPECT_EQ(failure.message.rfind(prefix, 0), 0u) << failure.message;
  }
  EXPECT_EQ(world.broadcast(failure.message), failure.message);
  // No staging directory is left, and the previous output is whole.
  EXPECT_EQ(temp.entries(), std::set<std::string>{"out"});
  const DatasetMeta meta = read_dataset_meta(dir);
  expect_same_meta(meta, datasets.meta);
  EXPECT_EQ(read_part(dir, world.rank(), meta).n_owned,
            datasets.parts[static_cast<std::size_t>(world.rank())].n_owned);
}

}  // namespace
}  // namespace distgae
