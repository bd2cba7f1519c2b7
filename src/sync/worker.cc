#include "sync/worker.h"

#include <algorithm>
#include <set>
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

void Worker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
}

Status Worker::Run() {
  RETURN_IF_ERROR(ValidateLeaseTiming(options_.lease));
  if (options_.interval.count() <= 0 || options_.poll.count() <= 0) {
    return Status::InvalidArgument(
        "worker interval and poll must be positive durations");
  }
  while (true) {
    const SteadyTime next = Tick();
    std::unique_lock<std::mutex> lock(mu_);
    if (wake_.wait_until(lock, next, [this] { return stopping_; })) break;
  }
  std::map<std::string, Held> released;
  {
    std::lock_guard<std::mutex> lock(mu_);
    released.swap(held_);
  }
  for (auto& [name, held] : released) {
    held.keeper.reset();  // releases the lease
    log_("released repository '" + name + "'");
  }
  return Status::Ok();
}

Worker::SteadyTime Worker::Tick() {
  SteadyTime next = steady_clock::now() + options_.poll;
  auto repos = store_.ListRepositories();
  if (!repos.ok()) {
    log_("cannot list repositories: " + repos.status().ToString() +
         "; retrying");
    return next;
  }
  std::set<std::string> present;
  for (const Repository& repo : *repos) present.insert(repo.name);

  // Give up what is gone or lost.
  for (auto it = held_.begin(); it != held_.end();) {
    std::string why;
    if (!present.count(it->first)) why = "it was removed from the catalog";
    if (it->second.keeper->lost()) {
      why = it->second.keeper->lost_status().message();
    }
    if (why.empty()) {
      ++it;
      continue;
    }
    log_("gave up repository '" + it->first + "': " + why);
    std::lock_guard<std::mutex> lock(mu_);
    it = held_.erase(it);
  }

  // Take what is free.
  for (const Repository& repo : *repos) {
    if (!InScope(repo) || held_.count(repo.name)) continue;
    auto keeper = LeaseKeeper::Acquire(gateway_, repo, options_.lease);
    if (!keeper.ok()) {
      // Busy: look again just after the holder's lease would run out.
      auto leases = store_.ListLeases();
      if (leases.ok()) {
        for (const Lease& lease : *leases) {
          if (lease.repository_id != repo.id || !lease.live()) continue;
          const auto left =
              milliseconds((lease.expires_at_ns - lease.observed_at_ns) /
                           1'000'000) +
              kExpiryMargin;
          next = std::min(next, steady_clock::now() + left);
        }
      }
      if (keeper.status().code() != StatusCode::kUnavailable) {
        log_("cannot take repository '" + repo.name +
             "': " + keeper.status().ToString());
      }
      continue;
    }
    log_("took repository '" + repo.name + "' (lease token " +
         std::to_string((*keeper)->lease().token) + ")");
    std::lock_guard<std::mutex> lock(mu_);
    held_[repo.name] =
        Held{repo, std::move(keeper).value(), steady_clock::now()};
  }

  // Sync what is due.
  for (auto& [name, held] : held_) {
    if (steady_clock::now() < held.next_scan || held.keeper->lost()) continue;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
    }
    // The row changes with every scan (generation, state): read it fresh.
    auto fresh = store_.FindRepository(name);
    if (fresh.ok() && fresh->has_value()) held.repo = **fresh;
    Status synced = sync_(held.repo);
    if (!synced.ok()) {
      log_("sync of '" + name + "' failed: " + synced.ToString());
    }
    held.next_scan = steady_clock::now() + options_.interval;
  }
  for (const auto& [name, held] : held_) next = std::min(next, held.next_scan);
  return next;
}

}  // namespace tidemark
