// The subcommands of the distgae binary. Each adds itself to the CLI11 app and, when chosen,
// stores in `action` the function main runs. Argument parsing only; the work is in the modules.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace distgae {

using CommandAction = std::function<int()>;

void add_partition_command(CLI::App& app, CommandAction& action);
void add_info_command(CLI::App& app, CommandAction& action);
void add_train_command(CLI::App& app, CommandAction& action);
void add_export_command(CLI::App& app, CommandAction& action);
void add_generate_command(CLI::App& app, CommandAction& action);

}  // namespace distgae
