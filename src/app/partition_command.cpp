// `distgae partition`: flags → PartitionJob → partition_dataset → write_dataset.
#include <filesystem>

#include "app/commands.hpp"
#include "app/flag_checks.hpp"
#include "app/graph_input_options.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/timer.hpp"
#include "io/dataset.hpp"

namespace distgae {
namespace {

struct PartitionFlags {
  GraphInputFlags input;
  int parts = 1;
  std::uint64_t seed = 0;
  std::string out;
  bool force = false;
};

int run_partition(const PartitionFlags& flags) {
  // Refuse an existing output before the work, not after it.
  if (std::filesystem::exists(flags.out) && !flags.force) {
    throw InputError(at_file(flags.out, "output exists (pass --force to replace it)"));
  }
  Stopwatch total;
  const PartitionedDataset dataset =
      partition_dataset(graph_input_job(flags.input, flags.parts, flags.seed));
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
  add_graph_input_options(*cmd, flags->input)->required();
  cmd->add_option("--out", flags->out, "Dataset directory to create")->required();
  cmd->add_option("--parts", flags->parts, "Number of parts (= MPI ranks)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", flags->seed, "Seed of the split (and of METIS)")
      ->capture_default_str()
      ->check(seed_check());
  cmd->add_flag("--force", flags->force, "Replace --out if it exists");
  cmd->callback([flags, &action] { action = [flags] { return run_partition(*flags); }; });
}

}  // namespace distgae
