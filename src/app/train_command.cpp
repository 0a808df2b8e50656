// `distgae train`: flags → MPI → dataset (read, or partitioned in memory) → run_training.
#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <string>

#include "app/commands.hpp"
#include "app/flag_checks.hpp"
#include "app/graph_input_options.hpp"
#include "app/pipeline_watchdog.hpp"
#include "comm/agreement.hpp"
#include "comm/communicator.hpp"
#include "comm/mpi_env.hpp"
#include "core/error.hpp"
#include "core/fault_injection.hpp"
#include "core/log.hpp"
#include "core/memory_limit.hpp"
#include "io/dataset.hpp"
#include "partition/distributed/distributed_pipeline.hpp"
#include "train/memory_estimate.hpp"
#include "train/part_consistency.hpp"
#include "train/stop_signal.hpp"
#include "train/training_run.hpp"

namespace distgae {
namespace {

struct TrainFlags {
  TrainingConfig config;
  std::string data_dir;
  GraphInputFlags input;  // for --graph
  std::string model = "gae";
  std::string decoder = "sampled";
  bool verbose = false;
  std::string stall_timeout = "auto";
};

struct LoadedData {
  DatasetMeta meta;
  PartData part;
};

void check_input_flags(const TrainFlags& flags) {
  if (flags.data_dir.empty() == flags.input.job.graph_path.empty()) {
    throw InputError("give exactly one of --data DIR (a partitioned dataset) and --graph FILE");
  }
  if (flags.config.out_dir.empty()) throw InputError("--out: the run directory is an empty path");
}

// This rank's part of a dataset directory.
LoadedData read_data(const TrainFlags& flags, const Communicator& world) {
  LoadedData loaded;
  loaded.meta = read_dataset_meta(flags.data_dir);
  if (loaded.meta.num_parts != world.size()) {
    const DatasetMeta& m = loaded.meta;
    const std::string features =
        m.source_features.empty() ? "" : " --features " + m.source_features;
    throw InputError(at_file(
        flags.data_dir,
        fmt::format("the dataset has {} parts but the job runs on {} ranks: run with mpirun -n "
                    "{}, or re-partition for {} ranks (same seed, same split) with distgae "
                    "partition --graph {}{} --parts {} --seed {} --out NEW_DIR",
                    m.num_parts, world.size(), m.num_parts, world.size(), m.source_graph, features,
                    world.size(), m.seed)));
  }
  fault_injection_point("read_part", world.rank());
  loaded.part = read_part(flags.data_dir, world.rank(), loaded.meta);
  return loaded;
}

// --graph: the ranks partition together (partition/distributed/), each keeping the part it
// built (K = P: rank r builds part r); no dataset directory is written. Training locates any node
// through the replicated canonical-to-ordered table, as when it reads meta.h5, so the blocks are
// gathered. Collective; its errors are agreed inside.
LoadedData partition_in_memory(const TrainFlags& flags, const Communicator& world) {
  LoadedData loaded;
  PipelineWatchdog watchdog(flags.config.stall_timeout, world.rank(),
                            "no training had started; run it again");
  DatasetShare dataset = partition_dataset_distributed(
      world, graph_input_job(flags.input, world.size(), flags.config.seed, world.size()),
      watchdog.observer());
  dataset.meta.canonical_to_ordered = world.allgatherv(dataset.meta.canonical_to_ordered);
  dataset.meta.node_id = world.allgatherv(dataset.meta.node_id);
  loaded.meta = std::move(dataset.meta);
  loaded.part = std::move(dataset.parts.at(0));
  return loaded;
}

// Sizes that could never fit in this rank's memory are refused before anything is created.
void check_memory_fits(const TrainingConfig& config, const DatasetMeta& meta,
                       const PartData& part) {
  const std::optional<std::int64_t> limit = memory_limit_bytes();
  if (!limit) return;
  const MemoryEstimate needed = estimate_training_memory(config, meta, part);
  if (needed.bytes <= static_cast<double>(*limit)) return;
  throw InputError(fmt::format(
      "--hidden {} --latent {} --neg {}: training part {} needs at least {} (largest: {}, {}), "
      "more than this machine's {}; lower them, or partition for more ranks",
      config.hidden, config.latent, config.negatives, part.part, format_bytes(needed.bytes),
      needed.largest, format_bytes(needed.largest_bytes),
      format_bytes(static_cast<double>(*limit))));
}

int run_train(TrainFlags& flags) {
  // Before MPI starts: a warning signal that arrives early must not kill the rank.
  install_stop_signal_handlers();
  int argc = 0;
  char** argv = nullptr;
  MpiEnv mpi(argc, argv);
  log::set_verbose(flags.verbose);
  const Communicator world = Communicator::world();
  TrainingConfig& config = flags.config;
  config.model = flags.model == "vgae" ? ModelKind::kVgae : ModelKind::kGae;
  config.decoder = flags.decoder == "full" ? DecoderKind::kFull : DecoderKind::kSampled;
  config.stall_timeout = parse_stall_timeout(flags.stall_timeout);

  // Each rank reads its own part: a damaged one is seen by one rank only, and all must learn it.
  agree_on_errors(world, [&] { check_input_flags(flags); });
  LoadedData data = flags.data_dir.empty()
                        ? partition_in_memory(flags, world)
                        : agree_on_errors(world, [&] { return read_data(flags, world); });
  // Only once every rank holds a valid part: the check is collective, so a rank that failed to
  // load must not skip it while the others wait inside.
  if (!flags.data_dir.empty()) {
    agree_on_errors(world, [&] {
      check_part_against_peers(data.part, data.meta, part_path(flags.data_dir, world.rank()),
                               world);
    });
  }
  agree_on_errors(world, [&] { check_memory_fits(config, data.meta, data.part); });
  return run_training(config, data.meta, std::move(data.part), world);
}

}  // namespace

void add_train_command(CLI::App& app, CommandAction& action) {
  auto flags = std::make_shared<TrainFlags>();
  TrainingConfig& c = flags->config;
  CLI::App* cmd = app.add_subcommand(
      "train", "Train GAE or VGAE over MPI ranks (mpirun -n P distgae train ...)");
  auto* data = cmd->add_option("--data", flags->data_dir,
                               "Dataset directory from distgae partition (P parts for P ranks)");
  add_graph_input_options(*cmd, flags->input)->excludes(data);
  cmd->add_option("--model", flags->model, "gae or vgae")
      ->capture_default_str()
      ->check(CLI::IsMember({"gae", "vgae"}));
  cmd->add_option("--decoder", flags->decoder,
                  "sampled (k negatives per edge) or full (the paper's dense N x N objective)")
      ->capture_default_str()
      ->check(CLI::IsMember({"sampled", "full"}));
  cmd->add_option("--out", c.out_dir, "Run directory (metrics.jsonl, embeddings/, summary.json)")
      ->required();
  cmd->add_option("--epochs", c.epochs, "Training epochs (full batch)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--lr", c.learning_rate, "Adam learning rate")
      ->capture_default_str()
      ->check(finite_positive_check());
  cmd->add_option("--hidden", c.hidden, "Width of the first GCN layer")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--latent", c.latent, "Embedding width (the second layer)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--neg", c.negatives, "Negatives per positive edge and epoch")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", c.seed,
                  "Seed of initialisation and sampling (and of the split with --graph)")
      ->capture_default_str()
      ->check(seed_check());
  cmd->add_flag_callback(
      "--exact-sums", [&c] { c.summation = Summation::kExact; },
      "Sum gradients over nodes and pairs exactly (fixed point): the same bits for any number of "
      "ranks and threads, at some cost per epoch (README: The same bits on any number of ranks)");
  cmd->add_option("--threads", c.threads, "OpenMP threads per rank")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--eval-every", c.eval_every, "Epochs between validation evaluations (0: never)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--checkpoint-every", c.checkpoint_every,
                  "Epochs between checkpoints in OUT/checkpoints (0: only when stopped by a "
                  "signal)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--keep", c.keep, "Checkpoints kept (older ones are removed)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--resume", c.resume,
                "Continue from the newest readable checkpoint in --out (start fresh if none)");
  cmd->add_flag("--force", c.force, "Replace a previous run in --out");
  add_stall_timeout_option(*cmd, flags->stall_timeout, "an epoch",
                           "10 x the slowest epoch so far, at least 300");
  cmd->add_flag("--verbose", flags->verbose, "Log from every rank");
  cmd->callback([flags, &action] { action = [flags] { return run_train(*flags); }; });
}

}  // namespace distgae
