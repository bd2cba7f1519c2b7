// Worker: the loop of a long-running tidemark process that shares a catalog
// with other workers. Each repository is synced by exactly one worker: the
// one holding its lease (LeaseKeeper).
//
// Two loops share the set of held repositories:
//  - the taker (its own thread) lists the repositories and takes the lease
//    of each one in scope that nobody holds (a dead worker's lease is free
//    once it expires), then sleeps until the next foreign lease expires or
//    `poll` has passed, so a takeover follows a dead worker's expiry closely
//    even while a long scan runs;
//  - the scanner (the thread that called Run) syncs each held repository
//    when it is due (at once after taking it, then every `interval`), one at
//    a time, and gives up a repository whose lease was lost or that was
//    removed. A reconciliation request in the catalog's mailbox makes its
//    repository due at once; the scan that follows serves it.
//
// The worker borrows the store and the gateway. Run() blocks on the calling
// thread; Stop() may be called from any thread and takes effect after the
// scan in progress. Leases are released when Run() returns. The log
// function is called from both loops, one line at a time.
#ifndef TIDEMARK_SYNC_WORKER_H_
#define TIDEMARK_SYNC_WORKER_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/catalog_store.h"
#include "common/logging.h"
#include "sync/gateway.h"
#include "sync/lease_keeper.h"

namespace tidemark {

struct WorkerOptions {
  LeaseTiming lease;
  // Between the end of one scan of a repository and the start of the next.
  std::chrono::milliseconds interval{std::chrono::hours(1)};
  // The longest sleep between looks for free repositories.
  std::chrono::milliseconds poll{std::chrono::seconds(5)};
  std::vector<std::string> names;  // repositories to serve; empty: all
};

class Worker {
 public:
  // Syncs one repository whose lease this worker holds. An error is logged
  // and the repository is tried again after `interval`.
  using SyncFn = std::function<Status(Repository& repo)>;

  Worker(CatalogStore& store, Gateway& gateway, WorkerOptions options,
         SyncFn sync, LogFn log);
  ~Worker();

  // Runs until Stop(). InvalidArgument for bad options.
  Status Run();
  void Stop();

  // Names of the repositories held now (for tests and status lines).
  std::vector<std::string> HeldRepositories() const;

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  struct Held {
    Repository repo;
    std::unique_ptr<LeaseKeeper> keeper;
    SteadyTime next_scan;
    bool removed = false;  // gone from the catalog; the scanner drops it
  };

  // The taker: one round of taking free leases; returns when the next round
  // should start.
  SteadyTime TakeFree();
  void TakeLoop();
  // The scanner, until Stop().
  void ScanLoop();
  // Drops lost and removed repositories (scanner only). Call under mu_;
  // the dropped keepers are returned, to be destroyed without the lock.
  std::vector<std::unique_ptr<LeaseKeeper>> DropGoneLocked();
  bool InScope(const Repository& repo) const;
  void Log(LogLevel level, const std::string& line);

  CatalogStore& store_;
  Gateway& gateway_;
  const WorkerOptions options_;
  SyncFn sync_;
  LogFn log_;

  std::mutex log_mu_;
  mutable std::mutex mu_;
  std::condition_variable take_wake_;  // wakes the taker (Stop)
  std::condition_variable scan_wake_;  // wakes the scanner (Stop, a new lease)
  bool stopping_ = false;              // guarded by mu_
  // By name; guarded by mu_. The taker only inserts, the scanner erases.
  std::map<std::string, Held> held_;
};

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_WORKER_H_
