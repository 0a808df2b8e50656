// `distgae train`: flags → dataset (read, or partitioned in memory) → Trainer → outputs.
#include <fmt/format.h>
#include <sched.h>

#include <filesystem>
#include <optional>

#include "app/commands.hpp"
#include "app/graph_input_options.hpp"
#include "comm/communicator.hpp"
#include "comm/mpi_env.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/memory.hpp"
#include "io/dataset.hpp"
#include "partition/partition_pipeline.hpp"
#include "train/checkpointing.hpp"
#include "train/run_outputs.hpp"
#include "train/stop_signal.hpp"
#include "train/trainer.hpp"

namespace distgae {
namespace {

struct TrainFlags {
  TrainingConfig config;
  std::string data_dir;
  GraphInputFlags input;  // for --graph
  std::string model = "gae";
  std::string decoder = "sampled";
  bool verbose = false;
};

struct LoadedData {
  DatasetMeta meta;
  PartData part;
};

LoadedData load_data(const TrainFlags& flags, const Communicator& world) {
  if (flags.data_dir.empty() == flags.input.job.graph_path.empty()) {
    throw InputError("give exactly one of --data DIR (a partitioned dataset) and --graph FILE");
  }
  LoadedData loaded;
  if (!flags.data_dir.empty()) {
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
                      m.num_parts, world.size(), m.num_parts, world.size(), m.source_graph,
                      features, world.size(), m.seed)));
    }
    loaded.part = read_part(flags.data_dir, world.rank());
    return loaded;
  }
  // Small graphs: every rank partitions in memory (deterministic, so all agree) and keeps its
  // part; no dataset directory is written.
  PartitionedDataset dataset =
      partition_dataset(graph_input_job(flags.input, world.size(), flags.config.seed));
  loaded.meta = std::move(dataset.meta);
  loaded.part = std::move(dataset.parts[static_cast<std::size_t>(world.rank())]);
  return loaded;
}

// mpirun binds each rank to one core by default (for up to 2 ranks): OpenMP threads beyond the
// CPUs a rank may run on share them and spin against each other, 10-50x slower.
void warn_if_threads_exceed_cpus(int threads) {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return;
  const int cpus = CPU_COUNT(&allowed);
  if (threads > cpus) {
    log::warning(
        "--threads {} but this rank may run on {} CPU(s) only: threads will fight over them. "
        "Give each rank {} cores (mpirun --map-by slot:PE={} or --bind-to none; SLURM: "
        "--cpus-per-task={}) or lower --threads",
        threads, cpus, threads, threads, threads);
  }
}

void print_epoch(const EpochRecord& r, int epochs) {
  std::string val;
  if (r.val) val = fmt::format("  val AUC {:.4f} AP {:.4f}", r.val->auc, r.val->ap);
  log::info("epoch {:>4}/{}  loss {:.5f}{}{}  {:.1f} ms (comm {:.1f} ms)", r.epoch, epochs, r.loss,
            r.kl != 0.0 ? fmt::format(" (recon {:.5f}, kl {:.5f})", r.reconstruction, r.kl) : "",
            val, 1e3 * r.seconds, 1e3 * r.comm_seconds);
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

  const LoadedData data = load_data(flags, world);
  prepare_run_directory(config.out_dir, config.force, config.resume, world);
  log::info("training {} ({} decoder) on {} nodes, {} training edges, {} ranks x {} threads",
            model_name(config.model), decoder_name(config.decoder), data.meta.num_nodes,
            data.meta.num_train_edges, world.size(), config.threads);

  warn_if_threads_exceed_cpus(config.threads);
  Trainer trainer(config, data.meta, data.part, world);
  CheckpointPolicy checkpoints(config, world);
  std::int64_t first_epoch = 1;
  std::string previous_metrics;
  if (config.resume) {
    if (std::optional<FoundCheckpoint> found = checkpoints.load_newest()) {
      trainer.restore(found->state, found->path);
      first_epoch = found->state.epoch + 1;
      previous_metrics = found->state.metrics_jsonl;
      log::info("resumed from {} (epoch {}, written by {} ranks)", found->path, found->state.epoch,
                found->state.num_ranks);
    } else {
      log::info("no checkpoint in {}: starting from epoch 1", checkpoints.directory());
    }
  }
  MetricsLog metrics(config.out_dir, world, previous_metrics);
  RunSummary summary;
  bool stopped = false;
  trainer.train(first_epoch, [&](const EpochRecord& record) {
    metrics.write(record);
    print_epoch(record, config.epochs);
    summary.epoch_seconds.push_back(record.seconds);
    summary.final_loss = record.loss;
    // Every rank must agree to stop at the same epoch, whichever got the signal.
    stopped = world.allreduce_max(stop_requested() ? 1 : 0) != 0;
    if (stopped || checkpoints.due(record.epoch)) {
      checkpoints.save(trainer, record.epoch, metrics.text());
    }
    return !stopped;
  });
  if (stopped) {
    log::info(
        "stopped by a signal after epoch {}; the checkpoint is written; exit code {} "
        "(requeue and run again with --resume)",
        first_epoch + static_cast<std::int64_t>(summary.epoch_seconds.size()) - 1,
        kExitCheckpointed);
    return kExitCheckpointed;
  }
  trainer.encode();
  summary.test = trainer.evaluate_test();
  write_embeddings(config.out_dir, trainer, data.meta, config, config.epochs, summary.test, world);
  const double peak = static_cast<double>(peak_rss_bytes());
  summary.peak_rss_bytes = world.gatherv(std::span<const double>(&peak, 1));
  write_summary(config.out_dir, summary, data.meta, config, world);

  log::info("test AUC {:.4f}  AP {:.4f}", summary.test.auc, summary.test.ap);
  log::info("median epoch {:.2f} ms; peak memory per rank (MiB): {}",
            1e3 * median(summary.epoch_seconds),
            fmt::join(
                [&] {
                  std::vector<long long> mib;
                  for (double bytes : summary.peak_rss_bytes)
                    mib.push_back(std::llround(bytes / 1048576.0));
                  return mib;
                }(),
                " "));
  log::info("embeddings: {}/embeddings/embeddings.h5 (one [{}, {}] view over {} shards)",
            config.out_dir, data.meta.num_nodes, config.latent, world.size());
  return kExitOk;
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
      ->check(CLI::PositiveNumber);
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
      ->capture_default_str();
  cmd->add_option("--threads", c.threads, "OpenMP threads per rank")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
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
  cmd->add_flag("--verbose", flags->verbose, "Log from every rank");
  cmd->callback([flags, &action] { action = [flags] { return run_train(*flags); }; });
}

}  // namespace distgae
