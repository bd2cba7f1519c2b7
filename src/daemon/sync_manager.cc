#include "daemon/sync_manager.h"

#include <algorithm>
#include <utility>

namespace tidemark {

SyncManager::SyncManager(CatalogStore& store, Gateway& gateway,
                         DaemonOptions options, RepositorySetupFn setup,
                         ChangeSourceFactory sources, DaemonLogFn log)
    : store_(store),
      gateway_(gateway),
      options_(std::move(options)),
      setup_(std::move(setup)),
      sources_(std::move(sources)),
      log_(std::move(log)) {}

SyncManager::~SyncManager() { Stop(); }

Status SyncManager::Start() {
  RETURN_IF_ERROR(ValidateLeaseTiming(options_.lease));
  if (options_.discovery.count() <= 0 ||
      options_.reconcile_interval.count() <= 0 ||
      options_.unwatched_rescan.count() <= 0 ||
      options_.poll_interval.count() <= 0 ||
      options_.aggregation.debounce.count() < 0) {
    return Status::InvalidArgument(
        "the daemon's intervals must be positive (debounce may be 0)");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_) return Status::FailedPrecondition("already started");
    started_ = true;
  }
  RETURN_IF_ERROR(Discover());
  control_ = std::thread([this] { ControlLoop(); });
  return Status::Ok();
}

void SyncManager::Stop() {
  std::map<std::string, std::unique_ptr<RepositoryWatcher>> watchers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (control_.joinable()) control_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    watchers.swap(watchers_);
  }
  // Ask them all first, so they wind down together.
  for (auto& [name, watcher] : watchers) watcher->Stop();
  watchers.clear();
}

void SyncManager::ControlLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.discovery,
                   [this] { return stopping_ || poked_; });
    if (stopping_) break;
    poked_ = false;
    lock.unlock();
    if (Status s = Discover(); !s.ok()) {
      LogOnce("", LogLevel::kWarning,
              "could not read the catalog: " + s.message() + "; trying again");
    }
    lock.lock();
  }
}

bool SyncManager::InScope(const Repository& repo) {
  if (repo.detached) return false;
  if (!options_.names.empty() &&
      std::find(options_.names.begin(), options_.names.end(), repo.name) ==
          options_.names.end()) {
    return false;
  }
  if (options_.not_followed) {
    const std::string why = options_.not_followed(repo);
    if (!why.empty()) {
      LogOnce(repo.name, LogLevel::kInfo, repo.name + ": " + why);
      return false;
    }
  }
  return true;
}

void SyncManager::LogOnce(const std::string& name, LogLevel level,
                          const std::string& line) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& said = said_[name];
    if (said == line) return;
    said = line;
  }
  log_(level, line);
}

void SyncManager::StartWatcher(const Repository& repo) {
  auto keeper = LeaseKeeper::Acquire(gateway_, repo, options_.lease);
  if (!keeper.ok()) {
    // Held by a live worker: it syncs the repository; we take over when
    // its lease expires.
    LogOnce(repo.name, LogLevel::kInfo,
            repo.name + ": " + keeper.status().message());
    return;
  }
  // Under the lease, look again: it may have been detached or removed since
  // the listing this decision came from.
  auto fresh = store_.FindRepository(repo.name);
  if (!fresh.ok() || !fresh->has_value() || (*fresh)->id != repo.id ||
      !InScope(**fresh)) {
    return;  // the keeper releases the lease
  }
  // The repository may be a new one under a reused id, or have another
  // layout since this process last wrote to it.
  gateway_.ForgetIndexer((*fresh)->id);
  auto setup = setup_(**fresh);
  if (!setup.ok()) {
    LogOnce(repo.name, LogLevel::kWarning,
            repo.name + ": cannot sync: " + setup.status().message());
    return;  // the keeper releases the lease
  }
  auto watcher = std::make_unique<RepositoryWatcher>(
      store_, gateway_, **fresh, std::move(*setup), std::move(*keeper),
      options_, sources_, log_);
  watcher->Start();
  std::lock_guard<std::mutex> lock(mu_);
  said_.erase(repo.name);
  if (stopping_) {
    watcher->Stop();  // destroyed below, outside the lock is not needed:
                      // the loop ends at its first check
  }
  watchers_[repo.name] = std::move(watcher);
}

Status SyncManager::Discover() {
  std::lock_guard<std::mutex> one_at_a_time(discover_mu_);
  ASSIGN_OR_RETURN(auto repos, store_.ListRepositories());
  std::map<std::string, const Repository*> wanted;
  for (const Repository& repo : repos) {
    if (InScope(repo)) wanted[repo.name] = &repo;
  }
  // Drop watchers that ended or whose repository left the scope.
  std::vector<std::unique_ptr<RepositoryWatcher>> dropped;
  std::vector<std::string> unwatched;
  std::vector<const Repository*> to_start;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Ok();
    for (auto it = watchers_.begin(); it != watchers_.end();) {
      auto want = wanted.find(it->first);
      // Another repository under the same name, or under the same id
      // (removed and added again by another process): not this one.
      const Repository& watched = it->second->Snapshot().repository;
      const bool gone = want == wanted.end() ||
                        want->second->id != watched.id ||
                        want->second->created_at_ns != watched.created_at_ns;
      if (gone || it->second->finished()) {
        if (gone) unwatched.push_back(it->first);
        it->second->Stop();
        dropped.push_back(std::move(it->second));
        it = watchers_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [name, repo] : wanted) {
      if (!watchers_.contains(name)) to_start.push_back(repo);
    }
  }
  dropped.clear();  // joins their threads, outside the lock
  for (const std::string& name : unwatched) {
    log_(LogLevel::kInfo,
         name + ": no longer in the catalog, or detached; unwatched");
  }

  if (!to_start.empty()) {
    ASSIGN_OR_RETURN(auto leases, store_.ListLeases());
    for (const Repository* repo : to_start) {
      auto lease = std::find_if(
          leases.begin(), leases.end(),
          [&](const Lease& l) { return l.repository_id == repo->id; });
      // A holder whose process is gone from this host is taken over at
      // once (LeaseKeeper::Acquire).
      if (lease != leases.end() && lease->live() &&
          lease->holder != gateway_.worker_id() &&
          gateway_.HolderFate(*lease) != ProcessFate::kGone) {
        LogOnce(repo->name, LogLevel::kInfo,
                repo->name + ": held by " + lease->holder + " (" +
                    DescribeExpiry(*lease) + "); waiting to take it over");
        continue;
      }
      StartWatcher(*repo);
    }
  }

  // Hand out reconciliation requests to the watchers that hold them.
  ASSIGN_OR_RETURN(auto requests,
                   store_.ListRequests(0, /*pending_only=*/true));
  if (requests.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mu_);
  for (const SyncRequest& request : requests) {
    for (auto& [name, watcher] : watchers_) {
      if (watcher->Snapshot().repository.id == request.repository_id) {
        watcher->Request(request);
      }
    }
  }
  return Status::Ok();
}

Result<Repository> SyncManager::AddRepository(const std::string& name,
                                              const std::string& url,
                                              const std::string& options_json) {
  ASSIGN_OR_RETURN(Repository repo,
                   gateway_.AddRepository(name, url, options_json));
  RETURN_IF_ERROR(Discover());
  return repo;
}

Status SyncManager::RemoveRepository(const std::string& name, bool purge) {
  // No discovery may start a watcher for it meanwhile.
  std::lock_guard<std::mutex> one_at_a_time(discover_mu_);
  ASSIGN_OR_RETURN(auto found, store_.FindRepository(name));
  if (!found.has_value()) {
    return Status::NotFound("no repository named '" + name + "'");
  }
  std::unique_ptr<RepositoryWatcher> watcher;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = watchers_.find(name);
    if (it != watchers_.end()) {
      watcher = std::move(it->second);
      watchers_.erase(it);
    }
  }
  if (watcher != nullptr) {
    watcher->Stop();
    watcher.reset();  // joins and releases the lease
  }
  // Removing or detaching writes the repository: under the lease.
  RETURN_IF_ERROR(gateway_.SetDetached(*found, true));
  if (!purge) return Status::Ok();
  auto keeper = LeaseKeeper::Acquire(gateway_, *found, options_.lease);
  if (!keeper.ok()) return keeper.status();
  // Under the lease, the name must still be this repository.
  ASSIGN_OR_RETURN(auto still, store_.FindRepository(name));
  if (!still.has_value() || still->id != found->id) {
    return Status::Aborted("repository '" + name +
                           "' was replaced meanwhile; nothing was purged");
  }
  return gateway_.RemoveRepository(*still);
}

Result<SyncRequest> SyncManager::RequestReconciliation(
    const std::string& name, const std::string& requested_by) {
  ASSIGN_OR_RETURN(auto found, store_.FindRepository(name));
  if (!found.has_value()) {
    return Status::NotFound("no repository named '" + name + "'");
  }
  ASSIGN_OR_RETURN(
      SyncRequest request,
      gateway_.RequestSync(found->id, OperationType::kReconciliation,
                           requested_by));
  std::lock_guard<std::mutex> lock(mu_);
  poked_ = true;
  wake_.notify_all();
  return request;
}

Result<std::vector<RepositoryStatus>> SyncManager::Statuses() {
  ASSIGN_OR_RETURN(auto repos, store_.ListRepositories());
  std::vector<RepositoryStatus> out;
  for (const Repository& repo : repos) {
    if (!InScope(repo)) continue;
    RepositoryStatus status;
    status.repository = repo;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = watchers_.find(repo.name);
      if (it != watchers_.end()) status = it->second->Snapshot();
    }
    ASSIGN_OR_RETURN(status.totals, store_.Totals(repo.id));
    if (!status.last_operation.has_value()) {
      ASSIGN_OR_RETURN(auto last, store_.ListOperations(repo.id, 1));
      if (!last.empty()) status.last_operation = last.front();
    }
    out.push_back(std::move(status));
  }
  return out;
}

}  // namespace tidemark
