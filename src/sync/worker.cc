#include "sync/worker.h"

#include <algorithm>
#include <optional>
#include <set>
#include <thread>
#include <utility>

namespace tidemark {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// How long after a foreign lease's expiry to look again: late enough that
// the expiry has passed on the store's clock too.
constexpr milliseconds kExpiryMargin{50};

}  // namespace

Worker::Worker(CatalogStore& store, Gateway& gateway, WorkerOptions options,
               SyncFn sync, LogFn log)
    : store_(store),
      gateway_(gateway),
      options_(std::move(options)),
      sync_(std::move(sync)),
      log_(std::move(log)) {}

Worker::~Worker() = default;

bool Worker::InScope(const Repository& repo) const {
  if (repo.detached) return false;
  return options_.names.empty() ||
         std::find(options_.names.begin(), options_.names.end(), repo.name) !=
             options_.names.end();
}

std::vector<std::string> Worker::HeldRepositories() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, held] : held_) out.push_back(name);
  return out;
}

void Worker::Log(LogLevel level, const std::string& line) {
  std::lock_guard<std::mutex> lock(log_mu_);
  log_(level, line);
}

void Worker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  take_wake_.notify_all();
  scan_wake_.notify_all();
}

Status Worker::Run() {
  RETURN_IF_ERROR(ValidateLeaseTiming(options_.lease));
  if (options_.interval.count() <= 0 || options_.poll.count() <= 0) {
    return Status::InvalidArgument(
        "worker interval and poll must be positive durations");
  }
  std::thread taker([this] { TakeLoop(); });
  ScanLoop();
  taker.join();
  std::map<std::string, Held> released;
  {
    std::lock_guard<std::mutex> lock(mu_);
    released.swap(held_);
  }
  for (auto& [name, held] : released) {
    held.keeper.reset();  // releases the lease
    Log(LogLevel::kInfo, "released repository '" + name + "'");
  }
  return Status::Ok();
}

void Worker::TakeLoop() {
  while (true) {
    const SteadyTime next = TakeFree();
    std::unique_lock<std::mutex> lock(mu_);
    if (take_wake_.wait_until(lock, next, [this] { return stopping_; })) {
      return;
    }
  }
}

Worker::SteadyTime Worker::TakeFree() {
  SteadyTime next = steady_clock::now() + options_.poll;
  auto repos = store_.ListRepositories();
  if (!repos.ok()) {
    Log(LogLevel::kWarning, "cannot list repositories: " +
                                repos.status().ToString() + "; retrying");
    return next;
  }
  std::set<std::string> present;
  for (const Repository& repo : *repos) {
    if (!repo.detached) present.insert(repo.name);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [name, held] : held_) {
      if (!present.count(name)) held.removed = true;
    }
  }
  // One read of the leases per round: a repository whose lease is live is
  // only noted (look again just after it would run out), not asked for,
  // unless its holder's process is gone from this host (taken at once).
  std::map<int64_t, Lease> live;
  if (auto leases = store_.ListLeases(); leases.ok()) {
    for (const Lease& lease : *leases) {
      if (lease.live() && gateway_.HolderFate(lease) != ProcessFate::kGone) {
        live[lease.repository_id] = lease;
      }
    }
  }
  for (const Repository& repo : *repos) {
    if (!InScope(repo)) continue;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return next;
      if (held_.count(repo.name)) continue;
    }
    if (auto it = live.find(repo.id); it != live.end()) {
      const Lease& lease = it->second;
      next = std::min(
          next, steady_clock::now() +
                    milliseconds((lease.expires_at_ns - lease.observed_at_ns) /
                                 1'000'000) +
                    kExpiryMargin);
      continue;
    }
    auto keeper = LeaseKeeper::Acquire(gateway_, repo, options_.lease);
    if (!keeper.ok()) {
      // Taken in the meantime (Unavailable), or a real error.
      if (keeper.status().code() != StatusCode::kUnavailable) {
        Log(LogLevel::kWarning, "cannot take repository '" + repo.name +
                                    "': " + keeper.status().ToString());
      }
      continue;
    }
    const std::optional<Lease>& gone = (*keeper)->taken_from_gone();
    Log(LogLevel::kInfo, "took repository '" + repo.name + "' (lease token " +
                             std::to_string((*keeper)->lease().token) +
                             (gone ? ", at once from worker '" + gone->holder +
                                         "', whose process is gone"
                                   : std::string()) +
                             ")");
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_[repo.name] =
          Held{repo, std::move(keeper).value(), steady_clock::now(), false};
    }
    scan_wake_.notify_all();
  }
  // A held repository with a pending reconciliation request is due now.
  if (auto requests = store_.ListRequests(0, /*pending_only=*/true);
      requests.ok() && !requests->empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [name, held] : held_) {
      for (const SyncRequest& request : *requests) {
        if (request.repository_id == held.repo.id) {
          held.next_scan = steady_clock::now();
        }
      }
    }
    scan_wake_.notify_all();
  }
  return next;
}

std::vector<std::unique_ptr<LeaseKeeper>> Worker::DropGoneLocked() {
  std::vector<std::unique_ptr<LeaseKeeper>> dropped;
  for (auto it = held_.begin(); it != held_.end();) {
    std::string why;
    if (it->second.removed) why = "it was removed from the catalog";
    if (it->second.keeper->lost()) {
      why = it->second.keeper->lost_status().message();
    }
    if (why.empty()) {
      ++it;
      continue;
    }
    Log(LogLevel::kWarning, "gave up repository '" + it->first + "': " + why);
    dropped.push_back(std::move(it->second.keeper));
    it = held_.erase(it);
  }
  return dropped;
}

void Worker::ScanLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    {
      auto dropped = DropGoneLocked();
      lock.unlock();
      dropped.clear();  // releasing leases talks to the catalog: no lock
      lock.lock();
    }
    // The first due repository, if any, else when the next one is due.
    SteadyTime wake = steady_clock::now() + options_.poll;
    std::string due;
    for (const auto& [name, held] : held_) {
      if (held.keeper->lost()) continue;
      if (held.next_scan <= steady_clock::now()) {
        due = name;
        break;
      }
      wake = std::min(wake, held.next_scan);
    }
    if (due.empty()) {
      scan_wake_.wait_until(lock, wake);
      continue;
    }
    Repository repo = held_[due].repo;
    lock.unlock();
    Log(LogLevel::kDebug, "'" + due + "' is due: syncing it");
    // The row changes with every scan (generation, state): read it fresh.
    auto fresh = store_.FindRepository(due);
    if (fresh.ok() && fresh->has_value() && (*fresh)->id == repo.id) {
      repo = **fresh;
    }
    // Reconciliation requests (`tidemark reconcile`) are served by this
    // scan: taken now, finished with the operation it recorded.
    std::vector<SyncRequest> requests;
    if (auto pending = store_.ListRequests(repo.id, /*pending_only=*/true);
        pending.ok()) {
      for (SyncRequest& request : *pending) {
        request.taken_at_ns = gateway_.clock().NowNanos();
        request.taken_by = gateway_.worker_id();
        if (gateway_.UpdateRequest(request).ok()) {
          requests.push_back(std::move(request));
        }
      }
    }
    Status synced = sync_(repo);
    if (!synced.ok()) {
      // An error, not a warning: `-q` keeps errors, and a worker under cron
      // or systemd must still say that a repository cannot be synced.
      Log(LogLevel::kError,
          "sync of '" + due + "' failed: " + synced.message());
    }
    if (!requests.empty()) {
      auto last = store_.ListOperations(repo.id, 1);
      for (SyncRequest& request : requests) {
        if (last.ok() && !last->empty()) {
          request.operation_id = last->front().id;
        }
        request.finished_at_ns = gateway_.clock().NowNanos();
        (void)gateway_.UpdateRequest(request);
      }
    }
    lock.lock();
    if (auto it = held_.find(due); it != held_.end()) {
      it->second.repo = repo;
      it->second.next_scan = steady_clock::now() + options_.interval;
    }
  }
}

}  // namespace tidemark
