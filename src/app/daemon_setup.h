// The real-time daemon as `watch` and `serve` start it: the flags both
// take, the DaemonOptions they add up to (flags over the config), and the
// SyncManager with its repository setup (backend, filters, hashing from
// the repository's settings), its log and the catalog-truth rule (a
// catalog-truth repository is never followed).
//
// A DaemonSetup borrows the Context, which must outlive it. Its callbacks may
// run on the daemon's threads; they take one lock, so they run one at a time.
#ifndef TIDEMARK_APP_DAEMON_SETUP_H_
#define TIDEMARK_APP_DAEMON_SETUP_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/sync_settings.h"
#include "daemon/sync_manager.h"

namespace tidemark::app {

// What the front end was told: --debounce, --reconcile-interval,
// --unwatched-rescan, --poll, --heartbeat, --lease-timeout ("" = the
// config's), --hash and --allow-mass-removal, and the repositories.
struct DaemonFlags {
  std::vector<std::string> names;  // "" = every repository
  std::string debounce;
  std::string reconcile_interval;
  std::string unwatched_rescan;
  std::string poll;
  std::string heartbeat;
  std::string lease_timeout;
  ScanSettings settings;
};

// The daemon's typed options from the config and the flags (flags first),
// without its callbacks (DaemonSetup adds them). InvalidArgument for a
// malformed duration. Pure: a front end resolves them before it opens the
// catalog.
Result<DaemonOptions> ResolveDaemonOptions(const Config& config,
                                           const DaemonFlags& flags);

class DaemonSetup {
 public:
  // The daemon over `options` (ResolveDaemonOptions of the same flags).
  // InvalidArgument for an unknown repository name; the catalog's error.
  static Result<std::unique_ptr<DaemonSetup>> Make(const Context& ctx,
                                                   const DaemonFlags& flags,
                                                   DaemonOptions options,
                                                   DaemonLogFn log);

  SyncManager& manager() { return *manager_; }
  // "debounce 500ms, reconciliation every 24h".
  std::string Describe() const;

 private:
  DaemonSetup(const Context& ctx, DaemonFlags flags, DaemonLogFn log)
      : ctx_(ctx), flags_(std::move(flags)), log_(std::move(log)) {}
  Result<RepositorySetup> Setup(const Repository& repo);
  std::string NotFollowed(const Repository& repo);

  const Context& ctx_;
  const DaemonFlags flags_;
  DaemonLogFn log_;
  DaemonOptions options_;
  // Resolving a setup reads only the config and the wiring, which nothing
  // changes while the daemon runs; the lock keeps the calls one at a time.
  std::mutex setup_mu_;
  std::unique_ptr<SyncManager> manager_;
};

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_DAEMON_SETUP_H_
