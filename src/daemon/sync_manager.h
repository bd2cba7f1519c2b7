// SyncManager: the real-time daemon (`tidemark watch`). It keeps one
// RepositoryWatcher running for every repository in scope whose lease this
// process holds, and nothing for the others.
//
// A control thread reads the catalog every `discovery` period:
//  - a repository added (here or by another process) gets its lease taken,
//    a startup sync, then a watch;
//  - a repository removed or detached has its watcher stopped (the catalog
//    is kept unless it was purged);
//  - a repository held by another live worker is left alone, and taken
//    over once that worker's lease expires;
//  - reconciliation requests in the catalog's mailbox (`tidemark reconcile`)
//    are handed to the watcher holding the repository.
// A watcher that lost its lease ends; the control thread drops it.
//
// Ownership: borrows the store and the gateway, which must outlive it; owns
// the watchers. Thread-safety: every public method may be called from any
// thread.
#ifndef TIDEMARK_DAEMON_SYNC_MANAGER_H_
#define TIDEMARK_DAEMON_SYNC_MANAGER_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog_store.h"
#include "daemon/daemon_options.h"
#include "daemon/repository_watcher.h"
#include "sync/gateway.h"

namespace tidemark {

class SyncManager {
 public:
  SyncManager(CatalogStore& store, Gateway& gateway, DaemonOptions options,
              RepositorySetupFn setup, ChangeSourceFactory sources,
              DaemonLogFn log);
  // Stops, if still running.
  ~SyncManager();
  SyncManager(const SyncManager&) = delete;
  SyncManager& operator=(const SyncManager&) = delete;

  // Validates the options (InvalidArgument), takes the first look at the
  // catalog and starts the control thread.
  Status Start();
  // Stops every watcher (a scan in progress stops at its next entry,
  // committing what it wrote and removing nothing), releases the leases
  // and joins the threads. Idempotent.
  void Stop();

  // Adds a repository to the catalog and starts watching it at once.
  Result<Repository> AddRepository(const std::string& name,
                                   const std::string& url,
                                   const std::string& options_json);
  // Stops watching `name`. Its records are kept and the repository is
  // detached (no daemon or worker syncs it), unless `purge`, which deletes
  // the repository and its records.
  Status RemoveRepository(const std::string& name, bool purge);
  // Queues a reconciliation of `name` now (through the catalog's mailbox,
  // so it works the same whichever process holds the repository).
  Result<SyncRequest> RequestReconciliation(const std::string& name,
                                            const std::string& requested_by);
  // One entry per repository in scope, watched here or not.
  Result<std::vector<RepositoryStatus>> Statuses();

 private:
  void ControlLoop();
  // One look at the catalog: start, stop and feed watchers.
  Status Discover();
  // Attached, named (when names were given) and followed; logs once why a
  // named repository is not followed.
  bool InScope(const Repository& repo);
  // Takes the lease and starts a watcher; logs why not otherwise.
  void StartWatcher(const Repository& repo);
  // Logs `line` for `name` unless it is what was last said about it.
  void LogOnce(const std::string& name, LogLevel level,
               const std::string& line);

  CatalogStore& store_;
  Gateway& gateway_;
  const DaemonOptions options_;
  RepositorySetupFn setup_;
  ChangeSourceFactory sources_;
  DaemonLogFn log_;

  std::mutex mu_;  // guards everything below
  std::condition_variable wake_;
  bool started_ = false;
  bool stopping_ = false;
  bool poked_ = false;  // a request came in: look at the catalog now
  std::map<std::string, std::unique_ptr<RepositoryWatcher>> watchers_;
  std::map<std::string, std::string> said_;  // last LogOnce line per name
  std::thread control_;
  std::mutex discover_mu_;  // one Discover at a time
};

}  // namespace tidemark

#endif  // TIDEMARK_DAEMON_SYNC_MANAGER_H_
