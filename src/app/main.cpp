// distgae: one binary, one subcommand per job step. Errors are caught here, once, and printed as
// one line; bad input exits with 2, anything else with 1. Under MPI an error on one rank aborts
// the whole job so no other rank hangs in a collective.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "app/commands.hpp"
#include "comm/mpi_env.hpp"
#include "core/error.hpp"

namespace {

int fail(const char* kind, const char* message, int exit_code) {
  std::fprintf(stderr, "distgae: %s%s\n", kind, message);
  std::fflush(stderr);
  distgae::MpiEnv::abort_job(exit_code);
  return exit_code;
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
    return fail("error: ", e.what(), distgae::kExitBadInput);
  }
  try {
    return action();
  } catch (const distgae::InputError& e) {
    return fail("error: ", e.what(), distgae::kExitBadInput);
  } catch (const std::exception& e) {
    return fail("internal error: ", e.what(), distgae::kExitInternal);
  }
}
