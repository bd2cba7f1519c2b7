// `tidemark serve`: the daemon together with the HTTP API, events,
// webhooks and the dashboard (api/api_server.h, docs/API.md). This file is
// its command line: the flags, the checks before the catalog is opened,
// --print-routes, the log and the signals. SIGINT or SIGTERM stops it: the
// HTTP server stops accepting, jobs are cancelled, the daemon stops as
// `watch` does; a second signal exits at once.
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "api/api_server.h"
#include "app/daemon_setup.h"
#include "cli/command_options.h"
#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "common/logging.h"
#include "storage/root_confinement.h"
#include "storage/storage_url.h"

namespace tidemark::cli {
namespace {

struct ServeFlags {
  api::ServeOptions serve;
  bool print_routes = false;
  app::DaemonFlags daemon;
};

// [serve] allowed_roots, as written and resolved, for the root confinement:
// a repository registered inside them cannot later be led outside them by
// a replaced folder or link.
std::vector<ConfinedFolder> ConfinedFolders(const app::Wiring& wiring,
                                            const app::ServeConfig& config) {
  std::vector<ConfinedFolder> folders;
  for (const std::string& entry : config.allowed_roots) {
    auto written = ParseLocation(entry);
    if (!written.ok()) continue;
    ConfinedFolder folder{*written, std::nullopt};
    if (written->scheme == "file") {
      auto real = wiring.resolve_url(FileUrlFromPath(written->path));
      if (real.ok()) {
        if (auto resolved = ParseLocation(*real); resolved.ok()) {
          folder.resolved = *resolved;
        }
      }
    }
    folders.push_back(std::move(folder));
  }
  return folders;
}

ExitCode RunServe(CliContext& ctx, const ServeFlags& flags) {
  auto listening = api::ResolveListening(ctx.config().serve, flags.serve);
  if (!listening.ok()) return ctx.ReportError(listening.status(), false);
  ConfineRoots(ConfinedFolders(ctx.wiring(), ctx.config().serve));
  // Printing the routes only reads: it never creates a catalog.
  if (flags.print_routes) ctx.OnlyReads();
  auto opened = ctx.App();
  if (!opened.ok()) return ctx.ReportError(opened.status(), false);
  const app::Context& app = **opened;

  auto log = [](const std::string& line) { Log(LogLevel::kInfo, line); };
  auto daemon_options = app::ResolveDaemonOptions(app.config(), flags.daemon);
  if (!daemon_options.ok()) {
    return ctx.ReportError(daemon_options.status(), false);
  }
  auto server = api::ApiServer::Make(app, std::move(listening).value(),
                                     flags.serve, flags.daemon,
                                     std::move(daemon_options).value(), &Log);
  if (!server.ok()) return ctx.ReportError(server.status(), false);
  if (flags.print_routes) {
    std::cout << (*server)->RoutesJson().dump(1) << "\n";
    return ExitCode::kOk;
  }
  if (Status s = (*server)->Bind(); !s.ok()) return ctx.ReportError(s, false);

  StopSignals signals([&] { log("stopping (signal again to exit at once)"); });
  if (Status s = (*server)->Start(); !s.ok()) return ctx.ReportError(s, false);
  log("tidemark serve: " + (*server)->Describe());
  signals.Wait();
  (*server)->Stop();
  log("stopped");
  return ExitCode::kOk;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Run the daemon with the HTTP API (/api/v1), live events and the web "
      "dashboard (docs/API.md)");
  serve->add_option("--listen", flags->serve.listen,
                    "HOST:PORT to listen on (default 127.0.0.1:8080, or "
                    "[serve] listen)");
  serve->add_option("--web-root", flags->serve.web_root,
                    "The dashboard's folder (default: installed beside the "
                    "binary)");
  serve->add_flag("--print-routes", flags->print_routes,
                  "Print the routes (method, path template, role) as JSON "
                  "and exit, without listening or starting the daemon");
  serve->add_option("names", flags->daemon.names,
                    "Repositories the daemon watches (default: all)");
  AddDaemonFlags(serve, &flags->daemon);
  runners.emplace_back(serve, [&ctx, flags] { return RunServe(ctx, *flags); });
}

}  // namespace tidemark::cli
