// `distgae generate sbm|rmat`: flags → SbmParams / RmatParams → write_*_dataset.
//
// A single-process command (OpenMP threads, --threads): it starts no MPI, and refuses to run as
// several ranks of one launch, where every rank would write the same directory.
#include <cstdlib>
#include <memory>
#include <optional>

#include "app/commands.hpp"
#include "app/flag_checks.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/memory.hpp"
#include "core/timer.hpp"
#include "generate/synthetic_dataset.hpp"

namespace distgae {
namespace {

struct GenerateFlags {
  std::string out;
  GenerateOptions options;
};

struct SbmFlags {
  GenerateFlags common;
  SbmParams params;
  std::optional<std::int64_t> feature_nnz;  // default: min(8, --features)
};

struct RmatFlags {
  GenerateFlags common;
  RmatParams params;
};

constexpr std::int64_t kDefaultFeatureNnz = 8;
constexpr double kMiB = 1024.0 * 1024.0;

// Ranks in this launch, from the variables MPI launchers set (Open MPI, MPICH/Hydra, PMI-2).
int launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return 1;
}

void refuse_several_ranks() {
  const int ranks = launched_ranks();
  if (ranks > 1) {
    throw InputError(fmt::format(
        "generate runs as one process ({} were launched): run it without mpirun, with --threads "
        "for more cores",
        ranks));
  }
}

void log_result(const std::string& out, const GeneratedDataset& result, const Stopwatch& total) {
  log::info("wrote {}: {} nodes, {} edges; {}", out, result.nodes, result.edges, result.details);
  for (const WrittenFile& file : result.files) {
    log::info("  {:<13} {:>10.1f} MiB  {} lines", file.name, static_cast<double>(file.bytes) / kMiB,
              file.lines);
  }
  log::info("{:.2f} s with {} thread{}, peak memory {:.0f} MiB", total.seconds(), result.threads,
            result.threads == 1 ? "" : "s", static_cast<double>(peak_rss_bytes()) / kMiB);
}

int run_sbm(SbmFlags flags) {
  refuse_several_ranks();
  SbmParams& p = flags.params;
  p.feature_nnz = flags.feature_nnz.value_or(std::min(kDefaultFeatureNnz, p.features));
  Stopwatch total;
  const GeneratedDataset result = write_sbm_dataset(p, flags.common.out, flags.common.options);
  log_result(flags.common.out, result, total);
  return kExitOk;
}

int run_rmat(const RmatFlags& flags) {
  refuse_several_ranks();
  Stopwatch total;
  const GeneratedDataset result =
      write_rmat_dataset(flags.params, flags.common.out, flags.common.options);
  log_result(flags.common.out, result, total);
  return kExitOk;
}

void add_common_options(CLI::App& cmd, GenerateFlags& flags) {
  cmd.add_option("--out", flags.out, "Data set directory to create (edges.txt, ...)")->required();
  cmd.add_option("--threads", flags.options.threads,
                 "OpenMP threads (0: OMP_NUM_THREADS, else every core); the files are the same "
                 "for any number")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--name", flags.options.name,
                 "Name in the edge list's header (default: the --out directory's name)");
  cmd.add_flag("--force", flags.options.overwrite, "Replace --out if it exists");
}

void add_sbm_command(CLI::App& generate, CommandAction& action) {
  auto flags = std::make_shared<SbmFlags>();
  SbmParams& p = flags->params;
  p.communities = 16;
  CLI::App* cmd = generate.add_subcommand(
      "sbm",
      "Stochastic block model: N nodes in C communities (node u in community u mod C), exactly "
      "M distinct edges, community-correlated sparse features; edges.txt, features.mtx, "
      "labels.txt");
  cmd->add_option("--nodes", p.nodes, "Number of nodes N (ids 0..N-1)")->required();
  cmd->add_option("--edges", p.edges, "Number of distinct undirected edges M, written exactly")
      ->required();
  cmd->add_option("--communities", p.communities, "Number of communities C (equal sizes +-1)")
      ->capture_default_str();
  cmd->add_option("--intra-fraction", p.intra_fraction,
                  "Share of the edges inside communities (the rest join different ones)")
      ->capture_default_str();
  cmd->add_option("--features", p.features, "Feature columns D (0: no features.mtx)")
      ->capture_default_str();
  cmd->add_option("--feature-nnz", flags->feature_nnz,
                  "Nonzeros (1.0) per feature row K (default: min(8, D))");
  cmd->add_option("--feature-signal", p.feature_signal,
                  "Expected share of a row's nonzeros among its community's preferred columns "
                  "(the rest uniform over all D)")
      ->capture_default_str();
  cmd->add_option("--seed", p.seed, "Seed: the same seed and flags give the same files")
      ->capture_default_str()
      ->check(seed_check());
  add_common_options(*cmd, flags->common);
  cmd->callback([flags, &action] { action = [flags] { return run_sbm(*flags); }; });
}

void add_rmat_command(CLI::App& generate, CommandAction& action) {
  auto flags = std::make_shared<RmatFlags>();
  RmatParams& p = flags->params;
  CLI::App* cmd = generate.add_subcommand(
      "rmat",
      "R-MAT with the Graph500 parameters (a, b, c, d = 0.57, 0.19, 0.19, 0.05), ids shuffled, "
      "self loops and duplicates dropped; edges.txt only (no features)");
  cmd->add_option("--scale", p.scale, "log2 of the number of nodes (2^scale ids)")->required();
  cmd->add_option("--edge-factor", p.edge_factor,
                  "Edge samples per node (fewer distinct edges remain after deduplication)")
      ->capture_default_str();
  cmd->add_option("--seed", p.seed, "Seed: the same seed and flags give the same file")
      ->capture_default_str()
      ->check(seed_check());
  add_common_options(*cmd, flags->common);
  cmd->callback([flags, &action] { action = [flags] { return run_rmat(*flags); }; });
}

}  // namespace

void add_generate_command(CLI::App& app, CommandAction& action) {
  CLI::App* generate = app.add_subcommand(
      "generate",
      "Write a seeded synthetic graph in the format `distgae partition` reads (streamed, one "
      "process, OpenMP threads)");
  generate->require_subcommand(1);
  add_sbm_command(*generate, action);
  add_rmat_command(*generate, action);
}

}  // namespace distgae
