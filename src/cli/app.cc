#include "cli/app.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "common/logging.h"

namespace tidemark::cli {
namespace {

// The long-running commands: they log one line per event, with time and
// level, on standard output, and take --log-format.
bool IsDaemonCommand(const CLI::App* command) {
  const std::string& name = command->get_name();
  return name == "watch" || name == "serve" || name == "worker";
}

void AddLogFormatOption(CLI::App* command, LogFormat* format) {
  command
      ->add_option_function<std::string>(
          "--log-format",
          [format](const std::string& text) {
            auto parsed = ParseLogFormat(text, "--log-format");
            if (!parsed.ok()) {
              throw CLI::ValidationError(parsed.status().message());
            }
            *format = *parsed;
          },
          "Log lines as text (time, level, message) or json (one object "
          "per line: time, level, message, thread); default text")
      ->type_name("text|json");
  command->footer(
      "Logs: one line per event on standard output, at level info and "
      "above; -v adds debug lines (leases taken, renewed and lost, change "
      "sets applied, rescans scheduled), -q keeps only errors.");
}

void AddWithSubcommands(CLI::App* app, std::vector<CLI::App*>& out) {
  out.push_back(app);
  for (CLI::App* sub : app->get_subcommands({})) AddWithSubcommands(sub, out);
}

// The first "--flag=VALUE" in `argv` whose flag takes no value: CLI11
// refuses a value unlike the default with its own jargon ("disallowed flag
// override") and takes one like it ("--dry-run=true") silently.
std::optional<std::string> FlagGivenAValue(CLI::App& app, int argc,
                                           char** argv) {
  std::vector<CLI::App*> apps;
  AddWithSubcommands(&app, apps);
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    const size_t eq = arg.find('=');
    if (!arg.starts_with("--") || eq == std::string_view::npos) continue;
    const std::string name(arg.substr(0, eq));
    for (CLI::App* each : apps) {
      const CLI::Option* option = each->get_option_no_throw(name);
      if (option != nullptr && option->get_expected_max() == 0) return name;
    }
  }
  return std::nullopt;
}

}  // namespace

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
  LogFormat log_format = LogFormat::kText;
  const std::vector<CLI::App*> daemons = app.get_subcommands(IsDaemonCommand);
  for (CLI::App* daemon : daemons) AddLogFormatOption(daemon, &log_format);

  if (auto flag = FlagGivenAValue(app, argc, argv)) {
    std::cerr << "tidemark: error: " << *flag << " takes no value: give "
              << *flag << " alone, or leave it out\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
  }

  const bool daemon = std::any_of(daemons.begin(), daemons.end(),
                                  [](CLI::App* d) { return d->parsed(); });
  LogSetup log;
  log.style = daemon ? LogStyle::kDaemon : LogStyle::kCommand;
  log.format = log_format;
  log.level = g.quiet     ? LogLevel::kError
              : g.verbose ? LogLevel::kDebug
              : daemon    ? LogLevel::kInfo
                          : LogLevel::kWarning;
  SetUpLogging(log);

  if (Status s = ctx.Prepare(); !s.ok()) {
    return static_cast<int>(ctx.ReportError(s, false));
  }
  for (auto& [command, run] : runners) {
    if (command->parsed()) return static_cast<int>(run());
  }
  return static_cast<int>(ExitCode::kUsage);
}

}  // namespace tidemark::cli
