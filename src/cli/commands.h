// The subcommands. Each Register function adds its subcommand(s) to the app
// and, for each leaf subcommand, a runner that RunCli calls after parsing when
// that subcommand was given. One .cc file per subcommand group.
#ifndef TIDEMARK_CLI_COMMANDS_H_
#define TIDEMARK_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <utility>
#include <vector>

#include "cli/context.h"

namespace tidemark::cli {

using Runners = std::vector<std::pair<CLI::App*, std::function<ExitCode()>>>;

void RegisterRepoCommands(CLI::App& app, CliContext& ctx, Runners& runners);
void RegisterScanCommand(CLI::App& app, CliContext& ctx, Runners& runners);
void RegisterStatusCommand(CLI::App& app, CliContext& ctx, Runners& runners);
void RegisterFilesCommand(CLI::App& app, CliContext& ctx, Runners& runners);
void RegisterHistoryCommand(CLI::App& app, CliContext& ctx, Runners& runners);
void RegisterWorkerCommand(CLI::App& app, CliContext& ctx, Runners& runners);
void RegisterWatchCommand(CLI::App& app, CliContext& ctx, Runners& runners);
void RegisterReconcileCommand(CLI::App& app, CliContext& ctx, Runners& runners);
// `check` and `repair` (check_command.cc, repair_command.cc).
void RegisterCheckCommand(CLI::App& app, CliContext& ctx, Runners& runners);
void RegisterRepairCommand(CLI::App& app, CliContext& ctx, Runners& runners);
// `put`, `rm` and `mv`: consistent writes (write_commands.cc).
void RegisterWriteCommands(CLI::App& app, CliContext& ctx, Runners& runners);
// `entities` and `cars`: layout entities and the cars profile's operations.
void RegisterCarsCommands(CLI::App& app, CliContext& ctx, Runners& runners);
// `serve`: the daemon with the HTTP API (serve_command.cc over src/api).
void RegisterServeCommand(CLI::App& app, CliContext& ctx, Runners& runners);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_COMMANDS_H_
