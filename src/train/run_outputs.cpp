#include "train/run_outputs.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "comm/agreement.hpp"
#include "core/error.hpp"
#include "core/fault_injection.hpp"
#include "io/embedding_files.hpp"
#include "io/staged_directory.hpp"
#include "io/storage_errors.hpp"

namespace distgae {
namespace fs = std::filesystem;

namespace {

// JSON has no NaN: a metric that does not exist (no split) is null.
nlohmann::json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

void check_finite(const Matrix& rows, const Communicator& world) {
  const std::int64_t bad = rows.allFinite() ? 0 : 1;
  if (world.allreduce_sum(bad) != 0) {
    throw std::runtime_error(
        "the final embeddings are not finite (training diverged); "
        "nothing was written; try a lower --lr");
  }
}

std::vector<float> copy_rows(const Matrix& rows) {
  return {rows.data(), rows.data() + rows.size()};
}

}  // namespace

MetricsLog::MetricsLog(const std::string& run_dir, const Communicator& world,
                       const std::string& previous) {
  // Rank 0 alone writes, but every rank constructs the log: a failure ends the job with one line.
  agree_on_root_errors(world, [&] {
    path_ = (fs::path(run_dir) / "metrics.jsonl").string();
    // The lines up to a resumed checkpoint are written aside and renamed over the old file, so
    // a failure (a full disk) leaves the previous metrics.jsonl as it was.
    const std::string temporary = (fs::path(run_dir) / ".metrics.jsonl.tmp").string();
    try {
      errno = 0;
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << previous;
      out.close();
      if (!out) throw std::runtime_error(at_file(temporary, "write failed"));
      fs::rename(temporary, path_);
    } catch (const std::runtime_error& error) {
      const std::string cause = storage_failure_cause(temporary);
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw std::runtime_error(error.what() + cause);
    }
    out_.open(path_, std::ios::binary | std::ios::app);
    if (!out_) throw std::runtime_error(at_file(path_, "cannot open to append"));
    text_ = previous;
  });
}

void MetricsLog::write(const EpochRecord& record) {
  if (!out_.is_open()) return;
  nlohmann::json line = {{"epoch", record.epoch},
                         {"loss", number_or_null(record.loss)},
                         {"reconstruction", number_or_null(record.reconstruction)},
                         {"kl", number_or_null(record.kl)},
                         {"epoch_s", record.seconds},
                         {"compute_s", record.compute_seconds},
                         {"comm_s", record.comm_seconds},
                         {"bytes_sent", record.bytes_sent}};
  if (record.val) {
    line["val_auc"] = number_or_null(record.val->auc);
    line["val_ap"] = number_or_null(record.val->ap);
    line["evaluation_s"] = record.evaluation_seconds;
  }
  nlohmann::json phases = nlohmann::json::object();  // rank 0's
  for (int phase = 0; phase < kPhaseCount; ++phase) {
    const double seconds = record.phases[static_cast<std::size_t>(phase)];
    if (seconds > 0.0) phases[std::string(phase_name(static_cast<Phase>(phase)))] = seconds;
  }
  line["phases_s"] = std::move(phases);
  const std::string text = line.dump() + '\n';
  errno = 0;
  out_ << text;
  out_.flush();  // a person (or a script) can follow the run with tail -f
  if (!out_) {
    // Part of the line may have reached the file: cut it back to the lines before, so that
    // metrics.jsonl never ends in a partial line (a truncation needs no free space).
    const std::string cause = storage_failure_cause(path_);
    out_.close();
    std::error_code ignored;
    fs::resize_file(path_, text_.size(), ignored);
    throw std::runtime_error(at_file(path_, "write failed" + cause));
  }
  text_ += text;
}

void write_embeddings(const std::string& run_dir, const Trainer& trainer, const DatasetMeta& meta,
                      const TrainingConfig& config, std::int64_t epoch, RankingMetrics test,
                      const Communicator& world) {
  const bool vgae = config.model == ModelKind::kVgae;
  check_finite(trainer.mu(), world);
  if (vgae) check_finite(trainer.logstd(), world);

  EmbeddingAttributes attributes;
  attributes.model = model_name(config.model);
  attributes.latent = config.latent;
  attributes.hidden = config.hidden;
  attributes.epoch = epoch;
  attributes.seed = config.seed;
  attributes.test_auc = test.auc;
  attributes.test_ap = test.ap;
  attributes.graph_fingerprint = meta.graph_fingerprint;

  // Each step agreed, so a failure on any rank (a full disk, an I/O error) reaches rank 0,
  // whose StagedDirectory then removes the staging directory as the error unwinds.
  const fs::path final_dir = fs::path(run_dir) / "embeddings";
  std::unique_ptr<StagedDirectory> staged;
  std::string staging;
  agree_on_root_errors(world, [&] {
    with_storage_cause(
        [&] {
          staged = std::make_unique<StagedDirectory>(final_dir, true);
          staging = staged->staging_path().string();
        },
        final_dir.string());
  });
  staging = world.broadcast(staging);

  const PartData& part = trainer.part();
  agree_on_errors(world, [&] {
    EmbeddingShard shard;
    shard.part = part.part;
    shard.num_parts = part.num_parts;
    shard.node_id.assign(part.node_id.begin(), part.node_id.begin() + part.n_owned);
    shard.embedding = copy_rows(trainer.mu());
    if (vgae) shard.logstd = copy_rows(trainer.logstd());
    const std::string shard_path = (fs::path(staging) / embedding_shard_name(part.part)).string();
    with_storage_cause([&] { write_embedding_shard(shard_path, shard, config.latent, attributes); },
                       shard_path);
    fault_injection_point("write_embeddings", world.rank());
  });
  agree_on_root_errors(world, [&] {
    with_storage_cause(
        [&] {
          write_embedding_view((fs::path(staging) / "embeddings.h5").string(), meta.part_offsets,
                               config.latent, vgae, attributes);
          staged->commit();
        },
        staging + "/embeddings.h5");
  });
}

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

void EpochProfile::add(const EpochRecord& record) {
  step_seconds_.push_back(record.seconds);
  bytes_sent_.push_back(static_cast<double>(record.rank_bytes_sent));
  halo_bytes_.push_back(static_cast<double>(record.rank_halo_bytes));
  phases_.push_back(record.phases);
  if (record.val) evaluation_seconds_.push_back(record.evaluation_seconds);
}

std::int64_t EpochProfile::warmup_epochs() const {
  return std::min<std::int64_t>(5, static_cast<std::int64_t>(step_seconds_.size()) / 4);
}

std::vector<double> EpochProfile::rank_figures() const {
  const auto skip = static_cast<std::ptrdiff_t>(warmup_epochs());
  const auto steady = [skip](const std::vector<double>& values) {
    return median(std::vector<double>(values.begin() + skip, values.end()));
  };
  std::vector<double> figures{steady(step_seconds_), steady(bytes_sent_), 0.0};
  if (!evaluation_seconds_.empty()) {
    double total = 0.0;
    for (const double seconds : evaluation_seconds_) total += seconds;
    figures[2] = total / static_cast<double>(evaluation_seconds_.size());
  }
  figures.push_back(steady(halo_bytes_));
  for (int phase = 0; phase < kPhaseCount; ++phase) {
    std::vector<double> values;
    for (auto epoch = phases_.begin() + skip; epoch < phases_.end(); ++epoch) {
      values.push_back((*epoch)[static_cast<std::size_t>(phase)]);
    }
    figures.push_back(median(std::move(values)));
  }
  return figures;
}

namespace {

// summary.json's "profile": per rank, medians after the warm-up of the step and of its phases.
nlohmann::json profile_json(const RunSummary& summary) {
  nlohmann::json ranks = nlohmann::json::array();
  const std::size_t stride = EpochProfile::kFigures;
  for (std::size_t r = 0; r + stride <= summary.profile_figures.size(); r += stride) {
    const double* f = summary.profile_figures.data() + r;
    nlohmann::json phases = nlohmann::json::object();
    for (int phase = 0; phase < kPhaseCount; ++phase) {
      if (static_cast<Phase>(phase) == Phase::kEvaluation) continue;  // outside the step
      phases[std::string(phase_name(static_cast<Phase>(phase)))] = f[4 + phase];
    }
    ranks.push_back({{"epoch_s", f[0]},
                     {"bytes_sent", static_cast<std::int64_t>(f[1])},
                     {"evaluation_s", f[2]},
                     {"halo_bytes_sent", static_cast<std::int64_t>(f[3])},
                     {"phases_s", phases}});
  }
  return {{"warmup_epochs", summary.profile_warmup_epochs},
          {"statistic", "median over the epochs after the warm-up (evaluation: mean)"},
          {"per_rank", ranks}};
}

// summary.json, written aside, closed, fsynced and renamed: complete or absent, never partial.
void write_summary_file(const std::string& run_dir, const RunSummary& summary,
                        const DatasetMeta& meta, const TrainingConfig& config, int ranks) {
  const nlohmann::json json = {{"model", model_name(config.model)},
                               {"decoder", decoder_name(config.decoder)},
                               {"ranks", ranks},
                               {"threads", config.threads},
                               {"epochs", config.epochs},
                               {"lr", config.learning_rate},
                               {"hidden", config.hidden},
                               {"latent", config.latent},
                               {"negatives", config.negatives},
                               {"seed", config.seed},
                               {"nodes", meta.num_nodes},
                               {"train_edges", meta.num_train_edges},
                               {"feature_dim", meta.feature_dim},
                               {"graph_fingerprint", meta.graph_fingerprint},
                               {"test_auc", number_or_null(summary.test.auc)},
                               {"test_ap", number_or_null(summary.test.ap)},
                               {"final_loss", number_or_null(summary.final_loss)},
                               {"median_epoch_s", median(summary.epoch_seconds)},
                               {"peak_rss_bytes_per_rank", summary.peak_rss_bytes},
                               {"profile", profile_json(summary)}};
  const fs::path path = fs::path(run_dir) / "summary.json";
  const fs::path temporary = fs::path(run_dir) / ".summary.json.tmp";
  try {
    with_storage_cause(
        [&] {
          std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
          out << json.dump(2) << '\n';
          out.close();  // a buffered write fails here, if at all: checked, not left to a destructor
          if (!out) throw std::runtime_error(at_file(path.string(), "write failed"));
          fsync_path(temporary);
          fs::rename(temporary, path);
        },
        path.string());
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

}  // namespace

void write_summary(const std::string& run_dir, const RunSummary& summary, const DatasetMeta& meta,
                   const TrainingConfig& config, const Communicator& world) {
  agree_on_root_errors(world,
                       [&] { write_summary_file(run_dir, summary, meta, config, world.size()); });
}

}  // namespace distgae
