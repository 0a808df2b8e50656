// `distgae info DIR`: a dataset's summary, as a table for people or JSON for scripts.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "io/dataset.hpp"

namespace distgae {
namespace {

struct InfoFlags {
  std::string path;
  bool json = false;
};

nlohmann::json dataset_json(const DatasetMeta& meta) {
  const PartitionStatistics& s = meta.stats;
  nlohmann::json parts = nlohmann::json::array();
  for (int p = 0; p < meta.num_parts; ++p) {
    parts.push_back({{"part", p},
                     {"owned", s.owned[p]},
                     {"interior", s.interior[p]},
                     {"halo", s.halo[p]},
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
          {"per_part", parts}};
}

void print_dataset(const std::string& dir, const DatasetMeta& meta) {
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
  fmt::print("{:>6} {:>12} {:>12} {:>12} {:>14} {:>12}\n", "part", "owned", "interior", "halo",
             "local_edges", "train_edges");
  for (int p = 0; p < meta.num_parts; ++p) {
    fmt::print("{:>6} {:>12} {:>12} {:>12} {:>14} {:>12}\n", p, s.owned[p], s.interior[p],
               s.halo[p], s.local_edges[p], s.train_edges[p]);
  }
  fmt::print("\nedge cut             {} of {} training edges ({:.2f}%)\n", s.edge_cut,
             meta.num_train_edges,
             meta.num_train_edges > 0 ? 100.0 * static_cast<double>(s.edge_cut) /
                                            static_cast<double>(meta.num_train_edges)
                                      : 0.0);
  fmt::print("communication volume {} halo rows per exchange (summed over parts)\n", s.comm_volume);
  fmt::print("imbalance            {:.4f} (max owned / mean owned)\n", s.imbalance);
}

int run_info(const InfoFlags& flags) {
  const DatasetMeta meta = read_dataset_meta(flags.path);
  if (flags.json) {
    fmt::print("{}\n", dataset_json(meta).dump());
  } else {
    print_dataset(flags.path, meta);
  }
  return kExitOk;
}

}  // namespace

void add_info_command(CLI::App& app, CommandAction& action) {
  auto flags = std::make_shared<InfoFlags>();
  CLI::App* cmd = app.add_subcommand("info", "Print the summary of a dataset directory");
  cmd->add_option("path", flags->path, "Dataset directory")->required();
  cmd->add_flag("--json", flags->json, "One JSON object instead of the table");
  cmd->callback([flags, &action] { action = [flags] { return run_info(*flags); }; });
}

}  // namespace distgae
