// `distgae partition` (alone or under mpirun -n P): flags → PartitionJob →
// partition_dataset_distributed → write_dataset_distributed, every rank holding its share.
#include <filesystem>

#include "app/commands.hpp"
#include "app/flag_checks.hpp"
#include "app/graph_input_options.hpp"
#include "app/pipeline_watchdog.hpp"
#include "comm/agreement.hpp"
#include "comm/communicator.hpp"
#include "comm/mpi_env.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/memory.hpp"
#include "core/timer.hpp"
#include "io/dataset.hpp"
#include "partition/distributed/distributed_dataset_writer.hpp"
#include "partition/distributed/distributed_pipeline.hpp"

namespace distgae {
namespace {

struct PartitionFlags {
  GraphInputFlags input;
  int parts = 1;
  std::uint64_t seed = 0;
  std::string out;
  bool force = false;
  std::string stall_timeout = "auto";
};

int run_partition(const PartitionFlags& flags) {
  int argc = 0;
  char** argv = nullptr;
  MpiEnv mpi(argc, argv);
  const Communicator world = Communicator::world();
  // Refuse an existing output before the work, not after it.
  agree_on_root_errors(world, [&] {
    if (std::filesystem::exists(flags.out) && !flags.force) {
      throw InputError(at_file(flags.out, "output exists (pass --force to replace it)"));
    }
  });
  PipelineWatchdog watchdog(parse_stall_timeout(flags.stall_timeout), world.rank(),
                            "--out was not written; run it again");
  Stopwatch total;
  const DatasetShare dataset = partition_dataset_distributed(
      world, graph_input_job(flags.input, flags.parts, flags.seed, world.size()),
      watchdog.observer());
  watchdog.progress("writing the dataset");
  Stopwatch write;
  write_dataset_distributed(world, flags.out, dataset, flags.force);
  const double write_seconds =
      static_cast<double>(world.allreduce_max(static_cast<std::int64_t>(write.seconds() * 1e6))) /
      1e6;
  const std::int64_t peak = world.allreduce_max(peak_rss_bytes());
  const PartitionStatistics& stats = dataset.meta.stats;
  log::info(
      "wrote {} ({} parts): edge cut {}, communication volume {} rows, imbalance {:.3f} in "
      "{:.2f} s (peak memory of a rank {:.0f} MiB); {:.2f} s in all",
      flags.out, dataset.meta.num_parts, stats.edge_cut, stats.comm_volume, stats.imbalance,
      write_seconds, static_cast<double>(peak) / (1024.0 * 1024.0), total.seconds());
  return kExitOk;
}

}  // namespace

void add_partition_command(CLI::App& app, CommandAction& action) {
  auto flags = std::make_shared<PartitionFlags>();
  CLI::App* cmd = app.add_subcommand(
      "partition",
      "Read a graph (and features), split its edges, partition it into --parts parts and "
      "write the dataset directory that `distgae train` reads; under mpirun -n P the P ranks "
      "share the work and none holds the whole graph");
  add_graph_input_options(*cmd, flags->input)->required();
  cmd->add_option("--out", flags->out, "Dataset directory to create")->required();
  cmd->add_option(
         "--parts", flags->parts,
         "Number of parts (= the ranks that will train on it; any number, whatever ranks run this)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", flags->seed, "Seed of the split (and of the partitioner)")
      ->capture_default_str()
      ->check(seed_check());
  cmd->add_flag("--force", flags->force, "Replace --out if it exists");
  add_stall_timeout_option(*cmd, flags->stall_timeout, "a step",
                           "10 x the slowest step so far, at least 1800");
  cmd->callback([flags, &action] { action = [flags] { return run_partition(*flags); }; });
}

}  // namespace distgae
