// `distgae info PATH`: the summary of a dataset directory, a run directory, a checkpoint or an
// embeddings file (view or shard), as a table for people or JSON for scripts.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "io/checkpoint_file.hpp"
#include "io/dataset.hpp"
#include "io/embedding_export.hpp"
#include "train/halo_traffic.hpp"

namespace distgae {
namespace {

struct InfoFlags {
  std::string path;
  bool json = false;
  std::string model_name = "gae";
  EncoderShape model;  // for the halo traffic a training epoch will send
};

// Rows part p sends per exchange; -1 when the dataset predates the statistic.
std::int64_t sent_rows(const PartitionStatistics& s, int p) {
  return s.sent.empty() ? -1 : s.sent[static_cast<std::size_t>(p)];
}

std::int64_t predicted_halo_bytes(const PartitionStatistics& s, int p, const EncoderShape& model) {
  const std::int64_t sent = sent_rows(s, p);
  return sent < 0 ? -1 : halo_bytes_per_epoch(sent, model);
}

std::string model_description(const EncoderShape& model) {
  return fmt::format("{} {}/{}", model.kind == ModelKind::kVgae ? "VGAE" : "GAE", model.hidden,
                     model.latent);
}

nlohmann::json dataset_json(const DatasetMeta& meta, const EncoderShape& model) {
  const PartitionStatistics& s = meta.stats;
  nlohmann::json parts = nlohmann::json::array();
  for (int p = 0; p < meta.num_parts; ++p) {
    parts.push_back({{"part", p},
                     {"owned", s.owned[p]},
                     {"interior", s.interior[p]},
                     {"halo", s.halo[p]},
                     {"sent", sent_rows(s, p)},
                     {"halo_bytes_per_epoch", predicted_halo_bytes(s, p, model)},
                     {"local_edges", s.local_edges[p]},
                     {"train_edges", s.train_edges[p]}});
  }
  return {{"kind", "dataset"},
          {"nodes", meta.num_nodes},
          {"edges", meta.num_edges},
          {"train_edges", meta.num_train_edges},
          {"val_edges", meta.num_val_edges},
          {"test_edges", meta.num_test_edges},
          {"feature_dim", meta.feature_dim},
          {"seed", meta.seed},
          {"parts", meta.num_parts},
          {"partitioner", meta.partitioner},
          {"objective", meta.objective},
          {"edge_cut", s.edge_cut},
          {"comm_volume", s.comm_volume},
          {"imbalance", s.imbalance},
          {"graph_fingerprint", meta.graph_fingerprint},
          {"halo_bytes_model", model_description(model)},
          {"per_part", parts}};
}

void print_dataset(const std::string& dir, const DatasetMeta& meta, const EncoderShape& model) {
  const PartitionStatistics& s = meta.stats;
  fmt::print("dataset      {}\n", dir);
  fmt::print("source       {}{}\n", meta.source_graph,
             meta.source_features.empty() ? "" : " + " + meta.source_features);
  fmt::print("nodes        {}\n", meta.num_nodes);
  fmt::print("edges        {} undirected ({} self loops dropped, {} duplicates merged)\n",
             meta.num_edges, meta.self_loops_dropped, meta.duplicates_merged);
  fmt::print("features     {}\n", meta.feature_dim > 0 ? std::to_string(meta.feature_dim) : "none");
  if (meta.split) {
    fmt::print("split        seed {}: train {}, val {} + {} neg, test {} + {} neg\n", meta.seed,
               meta.num_train_edges, meta.num_val_edges, meta.num_val_edges, meta.num_test_edges,
               meta.num_test_edges);
  } else {
    fmt::print("split        none: all {} edges train\n", meta.num_train_edges);
  }
  fmt::print("parts        {} ({}{})\n", meta.num_parts, meta.partitioner,
             meta.objective.empty() ? "" : ", objective " + meta.objective);
  fmt::print("fingerprint  {}\n\n", meta.graph_fingerprint);
  fmt::print("{:>6} {:>12} {:>12} {:>12} {:>12} {:>14} {:>12} {:>16}\n", "part", "owned",
             "interior", "halo", "sent", "local_edges", "train_edges", "halo_bytes/epoch");
  for (int p = 0; p < meta.num_parts; ++p) {
    const std::int64_t sent = sent_rows(s, p);
    const std::int64_t bytes = predicted_halo_bytes(s, p, model);
    fmt::print("{:>6} {:>12} {:>12} {:>12} {:>12} {:>14} {:>12} {:>16}\n", p, s.owned[p],
               s.interior[p], s.halo[p], sent < 0 ? "n/a" : std::to_string(sent), s.local_edges[p],
               s.train_edges[p], bytes < 0 ? "n/a" : std::to_string(bytes));
  }
  fmt::print(
      "(halo_bytes/epoch: what the rank sends through the halo exchange per epoch for {}: "
      "(sent + halo) rows x (hidden + heads x latent) x 4 bytes)\n",
      model_description(model));
  fmt::print("\nedge cut             {} of {} training edges ({:.2f}%)\n", s.edge_cut,
             meta.num_train_edges,
             meta.num_train_edges > 0 ? 100.0 * static_cast<double>(s.edge_cut) /
                                            static_cast<double>(meta.num_train_edges)
                                      : 0.0);
  fmt::print("communication volume {} halo rows per exchange (summed over parts)\n", s.comm_volume);
  fmt::print("imbalance            {:.4f} (max owned / mean owned)\n", s.imbalance);
}

// The metrics text's lines: how many, and the last one.
struct MetricLines {
  std::int64_t count = 0;
  std::string last;
};

MetricLines metric_lines(const std::string& text) {
  MetricLines lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (line.empty()) continue;
    ++lines.count;
    lines.last = std::move(line);
  }
  return lines;
}

nlohmann::json checkpoint_json(const std::string& path, const CheckpointSummary& summary) {
  const CheckpointState& s = summary.state;
  const MetricLines metrics = metric_lines(s.metrics_jsonl);
  nlohmann::json last = nlohmann::json::parse(metrics.last, nullptr, false);
  if (last.is_discarded()) last = metrics.last;  // keep what is there, even if not JSON
  return {{"kind", "checkpoint"},
          {"path", path},
          {"epoch", s.epoch},
          {"model", s.model},
          {"input_dim", s.input_dim},
          {"hidden", s.hidden},
          {"latent", s.latent},
          {"seed", s.seed},
          {"num_nodes", s.num_nodes},
          {"graph_fingerprint", s.graph_fingerprint},
          {"num_ranks", s.num_ranks},
          {"adam_steps", s.adam_steps},
          {"featureless", summary.featureless},
          {"num_parameters", summary.num_parameters},
          {"metric_lines", metrics.count},
          {"last_metrics", last}};
}

void print_checkpoint(const std::string& path, const CheckpointSummary& summary) {
  const CheckpointState& s = summary.state;
  const MetricLines metrics = metric_lines(s.metrics_jsonl);
  fmt::print("checkpoint   {}\n", path);
  fmt::print("epoch        {}\n", s.epoch);
  fmt::print(
      "model        {}: {} → {} → {}\n", s.model,
      summary.featureless ? "learnable node rows" : std::to_string(s.input_dim) + " features",
      s.hidden, s.latent);
  fmt::print("featureless  {}\n", summary.featureless ? "yes" : "no");
  fmt::print("seed         {}\n", s.seed);
  fmt::print("nodes        {}\n", s.num_nodes);
  fmt::print("fingerprint  {}\n", s.graph_fingerprint);
  fmt::print("ranks        {} (that wrote it; it resumes on any number)\n", s.num_ranks);
  fmt::print("parameters   {}\n", summary.num_parameters);
  fmt::print("adam steps   {}\n", s.adam_steps);
  fmt::print("metrics      {} lines{}\n", metrics.count, metrics.count > 0 ? "; the last:" : "");
  if (metrics.count > 0) fmt::print("  {}\n", metrics.last);
}

// NaN (no test split) prints as "n/a" and goes to JSON as null.
std::string score_text(double score) {
  return std::isnan(score) ? "n/a" : fmt::format("{:.4f}", score);
}
nlohmann::json score_json(double score) {
  return std::isnan(score) ? nlohmann::json(nullptr) : nlohmann::json(score);
}

nlohmann::json embeddings_json(const EmbeddingsSummary& e,
                               const std::vector<std::string>& checkpoints) {
  nlohmann::json shards = nlohmann::json::array();
  for (const EmbeddingSource& shard : e.shards) {
    shards.push_back({{"file", shard.file}, {"rows", shard.rows}, {"exists", shard.exists}});
  }
  nlohmann::json json = {{"kind", "embeddings"},
                         {"path", e.path},
                         {"view", e.is_view},
                         {"rows", e.rows},
                         {"latent", e.latent},
                         {"hidden", e.hidden},
                         {"model", e.model},
                         {"logstd", e.has_logstd},
                         {"epoch", e.epoch},
                         {"seed", e.seed},
                         {"test_auc", score_json(e.test_auc)},
                         {"test_ap", score_json(e.test_ap)},
                         {"graph_fingerprint", e.graph_fingerprint},
                         {"shards", shards}};
  if (e.part >= 0) json["part"] = e.part;
  if (e.num_parts > 0) json["num_parts"] = e.num_parts;
  if (!checkpoints.empty()) json["checkpoints"] = checkpoints;
  return json;
}

void print_embeddings(const EmbeddingsSummary& e, const std::vector<std::string>& checkpoints) {
  const std::string what = e.is_view     ? fmt::format("view over {} shards", e.shards.size())
                           : e.part >= 0 ? fmt::format("shard {} of {}", e.part, e.num_parts)
                                         : std::string("one file");
  fmt::print("embeddings   {} ({})\n", e.path, what);
  fmt::print("model        {} (hidden {}, latent {}{})\n", e.model, e.hidden, e.latent,
             e.has_logstd ? ", with logstd" : "");
  fmt::print("rows         {}\n", e.rows);
  fmt::print("latent       {}\n", e.latent);
  fmt::print("epoch        {}\n", e.epoch);
  fmt::print("seed         {}\n", e.seed);
  fmt::print("test AUC     {}\n", score_text(e.test_auc));
  fmt::print("test AP      {}\n", score_text(e.test_ap));
  fmt::print("fingerprint  {}\n", e.graph_fingerprint);
  for (std::size_t i = 0; i < e.shards.size(); ++i) {
    const EmbeddingSource& shard = e.shards[i];
    fmt::print("{:<13}{} ({} rows){}\n", i == 0 ? "shards" : "", shard.file, shard.rows,
               shard.exists ? "" : " MISSING");
  }
  if (!checkpoints.empty()) {
    fmt::print("checkpoints  {}, the newest {}\n", checkpoints.size(), checkpoints.front());
  }
}

int info_on_embeddings(const std::string& path, const std::vector<std::string>& checkpoints,
                       bool json) {
  const EmbeddingsSummary summary = read_embeddings_summary(path);
  if (json) {
    fmt::print("{}\n", embeddings_json(summary, checkpoints).dump());
  } else {
    print_embeddings(summary, checkpoints);
  }
  return kExitOk;
}

// Every array read back and checked (checksums from format version 2): what a resume would
// check, so a damaged checkpoint is found before a job counts on it.
int info_on_checkpoint(const std::string& path, bool json) {
  const CheckpointSummary summary = read_checkpoint_summary(path);
  const std::string problem = checkpoint_problem(path);
  const bool checksummed = summary.state.format_version >= 2;
  const std::string verdict = !problem.empty() ? "no"
                              : checksummed    ? "yes (every array against its checksum)"
                                               : "not verifiable (format version 1: no checksums)";
  if (json) {
    nlohmann::json out = checkpoint_json(path, summary);
    out["verified"] = problem.empty() && checksummed;
    if (!problem.empty()) out["problem"] = problem;
    fmt::print("{}\n", out.dump());
  } else {
    print_checkpoint(path, summary);
    fmt::print("verified     {}\n", verdict);
  }
  std::fflush(stdout);
  if (!problem.empty()) throw InputError(problem);
  return kExitOk;
}

int info_on_dataset(const std::string& dir, const InfoFlags& flags) {
  const DatasetMeta meta = read_dataset_meta(dir);
  if (flags.json) {
    fmt::print("{}\n", dataset_json(meta, flags.model).dump());
  } else {
    print_dataset(dir, meta, flags.model);
  }
  return kExitOk;
}

// A dataset directory (meta.h5), a run directory (its embeddings, else its newest checkpoint)
// or an embeddings directory; anything else gets the dataset reader's error.
int info_on_directory(const std::string& dir, const InfoFlags& flags) {
  const bool json = flags.json;
  namespace fs = std::filesystem;
  std::error_code ignored;
  if (fs::exists(fs::path(dir) / "meta.h5", ignored)) return info_on_dataset(dir, flags);
  const std::vector<std::string> checkpoints =
      list_checkpoints((fs::path(dir) / "checkpoints").string());
  for (const fs::path& view :
       {fs::path(dir) / "embeddings" / "embeddings.h5", fs::path(dir) / "embeddings.h5"}) {
    if (fs::exists(view, ignored)) return info_on_embeddings(view.string(), checkpoints, json);
  }
  if (!checkpoints.empty()) return info_on_checkpoint(checkpoints.front(), json);
  return info_on_dataset(dir, flags);
}

int run_info(const InfoFlags& flags) {
  namespace fs = std::filesystem;
  std::error_code ignored;
  if (fs::is_directory(flags.path, ignored)) return info_on_directory(flags.path, flags);
  if (!fs::exists(flags.path, ignored)) {
    throw InputError(at_file(flags.path, "no such file or directory"));
  }
  if (is_checkpoint_file(flags.path)) return info_on_checkpoint(flags.path, flags.json);
  if (is_embeddings_file(flags.path)) return info_on_embeddings(flags.path, {}, flags.json);
  throw InputError(at_file(flags.path,
                           "not a distgae checkpoint or embeddings file (for a dataset, give "
                           "its directory)"));
}

}  // namespace

void add_info_command(CLI::App& app, CommandAction& action) {
  auto flags = std::make_shared<InfoFlags>();
  CLI::App* cmd = app.add_subcommand(
      "info",
      "Print the summary of a dataset or run directory, a checkpoint or an embeddings file");
  cmd->add_option("path", flags->path,
                  "Dataset directory, run directory, checkpoint file or embeddings file")
      ->required();
  cmd->add_flag("--json", flags->json, "One JSON object instead of the table");
  cmd->add_option("--model", flags->model_name,
                  "Datasets: the model whose halo traffic per epoch to predict (gae or vgae)")
      ->capture_default_str()
      ->check(CLI::IsMember({"gae", "vgae"}))
      ->each([flags](const std::string& name) {
        flags->model.kind = name == "vgae" ? ModelKind::kVgae : ModelKind::kGae;
      });
  cmd->add_option("--hidden", flags->model.hidden, "Datasets: --hidden of that model")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--latent", flags->model.latent, "Datasets: --latent of that model")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->callback([flags, &action] { action = [flags] { return run_info(*flags); }; });
}

}  // namespace distgae
