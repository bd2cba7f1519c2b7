// RepositoryWatcher: the real-time loop of one repository, on its own
// thread, for as long as this process holds the repository's lease.
//
// It starts watching (ChangeSource) before the startup sync, so nothing that
// changes during the sync is missed; the startup sync is a full
// reconciliation and brings the catalog back to the truth after any crash.
// Then it feeds events to the EventAggregator and applies the ready work
// through the one pipeline: directory moves and rescans through a scoped
// Reconciler, looked-at paths through PathSync (one operation row per
// batch). It also runs the scheduled and requested reconciliations, and
// rescans what it cannot watch:
//  - kOverflow: a rescan of the directory (the root: a full scan);
//  - kUnwatched (inotify watches ran out, or an unreadable directory): the
//    repository is `degraded`, with the reason (and the sysctl to raise),
//    and those directories are rescanned every `unwatched_rescan`. A file
//    gone from elsewhere may have moved into one of them unseen, so its
//    record is held back until they were rescanned, then synced again;
//  - kRootGone or a root that cannot be opened: the repository is offline
//    (no record changes) and the root is looked at every `poll_interval`;
//    when it is back, watching resumes with a full reconciliation;
//  - sync work that failed (the catalog refused a batch, a rescan or a
//    reconciliation): the repository is `degraded` with the reason, and a
//    full reconciliation is retried with a doubling delay
//    (`catch_up_retry` up to `catch_up_retry_max`) until one succeeds.
// Its mode and reason are published in the catalog (WatchStatus) whenever
// they change, so `tidemark status` in another process can show them.
//
// Ownership: owns its setup, its source and the LeaseKeeper (destroying the
// watcher releases the lease). Borrows the store and the gateway.
// Thread-safety: Start/Stop/Request/Snapshot from any thread; the loop runs
// on the watcher's own thread.
#ifndef TIDEMARK_DAEMON_REPOSITORY_WATCHER_H_
#define TIDEMARK_DAEMON_REPOSITORY_WATCHER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog_store.h"
#include "daemon/daemon_options.h"
#include "sync/gateway.h"
#include "sync/lease_keeper.h"
#include "sync/reconciler.h"
#include "watch/event_aggregator.h"

namespace tidemark {

// What a watcher is doing, for status displays in this process.
struct RepositoryStatus {
  Repository repository;
  RepositoryTotals totals;  // filled by SyncManager::Statuses
  WatchMode mode = WatchMode::kStopped;
  std::string reason;
  bool busy = false;  // a sync is running now
  std::optional<SyncOperation> last_operation;
  int64_t pending_paths = 0;  // events waiting in the aggregator
};

class RepositoryWatcher {
 public:
  RepositoryWatcher(CatalogStore& store, Gateway& gateway, Repository repo,
                    RepositorySetup setup, std::unique_ptr<LeaseKeeper> keeper,
                    const DaemonOptions& options, ChangeSourceFactory sources,
                    DaemonLogFn log);
  // Stops the loop and waits for it.
  ~RepositoryWatcher();
  RepositoryWatcher(const RepositoryWatcher&) = delete;
  RepositoryWatcher& operator=(const RepositoryWatcher&) = delete;

  void Start();
  // Asks the loop to stop: a scan in progress stops at its next entry
  // (committing what was written, removing nothing). Returns at once.
  void Stop();
  // True once the loop has ended (stopped, lease lost).
  bool finished() const { return finished_.load(); }
  // Queues a reconciliation request from the catalog's mailbox; a request
  // already queued is ignored.
  void Request(const SyncRequest& request);
  RepositoryStatus Snapshot() const;
  const std::string& name() const { return repo_.name; }

 private:
  // The loop's steps, in order: StartUp, then until stopped PublishMode,
  // AwaitEvents (Poll, or a wait without a source) and RunDueWork, then
  // ShutDown.
  void Loop();
  // Starts watching, then the startup sync (unless the root is missing).
  void StartUp();
  // Publishes the mode the loop is in now (SetMode).
  void PublishMode();
  // When the loop must next wake: the earliest of its tick, the next
  // reconciliation, the aggregator's deadline, the next rescan of the
  // unwatched directories and the next look for a missing root.
  int64_t NextWake(int64_t now);
  // Waits until NextWake, handing the events that arrive to the aggregator
  // (and restarting a source that failed).
  void AwaitEvents(std::vector<FsEvent>& events);
  void Aggregate(const std::vector<FsEvent>& events, int64_t at);
  // Ready paths, requests, the root's return, the scheduled reconciliation
  // and the rescans of unwatched directories, each when due.
  void RunDueWork();
  void TakeReadyWork(int64_t now);
  void LookForRoot(int64_t now);
  // Closes the source and says why the loop ended.
  void ShutDown();
  // Opens and starts the change source; false when there is none (polled).
  bool OpenSource();
  void Apply(const ReadyWork& work);
  // A full reconciliation; returns false when the root is unreachable.
  bool FullScan(OperationType type);
  // FullScan, then the next one is due a reconcile_interval later (or
  // sooner, when this one failed).
  void Reconcile(OperationType type);
  // False when the rescan failed (the catalog, or the listing).
  bool Rescan(const std::string& scope);
  // Logs sync work that failed and schedules the full reconciliation that
  // catches it up: the first failure, and each failed full scan, waits
  // twice as long as the one before. Nothing for a cancelled one.
  void SyncFailed(const std::string& what, const Status& why, bool full_scan);
  // A full scan succeeded: whatever failed before is caught up.
  void Recovered();
  // How long after the failed_attempts_-th failure in a row to retry.
  std::chrono::milliseconds RetryDelay() const;
  // The Reconciler's options for this repository ("" scope: all of it).
  ReconcileOptions ScanOptions(OperationType type,
                               const std::string& scope) const;
  // False for a directory the filters leave out (with all below it).
  bool Catalogued(const std::string& directory) const;
  // PathSync of `paths`; a record that a move into one of `unlisted` may
  // explain is held back (held_back_).
  void SyncPaths(std::vector<std::string> paths,
                 std::vector<std::string> unlisted);
  void ServeRequests();
  void RescanUnwatched();
  void AddUnwatched(const std::string& directory, const std::string& reason);
  void RootGone(const std::string& reason);
  // Publishes mode and reason if they changed.
  void SetMode(WatchMode mode, std::string reason);
  void Finished(const SyncOperation& op, const std::string& what);
  void WaitFor(std::chrono::milliseconds timeout);
  bool ShouldStop() const;
  int64_t Now() const;

  CatalogStore& store_;
  Gateway& gateway_;
  Repository repo_;  // loop thread
  RepositorySetup setup_;
  std::unique_ptr<LeaseKeeper> keeper_;
  const DaemonOptions options_;
  ChangeSourceFactory sources_;
  DaemonLogFn log_;

  // Loop thread only.
  std::unique_ptr<ChangeSource> source_;
  EventAggregator aggregator_;
  std::set<std::string> unwatched_;  // minimal: none below another
  std::string unwatched_reason_;
  // Paths whose records were kept because their files may have moved into
  // an unwatched or unreadable directory: synced again after the next
  // rescan of those directories.
  std::set<std::string> held_back_;
  // The last FullScan or Rescan listed all it was to list (no listing or
  // catalog failure, no directory that could not be listed).
  bool last_scan_read_whole_ = true;
  bool root_missing_ = false;
  int64_t next_reconcile_ns_ = 0;
  int64_t next_unwatched_rescan_ns_ = 0;
  int64_t next_root_look_ns_ = 0;
  int64_t next_take_ns_ = 0;  // the earliest next TakeReady
  // The aggregator's next deadline, or earlier; recomputed when stale.
  std::optional<int64_t> deadline_;
  bool deadline_stale_ = true;
  int64_t removal_window_start_ns_ = 0;
  int64_t recently_removed_ = 0;   // by realtime batches since the above
  int64_t last_full_scan_id_ = 0;  // its operation; 0 if the catalog failed
  // Set while sync work failed and no full scan has succeeded since: why,
  // and how many attempts in a row failed.
  std::string failure_;
  int failed_attempts_ = 0;

  std::atomic<bool> stopping_{false};
  std::atomic<bool> finished_{false};
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<SyncRequest> requests_;                // guarded by mu_
  std::set<int64_t> queued_ids_;                    // guarded by mu_
  RepositoryStatus status_;                         // guarded by mu_
  WatchMode published_mode_ = WatchMode::kStopped;  // loop thread
  std::string published_reason_;                    // loop thread
  bool published_ = false;                          // loop thread
  std::thread thread_;
};

}  // namespace tidemark

#endif  // TIDEMARK_DAEMON_REPOSITORY_WATCHER_H_
