// `distgae partition`: flags → PartitionJob → partition_dataset → write_dataset.
#include <filesystem>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/timer.hpp"
#include "io/dataset.hpp"
#include "partition/partition_pipeline.hpp"

namespace distgae {
namespace {

struct PartitionFlags {
  PartitionJob job;
  std::string out;
  std::string objective = "vol";
  std::string method = "metis";
  GlobalId num_nodes = 0;
  bool force = false;
};

int run_partition(PartitionFlags& flags) {
  PartitionJob& job = flags.job;
  if (flags.num_nodes > 0) job.num_nodes = flags.num_nodes;
  if (job.features_path == "none") job.features_path.clear();
  job.partition.objective =
      flags.objective == "cut" ? PartitionObjective::kCut : PartitionObjective::kVolume;
  job.partition.method =
      flags.method == "random" ? PartitionMethod::kRandom : PartitionMethod::kMetis;
  job.partition.seed = job.split.seed;
  // Refuse an existing output before the work, not after it.
  if (std::filesystem::exists(flags.out) && !flags.force) {
    throw InputError(at_file(flags.out, "output exists (pass --force to replace it)"));
  }
  Stopwatch total;
  const PartitionedDataset dataset = partition_dataset(job);
  write_dataset(flags.out, dataset.meta, dataset.parts, flags.force);
  const PartitionStatistics& stats = dataset.meta.stats;
  log::info(
      "wrote {} ({} parts): edge cut {}, communication volume {} rows, imbalance {:.3f}; "
      "{:.2f} s in all",
      flags.out, dataset.meta.num_parts, stats.edge_cut, stats.comm_volume, stats.imbalance,
      total.seconds());
  return kExitOk;
}

}  // namespace

void add_partition_command(CLI::App& app, CommandAction& action) {
  auto flags = std::make_shared<PartitionFlags>();
  CLI::App* cmd = app.add_subcommand(
      "partition",
      "Read a graph (and features), split its edges, partition it for P ranks and "
      "write the dataset directory that `distgae train` reads");
  cmd->add_option("--graph", flags->job.graph_path,
                  "Edge list (u v [w]; # or % comments) or MatrixMarket file")
      ->required();
  cmd->add_option("--features", flags->job.features_path,
                  "Node features: MatrixMarket or HDF5 (dense 2-D dataset); 'none' for none");
  cmd->add_option("--features-dataset", flags->job.features_dataset,
                  "Dataset inside an HDF5 features file")
      ->capture_default_str();
  auto* node_ids = cmd->add_option("--node-ids", flags->job.node_ids_path,
                                   "File listing every node id (one per line) in feature-row "
                                   "order; nodes absent from the graph stay as isolated nodes");
  cmd->add_option("--num-nodes", flags->num_nodes,
                  "Node ids are 0..N-1 (isolated nodes included); ids outside are an error")
      ->check(CLI::PositiveNumber)
      ->excludes(node_ids);
  cmd->add_option("--out", flags->out, "Dataset directory to create")->required();
  cmd->add_option("--parts", flags->job.partition.num_parts, "Number of parts (= MPI ranks)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--objective", flags->objective, "METIS objective: vol (halo volume) or cut")
      ->capture_default_str()
      ->check(CLI::IsMember({"vol", "cut"}));
  cmd->add_option("--partitioner", flags->method,
                  "metis, or random (a baseline for comparing communication volume)")
      ->capture_default_str()
      ->check(CLI::IsMember({"metis", "random"}));
  cmd->add_option("--imbalance", flags->job.partition.imbalance,
                  "Allowed max part size / mean part size")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 10.0));
  cmd->add_option("--seed", flags->job.split.seed, "Seed of the split (and of METIS)")
      ->capture_default_str();
  cmd->add_option("--val-frac", flags->job.split.val_frac,
                  "Fraction of edges held out for validation")
      ->capture_default_str();
  cmd->add_option("--test-frac", flags->job.split.test_frac, "Fraction of edges held out for test")
      ->capture_default_str();
  cmd->add_flag("--no-split", flags->job.split.no_split, "Train on every edge (no val/test)");
  cmd->add_flag("--force", flags->force, "Replace --out if it exists");
  cmd->callback([flags, &action] { action = [flags] { return run_partition(*flags); }; });
}

}  // namespace distgae
