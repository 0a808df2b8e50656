// distgae: one binary, one subcommand per job step. Errors are caught here, once, and printed as
// one line; bad input exits with 2, anything else with 1. Under MPI an error on one rank ends
// the whole job (MpiEnv::end_after_error) so no other rank hangs in a collective.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

#include "app/commands.hpp"
#include "comm/mpi_env.hpp"
#include "core/error.hpp"

namespace {

// Prints the error and ends this process's part in the job. An error every rank agreed on is
// printed by rank 0 alone; any other is printed by the rank that has it, prefixed with its rank
// in a job of several, and then aborts the job.
int fail(const distgae::ErrorReport& report) {
  using distgae::MpiEnv;
  const int rank = MpiEnv::active_rank();
  const int ranks = MpiEnv::active_world_size();
  if (!report.agreed || rank == 0) {
    const char* kind = report.exit_code == distgae::kExitBadInput ? "error" : "internal error";
    const std::string where = !report.agreed && ranks > 1 ? "[rank " + std::to_string(rank) + "/" +
                                                                std::to_string(ranks) + "] "
                                                          : "";
    std::fprintf(stderr, "distgae: %s: %s%s\n", kind, where.c_str(), report.message.c_str());
    std::fflush(stderr);
  }
  MpiEnv::end_after_error(report.exit_code, report.agreed);
  return report.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"distgae: distributed graph autoencoders (GAE, VGAE) over MPI"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "distgae 0.1.0");
  distgae::CommandAction action;
  distgae::add_partition_command(app, action);
  distgae::add_train_command(app, action);
  distgae::add_export_command(app, action);
  distgae::add_info_command(app, action);
  distgae::add_generate_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Every rank of a job parses the same arguments and fails alike: one line, from the first.
    if (distgae::MpiEnv::launcher_rank() == 0) {
      std::fprintf(stderr, "distgae: error: %s\n", e.what());
    }
    return distgae::kExitBadInput;
  }
  try {
    return action();
  } catch (...) {
    return fail(distgae::report_current_exception());
  }
}
