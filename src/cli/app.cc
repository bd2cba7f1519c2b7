#include "cli/app.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/commands.h"

namespace tidemark::cli {

int RunCli(int argc, char** argv, const app::Wiring& wiring) {
  CliContext ctx(wiring, SystemClock::Default());
  CLI::App app{
      "tidemark keeps a database catalog in step with files on storage.\n"
      "Exit codes: 0 ok, 2 usage error, 3 partial (completed with errors), "
      "4 failed."};
  app.require_subcommand(1);
  // Global options are accepted after the subcommand too.
  app.fallthrough();
  app.set_version_flag("--version", "tidemark 0.1.0");
  // A flag is given or not: `--dry-run=0` or `--json=no` is a usage error,
  // never a silent false (DESIGN.md, rule 6). Subcommands inherit this.
  app.option_defaults()->disable_flag_override();
  GlobalOptions& g = ctx.options();
  app.add_option("--db", g.db,
                 "Catalog: a SQLite file or postgresql://user@host:port/db "
                 "(default: $TIDEMARK_DB or ./tidemark.db)");
  app.add_option("--worker-id", g.worker_id,
                 "This process's name in leases and history (default: "
                 "$TIDEMARK_WORKER_ID, [worker] id, or host:pid)");
  app.add_option("--config", g.config_path,
                 "Config file (default: ./tidemark.toml if present)");
  app.add_flag("-v,--verbose", g.verbose, "Log more");
  app.add_flag("-q,--quiet", g.quiet, "Print only errors");

  Runners runners;
  RegisterRepoCommands(app, ctx, runners);
  RegisterScanCommand(app, ctx, runners);
  RegisterStatusCommand(app, ctx, runners);
  RegisterFilesCommand(app, ctx, runners);
  RegisterHistoryCommand(app, ctx, runners);
  RegisterWorkerCommand(app, ctx, runners);
  RegisterWatchCommand(app, ctx, runners);
  RegisterReconcileCommand(app, ctx, runners);
  RegisterCheckCommand(app, ctx, runners);
  RegisterRepairCommand(app, ctx, runners);
  RegisterWriteCommands(app, ctx, runners);
  RegisterCarsCommands(app, ctx, runners);
  RegisterServeCommand(app, ctx, runners);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
  }

  auto logger = spdlog::stderr_color_st("tidemark");
  logger->set_pattern("tidemark: %l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(g.quiet     ? spdlog::level::err
                    : g.verbose ? spdlog::level::debug
                                : spdlog::level::warn);

  if (Status s = ctx.Prepare(); !s.ok()) {
    return static_cast<int>(ctx.ReportError(s, false));
  }
  for (auto& [command, run] : runners) {
    if (command->parsed()) return static_cast<int>(run());
  }
  return static_cast<int>(ExitCode::kUsage);
}

}  // namespace tidemark::cli
