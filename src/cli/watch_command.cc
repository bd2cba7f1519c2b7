// `tidemark watch [NAME...]`: the real-time daemon in the foreground
// (daemon/sync_manager.h). Each repository gets a startup sync, then its
// changes are applied as they happen, with a scheduled reconciliation as
// the backstop. SIGINT or SIGTERM stops it within about two seconds: a
// scan in progress stops at its next entry, what was written is committed,
// nothing is removed, and the leases are released. A second signal exits
// at once (the catalog stays consistent; the leases then expire).

#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>

#include "cli/commands.h"
#include "cli/domain.h"
#include "cli/durations.h"
#include "cli/output.h"
#include "cli/scan_runner.h"
#include "cli/stop_signals.h"
#include "daemon/sync_manager.h"
#include "storage/storage_url.h"

namespace tidemark::cli {
namespace {

struct WatchFlags {
  std::vector<std::string> names;
  std::string debounce;
  std::string reconcile_interval;
  std::string unwatched_rescan;
  std::string poll;
  std::string heartbeat;
  std::string lease_timeout;
  ScanSettings settings;
};

ExitCode RunWatch(CliContext& ctx, const WatchFlags& flags) {
  const Config& config = ctx.config();
  int64_t debounce = config.watch_debounce_ms;
  int64_t reconcile = config.watch_reconcile_interval_ms;
  int64_t unwatched = config.watch_unwatched_rescan_ms;
  int64_t poll = config.watch_poll_ms;
  int64_t heartbeat = config.lease_heartbeat_ms;
  int64_t timeout = config.lease_timeout_ms;
  for (Status s :
       {ApplyDuration(flags.debounce, "--debounce", &debounce),
        ApplyDuration(flags.reconcile_interval, "--reconcile-interval",
                      &reconcile),
        ApplyDuration(flags.unwatched_rescan, "--unwatched-rescan", &unwatched),
        ApplyDuration(flags.poll, "--poll", &poll),
        ApplyDuration(flags.heartbeat, "--heartbeat", &heartbeat),
        ApplyDuration(flags.lease_timeout, "--lease-timeout", &timeout)}) {
    if (!s.ok()) return ctx.ReportError(s, false);
  }
  using std::chrono::milliseconds;
  DaemonOptions options;
  options.aggregation.debounce = milliseconds(debounce);
  options.aggregation.directory_burst =
      static_cast<size_t>(config.watch_directory_burst);
  options.aggregation.max_open_wait =
      milliseconds(config.watch_max_open_wait_ms);
  options.reconcile_interval = milliseconds(reconcile);
  options.unwatched_rescan = milliseconds(unwatched);
  options.poll_interval = milliseconds(poll);
  options.discovery = milliseconds(std::min<int64_t>(1000, heartbeat));
  options.lease = {milliseconds(heartbeat), milliseconds(timeout)};
  options.names = flags.names;
  options.allow_mass_removal = flags.settings.allow_mass_removal;

  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), false);
  auto gateway = ctx.GetGateway();
  if (!gateway.ok()) return ctx.ReportError(gateway.status(), false);
  for (const std::string& name : flags.names) {
    if (auto repo = ctx.FindRepository(name); !repo.ok()) {
      return ctx.ReportError(repo.status(), false);
    }
  }
  // Resolving a setup reads only the config and the wiring, which nothing
  // changes while the daemon runs; the lock keeps the calls one at a time.
  std::mutex setup_mu;
  auto setup = [&](const Repository& repo) -> Result<RepositorySetup> {
    std::lock_guard<std::mutex> lock(setup_mu);
    ASSIGN_OR_RETURN(SyncSettings settings,
                     ResolveSyncSettings(ctx, repo, flags.settings));
    RepositorySetup out;
    ASSIGN_OR_RETURN(out.backend, ctx.wiring().open_backend(repo.url));
    out.filter = std::move(settings.filter);
    out.hash = settings.hash;
    out.batch_size = settings.batch_size;
    out.threads = settings.threads;
    out.mass_removal_threshold = settings.mass_removal_threshold;
    if (auto url = ParseStorageUrl(repo.url, "/");
        url.ok() && url->scheme == "file") {
      out.watch_root = url->path;
    }
    return out;
  };
  std::mutex log_mu;
  auto log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu);
    if (!ctx.options().quiet) std::cout << line << std::endl;
  };
  // DESIGN.md: a catalog-truth repository's storage drift is reported and
  // repaired on request, never followed.
  options.not_followed = [&ctx, &setup_mu](const Repository& repo) {
    std::lock_guard<std::mutex> lock(setup_mu);
    auto domain = ResolveDomain(ctx.config(), repo);
    if (!domain.ok() || domain->truth != Truth::kCatalog) return std::string();
    return "not watched: its truth is 'catalog': " +
           CatalogTruthRefusal(repo.name, "the daemon");
  };
  SyncManager manager(**store, **gateway, options, setup,
                      ctx.wiring().open_change_source, log);

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop = false;
  StopSignals signals([&] {
    log("stopping (signal again to exit at once)");
    std::lock_guard<std::mutex> lock(stop_mu);
    stop = true;
    stop_cv.notify_all();
  });
  log("watching " +
      (flags.names.empty()
           ? std::string("every repository")
           : std::to_string(flags.names.size()) + " repositories") +
      " in " + ctx.db_display() + " as " + ctx.worker_id() + "; debounce " +
      FormatDuration(debounce) + ", reconciliation every " +
      FormatDuration(reconcile));
  if (Status s = manager.Start(); !s.ok()) return ctx.ReportError(s, false);
  {
    std::unique_lock<std::mutex> lock(stop_mu);
    stop_cv.wait(lock, [&] { return stop; });
  }
  manager.Stop();
  log("stopped");
  return ExitCode::kOk;
}

}  // namespace

void RegisterWatchCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto flags = std::make_shared<WatchFlags>();
  CLI::App* watch = app.add_subcommand(
      "watch",
      "Run the real-time daemon in the foreground: a startup sync, then "
      "every change as it happens, and a scheduled reconciliation");
  watch->add_option("names", flags->names,
                    "Repositories to watch (default: all)");
  watch->add_option("--debounce", flags->debounce,
                    "Quiet time before a changed path is synced (default "
                    "500ms, or [watch] debounce_ms)");
  watch->add_option("--reconcile-interval", flags->reconcile_interval,
                    "Time between full reconciliations (default 24h)");
  watch->add_option("--unwatched-rescan", flags->unwatched_rescan,
                    "Time between rescans of directories that cannot be "
                    "watched (default 5m)");
  watch->add_option("--poll", flags->poll,
                    "How often a repository without change events, or "
                    "whose root is gone, is looked at (default 5s)");
  watch->add_option("--heartbeat", flags->heartbeat,
                    "Lease renewal period (default 30s)");
  watch->add_option("--lease-timeout", flags->lease_timeout,
                    "Lease lifetime without renewal (default 60s)");
  watch->add_option("--hash", flags->settings.hash,
                    "Hash new and changed files with sha256, xxh3 or none");
  watch->add_flag("--allow-mass-removal", flags->settings.allow_mass_removal,
                  "Confirm removals above the mass-removal threshold");
  runners.emplace_back(watch, [&ctx, flags] { return RunWatch(ctx, *flags); });
}

}  // namespace tidemark::cli
