// What the real-time daemon needs to know: its timings, and how to turn a
// catalog repository into the parts that sync it (a backend, filters, the
// hash policy) and into a ChangeSource. The CLI resolves these from the
// configuration; tests pass fakes. Plain data and callables; the callables
// are called from the daemon's threads and must be thread-safe.
#ifndef TIDEMARK_DAEMON_DAEMON_OPTIONS_H_
#define TIDEMARK_DAEMON_DAEMON_OPTIONS_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/records.h"
#include "common/hash_algorithm.h"
#include "common/logging.h"
#include "common/result.h"
#include "storage/storage_backend.h"
#include "sync/lease_keeper.h"
#include "sync/path_filter.h"
#include "watch/change_source.h"
#include "watch/event_aggregator.h"

namespace tidemark {

struct DaemonOptions {
  AggregatorOptions aggregation;  // debounce 500 ms, as in seed 001
  // A full reconciliation of each repository this often (seed 001: daily).
  std::chrono::milliseconds reconcile_interval{std::chrono::hours(24)};
  // How often directories that could not be watched are rescanned.
  std::chrono::milliseconds unwatched_rescan{std::chrono::minutes(5)};
  // A repository without change events (no watchable root, or its root is
  // gone) is looked at this often.
  std::chrono::milliseconds poll_interval{std::chrono::seconds(5)};
  // After sync work that failed (the catalog refused a batch, a rescan or a
  // reconciliation, or a listing failed part-way), a full reconciliation is
  // retried this soon, then after twice as long each time it fails again, up
  // to catch_up_retry_max. Until one succeeds the repository is `degraded`
  // with the reason.
  std::chrono::milliseconds catch_up_retry{std::chrono::seconds(5)};
  std::chrono::milliseconds catch_up_retry_max{std::chrono::minutes(5)};
  // How often the catalog is read for added or removed repositories and
  // for reconciliation requests.
  std::chrono::milliseconds discovery{std::chrono::seconds(1)};
  LeaseTiming lease;
  std::vector<std::string> names;  // repositories to serve; empty: all
  // Why a repository's storage changes are not followed at all (a
  // repository whose truth is the catalog), logged once; "" when they are.
  // Unset: every repository is followed.
  std::function<std::string(const Repository&)> not_followed;
  bool allow_mass_removal = false;
};

// Everything that syncs one repository, resolved from its settings.
struct RepositorySetup {
  std::unique_ptr<StorageBackend> backend;
  std::optional<PathFilterRules> filter;  // nullopt: catalog every path
  HashAlgorithm hash = HashAlgorithm::kSha256;
  size_t batch_size = 5000;
  int threads = 2;
  double mass_removal_threshold = 0.5;
  // The absolute local directory to watch; "" when the backend has no
  // change events (the repository is then polled).
  std::string watch_root;
};

using RepositorySetupFn =
    std::function<Result<RepositorySetup>(const Repository& repo)>;
using ChangeSourceFactory = std::function<Result<std::unique_ptr<ChangeSource>>(
    const std::string& watch_root)>;
// The daemon's lines ("lib: startup completed ..."), with their level.
using DaemonLogFn = LogFn;

}  // namespace tidemark

#endif  // TIDEMARK_DAEMON_DAEMON_OPTIONS_H_
