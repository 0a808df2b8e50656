// `distgae export RUN_DIR|embeddings.h5 --sorted OUT`: the embeddings as one file ordered by the
// user's node ids (HDF5, or CSV with --format csv). The work is in io/embedding_export.
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "io/embedding_export.hpp"

namespace distgae {
namespace {

struct ExportFlags {
  std::string input;
  std::string output;
  std::string format = "h5";
  bool force = false;
};

int run_export(const ExportFlags& flags) {
  const std::string source = resolve_embeddings_path(flags.input);
  const ExportFormat format = flags.format == "csv" ? ExportFormat::kCsv : ExportFormat::kHdf5;
  const std::int64_t rows = export_sorted_embeddings(source, flags.output, format, flags.force);
  log::info("wrote {} ({} rows sorted by node_id, from {})", flags.output, rows, source);
  return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& app, CommandAction& action) {
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write a run's embeddings as one file sorted by node id (HDF5 or CSV)");
  cmd->add_option("input", flags->input,
                  "Run directory (reads RUN/embeddings/embeddings.h5) or an embeddings file")
      ->required();
  cmd->add_option("--sorted", flags->output, "Output file, rows in ascending node_id order")
      ->required();
  cmd->add_option("--format", flags->format,
                  "h5: node_id, embedding (and logstd) datasets; csv: node_id,e0,e1,...")
      ->capture_default_str()
      ->check(CLI::IsMember({"h5", "csv"}));
  cmd->add_flag("--force", flags->force, "Replace the output if it exists");
  cmd->callback([flags, &action] { action = [flags] { return run_export(*flags); }; });
}

}  // namespace distgae
