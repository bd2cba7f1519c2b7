// `tidemark watch [NAME...]`: the real-time daemon in the foreground
// (daemon/sync_manager.h). Each repository gets a startup sync, then its
// changes are applied as they happen, with a scheduled reconciliation as
// the backstop. SIGINT or SIGTERM stops it within about two seconds: a
// scan in progress stops at its next entry, what was written is committed,
// nothing is removed, and the leases are released. A second signal exits
// at once (the catalog stays consistent; the leases then expire).

#include <memory>
#include <mutex>

#include "app/daemon_setup.h"
#include "cli/command_options.h"
#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "common/logging.h"

namespace tidemark::cli {
namespace {

ExitCode RunWatch(CliContext& ctx, const app::DaemonFlags& flags) {
  auto log = [](const std::string& line) { Log(LogLevel::kInfo, line); };
  // The flags are checked before the catalog is opened.
  auto options = app::ResolveDaemonOptions(ctx.config(), flags);
  if (!options.ok()) return ctx.ReportError(options.status(), false);
  auto opened = ctx.App();
  if (!opened.ok()) return ctx.ReportError(opened.status(), false);
  auto daemon =
      app::DaemonSetup::Make(**opened, flags, std::move(options).value(), &Log);
  if (!daemon.ok()) return ctx.ReportError(daemon.status(), false);
  SyncManager& manager = (*daemon)->manager();

  StopSignals signals([&] { log("stopping (signal again to exit at once)"); });
  log("watching " +
      (flags.names.empty()
           ? std::string("every repository")
           : std::to_string(flags.names.size()) + " repositories") +
      " in " + ctx.db_display() + " as " + ctx.worker_id() + "; " +
      (*daemon)->Describe());
  if (Status s = manager.Start(); !s.ok()) return ctx.ReportError(s, false);
  signals.Wait();
  manager.Stop();
  log("stopped");
  return ExitCode::kOk;
}

}  // namespace

void RegisterWatchCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto flags = std::make_shared<app::DaemonFlags>();
  CLI::App* watch = app.add_subcommand(
      "watch",
      "Run the real-time daemon in the foreground: a startup sync, then "
      "every change as it happens, and a scheduled reconciliation");
  watch->add_option("names", flags->names,
                    "Repositories to watch (default: all)");
  AddDaemonFlags(watch, flags.get());
  runners.emplace_back(watch, [&ctx, flags] { return RunWatch(ctx, *flags); });
}

}  // namespace tidemark::cli
