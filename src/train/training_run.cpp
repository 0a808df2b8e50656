#include "train/training_run.hpp"

#include <sched.h>

#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/fault_injection.hpp"
#include "core/log.hpp"
#include "core/memory.hpp"
#include "core/parallel_work.hpp"
#include "core/progress_watchdog.hpp"
#include "core/timer.hpp"
#include "train/checkpointing.hpp"
#include "train/run_directory.hpp"
#include "train/run_outputs.hpp"
#include "train/stop_signal.hpp"
#include "train/trainer.hpp"

namespace distgae {
namespace {

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

struct StartingPoint {
  std::int64_t first_epoch = 1;
  std::string previous_metrics;  // metrics.jsonl lines up to the checkpoint
};

StartingPoint resume_if_asked(const TrainingConfig& config, const CheckpointPolicy& checkpoints,
                              Trainer& trainer) {
  if (!config.resume) return {};
  std::optional<FoundCheckpoint> found = checkpoints.load_newest();
  if (!found) {
    log::info("no checkpoint in {}: starting from epoch 1", checkpoints.directory());
    return {};
  }
  fault_injection_point("read_checkpoint", trainer.part().part);
  trainer.restore(found->state, found->path);
  log::info("resumed from {} (epoch {}, written by {} ranks)", found->path, found->state.epoch,
            found->state.num_ranks);
  return {found->state.epoch + 1, std::move(found->state.metrics_jsonl)};
}

// Test metrics, embeddings, summary.json and the closing log lines.
void finish_run(const TrainingConfig& config, const DatasetMeta& meta, Trainer& trainer,
                const EpochProfile& profile, RunSummary& summary, const Communicator& world) {
  trainer.release_training_state();
  trainer.encode();
  summary.test = trainer.evaluate_test();
  write_embeddings(config.out_dir, trainer, meta, config, config.epochs, summary.test, world);
  const double peak = static_cast<double>(peak_rss_bytes());
  summary.peak_rss_bytes = world.gatherv(std::span<const double>(&peak, 1));
  summary.profile_warmup_epochs = profile.warmup_epochs();
  summary.profile_figures = world.gatherv(std::span<const double>(profile.rank_figures()));
  write_summary(config.out_dir, summary, meta, config, world);

  std::vector<long long> peak_mib;
  for (double bytes : summary.peak_rss_bytes) peak_mib.push_back(std::llround(bytes / 1048576.0));
  log::info("test AUC {:.4f}  AP {:.4f}", summary.test.auc, summary.test.ap);
  log::info("median epoch {:.2f} ms; peak memory per rank (MiB): {}",
            1e3 * median(summary.epoch_seconds), fmt::join(peak_mib, " "));
  log::info("embeddings: {}/embeddings/embeddings.h5 (one [{}, {}] view over {} shards)",
            config.out_dir, meta.num_nodes, config.latent, world.size());
}

// --stall-timeout auto: generous beside the slowest stretch between two progress points seen so
// far (an epoch, with its evaluation and checkpoint), never below five minutes (start-up, the
// first epoch, the final evaluation and outputs).
constexpr double kStallFloorSeconds = 300.0;
constexpr double kStallEpochFactor = 10.0;

}  // namespace

int run_training(const TrainingConfig& config, const DatasetMeta& meta, PartData part,
                 const Communicator& world) {
  min_parallel_work();  // a malformed DISTGAE_MIN_PARALLEL_WORK stops the run before any output
  StepWatchdog watchdog(config.stall_timeout, kStallFloorSeconds, kStallEpochFactor, world.rank(),
                        "--resume continues from the last checkpoint", "starting");
  prepare_run_directory(config.out_dir, config.force, config.resume, world);
  log::info("training {} ({} decoder) on {} nodes, {} training edges, {} ranks x {} threads",
            model_name(config.model), decoder_name(config.decoder), meta.num_nodes,
            meta.num_train_edges, world.size(), config.threads);
  warn_if_threads_exceed_cpus(config.threads);

  Trainer trainer(config, meta, std::move(part), world);
  CheckpointPolicy checkpoints(config, world);
  const StartingPoint start = resume_if_asked(config, checkpoints, trainer);
  MetricsLog metrics(config.out_dir, world, start.previous_metrics);
  RunSummary summary;
  EpochProfile profile;
  std::int64_t last_epoch = start.first_epoch - 1;
  bool stopped = false;
  Stopwatch step;
  watchdog.progress(fmt::format("epoch {}", start.first_epoch));
  trainer.train(start.first_epoch, [&](const EpochRecord& record) {
    metrics.write(record);
    print_epoch(record, config.epochs);
    summary.epoch_seconds.push_back(record.seconds);
    profile.add(record);
    summary.final_loss = record.loss;
    last_epoch = record.epoch;
    // Every rank must agree to stop at the same epoch, whichever got the signal.
    stopped = world.allreduce_max(stop_requested() ? 1 : 0) != 0;
    if (stopped || checkpoints.due(record.epoch)) {
      checkpoints.save(trainer, record.epoch, metrics.text());
    }
    watchdog.step_done(step.seconds(), fmt::format("epoch {}", record.epoch + 1));
    step.restart();
    return !stopped;
  });
  watchdog.progress("the test evaluation and the outputs");
  if (stopped) {
    log::info(
        "stopped by a signal after epoch {}; the checkpoint is written; exit code {} "
        "(requeue and run again with --resume)",
        last_epoch, kExitCheckpointed);
    return kExitCheckpointed;
  }
  finish_run(config, meta, trainer, profile, summary, world);
  return kExitOk;
}

}  // namespace distgae
