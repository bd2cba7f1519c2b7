#include "app/daemon_setup.h"

#include "app/domain.h"
#include "app/durations.h"
#include "common/human_format.h"
#include "storage/backend_registry.h"

namespace tidemark::app {

Result<DaemonOptions> ResolveDaemonOptions(const Config& config,
                                           const DaemonFlags& flags) {
  int64_t debounce = config.watch_debounce_ms;
  int64_t reconcile = config.watch_reconcile_interval_ms;
  int64_t unwatched = config.watch_unwatched_rescan_ms;
  int64_t poll = config.watch_poll_ms;
  int64_t heartbeat = config.lease_heartbeat_ms;
  int64_t timeout = config.lease_timeout_ms;
  RETURN_IF_ERROR(ApplyDuration(flags.debounce, "--debounce", &debounce));
  RETURN_IF_ERROR(ApplyDuration(flags.reconcile_interval,
                                "--reconcile-interval", &reconcile));
  RETURN_IF_ERROR(
      ApplyDuration(flags.unwatched_rescan, "--unwatched-rescan", &unwatched));
  RETURN_IF_ERROR(ApplyDuration(flags.poll, "--poll", &poll));
  RETURN_IF_ERROR(ApplyDuration(flags.heartbeat, "--heartbeat", &heartbeat));
  RETURN_IF_ERROR(
      ApplyDuration(flags.lease_timeout, "--lease-timeout", &timeout));
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
  return options;
}

Result<std::unique_ptr<DaemonSetup>> DaemonSetup::Make(const Context& ctx,
                                                       const DaemonFlags& flags,
                                                       DaemonOptions options,
                                                       DaemonLogFn log) {
  std::unique_ptr<DaemonSetup> d(new DaemonSetup(ctx, flags, std::move(log)));
  d->options_ = std::move(options);
  DaemonSetup* self = d.get();
  // DESIGN.md: a catalog-truth repository's storage drift is reported and
  // repaired on request, never followed.
  d->options_.not_followed = [self](const Repository& repo) {
    return self->NotFollowed(repo);
  };

  for (const std::string& name : flags.names) {
    RETURN_IF_ERROR(ctx.FindRepository(name).status());
  }
  ChangeSourceFactory sources;
  if (const BackendRegistry* backends = ctx.wiring().backends) {
    // Setup makes a repository's URL its watch root where its scheme has
    // change events.
    sources = [backends](const std::string& url) {
      return backends->OpenChangeSource(url);
    };
  }
  d->manager_ = std::make_unique<SyncManager>(
      ctx.store(), ctx.gateway(), d->options_,
      [self](const Repository& repo) { return self->Setup(repo); },
      std::move(sources), d->log_);
  return d;
}

std::string DaemonSetup::Describe() const {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  return "debounce " + FormatDuration(options_.aggregation.debounce.count()) +
         ", reconciliation every " +
         FormatDuration(
             duration_cast<milliseconds>(options_.reconcile_interval).count());
}

Result<RepositorySetup> DaemonSetup::Setup(const Repository& repo) {
  std::lock_guard<std::mutex> lock(setup_mu_);
  ASSIGN_OR_RETURN(SyncSettings settings,
                   ResolveSyncSettings(ctx_, repo, flags_.settings));
  RepositorySetup out;
  ASSIGN_OR_RETURN(out.backend, ctx_.wiring().open_backend(repo.url));
  out.filter = std::move(settings.filter);
  out.hash = settings.hash;
  out.batch_size = settings.batch_size;
  out.threads = settings.threads;
  out.mass_removal_threshold = settings.mass_removal_threshold;
  if (const BackendRegistry* backends = ctx_.wiring().backends;
      backends != nullptr && backends->HasChangeSource(repo.url)) {
    out.watch_root = repo.url;
  }
  return out;
}

std::string DaemonSetup::NotFollowed(const Repository& repo) {
  std::lock_guard<std::mutex> lock(setup_mu_);
  auto domain = ResolveDomain(ctx_.config(), repo);
  if (!domain.ok() || domain->truth != Truth::kCatalog) return std::string();
  return "not watched: its truth is 'catalog': " +
         CatalogTruthRefusal(repo.name, "the daemon");
}

}  // namespace tidemark::app
