// What a training run leaves in RUN_DIR: metrics.jsonl (a line per epoch, written as it goes),
// embeddings/ (a shard per rank plus embeddings.h5, a view over them; written under a
// temporary name and renamed when complete) and summary.json (the run's figures, last).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "io/dataset.hpp"
#include "train/link_metrics.hpp"
#include "train/trainer.hpp"
#include "train/training_config.hpp"

namespace distgae {

// metrics.jsonl on rank 0 (other ranks hold an inactive log). Every failure to write names the
// file and, when the system said, why (a full disk); the file is left holding whole lines only.
class MetricsLog {
 public:
  // Collective. Starts metrics.jsonl with `previous` (a resumed run's lines up to its
  // checkpoint), written aside and renamed over the old file, which a failure leaves intact.
  MetricsLog(const std::string& run_dir, const Communicator& world,
             const std::string& previous = "");
  // Appends the epoch's line (rank 0). A failed write is cut back off the file and thrown on
  // rank 0 alone (agreeing every epoch would cost a collective per epoch): main ends the job.
  void write(const EpochRecord& record);
  // Every line so far (rank 0), for checkpoints.
  const std::string& text() const { return text_; }

 private:
  std::ofstream out_;
  std::string path_;
  std::string text_;
};

// Collective. Writes embeddings/ for the trainer's current μ (and log σ for VGAE). Throws,
// writing nothing, when any rank's rows are not finite; a failure to write on any rank (a full
// disk) throws the same error on every rank and leaves no embeddings/ but a previous one.
void write_embeddings(const std::string& run_dir, const Trainer& trainer, const DatasetMeta& meta,
                      const TrainingConfig& config, std::int64_t epoch, RankingMetrics test,
                      const Communicator& world);

// This rank's per-epoch figures, for the per-phase medians `bench/epoch.sh` prints.
class EpochProfile {
 public:
  void add(const EpochRecord& record);
  // The epochs a profile skips before its medians: the first epochs touch fresh memory and
  // warm the caches (a quarter of the run, at most 5).
  std::int64_t warmup_epochs() const;
  // [median step seconds, median bytes sent by this rank, mean seconds of an evaluation (0 when
  // none), median halo-exchange bytes sent by this rank, then each phase's median seconds in
  // Phase order]; medians over the epochs after the warm-up.
  std::vector<double> rank_figures() const;
  static constexpr std::size_t kFigures = 4 + kPhaseCount;

 private:
  std::vector<double> step_seconds_, bytes_sent_, evaluation_seconds_, halo_bytes_;
  std::vector<PhaseSeconds> phases_;
};

struct RunSummary {
  RankingMetrics test;
  std::vector<double> epoch_seconds;
  std::vector<double> peak_rss_bytes;  // per rank
  double final_loss = 0.0;
  std::int64_t profile_warmup_epochs = 0;
  std::vector<double> profile_figures;  // EpochProfile::rank_figures() of each rank, rank order
};

// Collective: rank 0 writes summary.json (config, dataset, test metrics, median epoch time,
// memory), complete or not at all; its failure is every rank's.
void write_summary(const std::string& run_dir, const RunSummary& summary, const DatasetMeta& meta,
                   const TrainingConfig& config, const Communicator& world);

double median(std::vector<double> values);

}  // namespace distgae
