#include "daemon/repository_watcher.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "common/paths.h"
#include "sync/path_sync.h"
#include "sync/reconciler.h"

namespace tidemark {
namespace {

using std::chrono::milliseconds;

// The longest a Poll blocks, so Stop and requests are noticed quickly.
constexpr int64_t kTickNs = 200'000'000;
// Ready paths are taken at most this often, so a steady stream of events
// (1,000 files/s) becomes a few dozen batches a second rather than one
// operation row per file, at a cost of up to this much latency.
constexpr int64_t kBatchGapNs = 20'000'000;
// Realtime removals within this window add up for the mass-removal rule.
constexpr int64_t kRemovalWindowNs = 60'000'000'000;
// Past this many unwatched directories, one full scan covers them all.
constexpr size_t kMaxScopedRescans = 32;

int64_t Ns(milliseconds d) { return d.count() * 1'000'000; }

// "500 ms", "5 s", "24 h": for reasons shown to people.
std::string Describe(milliseconds d) {
  const int64_t ms = d.count();
  if (ms < 1000 || ms % 1000 != 0) return std::to_string(ms) + " ms";
  if (ms < 60'000 || ms % 60'000 != 0) return std::to_string(ms / 1000) + " s";
  if (ms < 3'600'000 || ms % 3'600'000 != 0) {
    return std::to_string(ms / 60'000) + " min";
  }
  return std::to_string(ms / 3'600'000) + " h";
}

std::string Counts(const SyncOperation& op) {
  const OperationCounters& c = op.counters;
  std::string line = std::string(OperationStatusName(op.status)) + ": +" +
                     std::to_string(c.added) + " ~" +
                     std::to_string(c.updated) + " >" +
                     std::to_string(c.moved) + " -" + std::to_string(c.removed);
  if (c.errors > 0) line += ", " + std::to_string(c.errors) + " errors";
  line += " in " + std::to_string(op.duration_ms) + " ms";
  if (!op.error_message.empty()) line += " (" + op.error_message + ")";
  return line;
}

// Whether a scan listed all it was to list: no listing or catalog failure,
// no directory that could not be listed.
bool ReadWhole(const Result<ReconcileReport>& report) {
  return report.ok() && report->operation.status != OperationStatus::kFailed &&
         report->unlisted_subtrees == 0;
}

}  // namespace

RepositoryWatcher::RepositoryWatcher(CatalogStore& store, Gateway& gateway,
                                     Repository repo, RepositorySetup setup,
                                     std::unique_ptr<LeaseKeeper> keeper,
                                     const DaemonOptions& options,
                                     ChangeSourceFactory sources,
                                     DaemonLogFn log)
    : store_(store),
      gateway_(gateway),
      repo_(std::move(repo)),
      setup_(std::move(setup)),
      keeper_(std::move(keeper)),
      options_(options),
      sources_(std::move(sources)),
      log_(std::move(log)),
      aggregator_(options.aggregation) {
  status_.repository = repo_;
}

RepositoryWatcher::~RepositoryWatcher() {
  Stop();
  if (thread_.joinable()) thread_.join();
}

void RepositoryWatcher::Start() {
  thread_ = std::thread([this] {
    Loop();
    finished_ = true;
  });
}

void RepositoryWatcher::Stop() {
  stopping_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  wake_.notify_all();
}

void RepositoryWatcher::Request(const SyncRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!queued_ids_.insert(request.id).second) return;
  requests_.push_back(request);
  wake_.notify_all();
}

RepositoryStatus RepositoryWatcher::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

bool RepositoryWatcher::ShouldStop() const {
  return stopping_.load() || keeper_->lost();
}

int64_t RepositoryWatcher::Now() const {
  return gateway_.clock().MonotonicNanos();
}

void RepositoryWatcher::WaitFor(milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, timeout,
                 [this] { return stopping_.load() || !requests_.empty(); });
}

void RepositoryWatcher::SetMode(WatchMode mode, std::string reason) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_.mode = mode;
    status_.reason = reason;
  }
  if (published_ && mode == published_mode_ && reason == published_reason_) {
    return;
  }
  WatchStatus status;
  status.repository_id = repo_.id;
  status.mode = mode;
  status.reason = reason;
  if (Status s = gateway_.SetWatchStatus(status); !s.ok()) {
    log_(LogLevel::kWarning,
         repo_.name + ": could not record the watch state: " + s.message());
    return;
  }
  published_ = true;
  published_mode_ = mode;
  published_reason_ = std::move(reason);
  std::string line = repo_.name + ": " + std::string(WatchModeName(mode));
  if (!published_reason_.empty()) line += " — " + published_reason_;
  // Polling because the root cannot be reached is as bad as degraded.
  const bool unhealthy = mode == WatchMode::kDegraded || root_missing_;
  log_(unhealthy ? LogLevel::kWarning : LogLevel::kInfo, line);
}

void RepositoryWatcher::Finished(const SyncOperation& op,
                                 const std::string& what) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_.last_operation = op;
  }
  log_(op.status == OperationStatus::kCompleted ? LogLevel::kInfo
                                                : LogLevel::kWarning,
       repo_.name + ": " + what + " " + Counts(op));
}

bool RepositoryWatcher::OpenSource() {
  source_.reset();
  if (setup_.watch_root.empty() || !sources_) return false;
  auto source = sources_(setup_.watch_root);
  Status started = source.ok() ? (*source)->Start() : source.status();
  if (!started.ok()) {
    if (started.IsNotFound() || started.IsUnavailable()) {
      RootGone(started.message());
    } else {
      // No watch at all (instances or watches exhausted, unreadable root):
      // the whole repository is covered by periodic rescans.
      unwatched_ = {""};
      unwatched_reason_ = started.message();
      next_unwatched_rescan_ns_ = Now() + Ns(options_.unwatched_rescan);
    }
    return false;
  }
  source_ = std::move(*source);
  root_missing_ = false;
  // Everything below the root is watched again.
  unwatched_.clear();
  unwatched_reason_.clear();
  return true;
}

void RepositoryWatcher::RootGone(const std::string& reason) {
  if (source_ != nullptr) source_->Close();
  source_.reset();
  root_missing_ = true;
  next_root_look_ns_ = Now() + Ns(options_.poll_interval);
  log_(LogLevel::kDebug, repo_.name + ": the root is gone (" + reason +
                             "); looking for it again in " +
                             Describe(options_.poll_interval));
  if (repo_.state != RepositoryState::kOffline) {
    (void)gateway_.SetRepositoryState(repo_, RepositoryState::kOffline, reason);
  }
}

ReconcileOptions RepositoryWatcher::ScanOptions(
    OperationType type, const std::string& scope) const {
  ReconcileOptions ro;
  ro.type = type;
  ro.scope = scope;
  ro.hash = setup_.hash;
  ro.batch_size = setup_.batch_size;
  ro.walker_threads = setup_.threads;
  ro.hash_threads = setup_.threads;
  ro.mass_removal_threshold = setup_.mass_removal_threshold;
  ro.allow_mass_removal = options_.allow_mass_removal;
  ro.filter = setup_.filter ? &*setup_.filter : nullptr;
  ro.cancel = &stopping_;
  return ro;
}

bool RepositoryWatcher::FullScan(OperationType type) {
  const ReconcileOptions ro = ScanOptions(type, "");
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_.busy = true;
  }
  Reconciler reconciler(*setup_.backend, store_, gateway_);
  auto report = reconciler.Run(repo_, ro);
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_.busy = false;
  }
  last_full_scan_id_ = report.ok() ? report->operation.id : 0;
  last_scan_read_whole_ = ReadWhole(report);
  const std::string what(OperationTypeName(type));
  if (!report.ok()) {
    SyncFailed(what, report.status(), /*full_scan=*/true);
    return true;
  }
  Finished(report->operation, what);
  if (report->operation.status != OperationStatus::kFailed) {
    // It looked at every record again: these are what it holds back now.
    held_back_ = {report->held_back.begin(), report->held_back.end()};
  }
  if (report->offline) {
    RootGone(report->operation.error_message);
    return false;
  }
  if (report->operation.status == OperationStatus::kFailed) {
    // The listing failed part-way (the root is there): nothing was removed,
    // and what it did not reach is caught up by the retry.
    SyncFailed(what, Status::Unavailable(report->operation.error_message),
               /*full_scan=*/true);
    return true;
  }
  Recovered();
  // Whatever happened, the whole tree was looked at again.
  if (!unwatched_.contains("")) {
    next_unwatched_rescan_ns_ = Now() + Ns(options_.unwatched_rescan);
  }
  return true;
}

bool RepositoryWatcher::Catalogued(const std::string& directory) const {
  return directory.empty() || !setup_.filter ||
         setup_.filter->AcceptWithParents(directory, true);
}

void RepositoryWatcher::Reconcile(OperationType type) {
  next_reconcile_ns_ = std::numeric_limits<int64_t>::max();
  FullScan(type);  // brings it forward when it fails
  next_reconcile_ns_ =
      std::min(next_reconcile_ns_, Now() + Ns(options_.reconcile_interval));
  if (failed_attempts_ == 0) {  // else SyncFailed said when it is retried
    log_(LogLevel::kDebug, repo_.name + ": next reconciliation in " +
                               Describe(options_.reconcile_interval));
  }
}

milliseconds RepositoryWatcher::RetryDelay() const {
  milliseconds delay = options_.catch_up_retry;
  for (int i = 1; i < failed_attempts_ && delay < options_.catch_up_retry_max;
       ++i) {
    delay *= 2;
  }
  return std::min(delay, options_.catch_up_retry_max);
}

void RepositoryWatcher::SyncFailed(const std::string& what, const Status& why,
                                   bool full_scan) {
  const bool cancelled = why.code() == StatusCode::kCancelled;
  log_(cancelled ? LogLevel::kInfo : LogLevel::kWarning,
       repo_.name + ": " + what + " failed: " + why.message());
  if (cancelled || ShouldStop()) return;
  // What that work was to look at is forgotten by the aggregator: a full
  // reconciliation catches it up once the catalog answers again. Batches
  // that fail while one is pending do not postpone it.
  if (!full_scan && failed_attempts_ > 0) return;
  ++failed_attempts_;
  const milliseconds delay = RetryDelay();
  next_reconcile_ns_ = std::min(next_reconcile_ns_, Now() + Ns(delay));
  failure_ = what + " failed (" + why.message() +
             "); a full reconciliation is retried in " + Describe(delay) +
             " (attempt " + std::to_string(failed_attempts_ + 1) + ")";
  log_(LogLevel::kWarning, repo_.name + ": " + failure_);
}

void RepositoryWatcher::Recovered() {
  if (failed_attempts_ == 0) return;
  log_(LogLevel::kInfo, repo_.name + ": caught up after " +
                            std::to_string(failed_attempts_) +
                            " failed attempt(s)");
  failed_attempts_ = 0;
  failure_.clear();
  // The retry that was pending is this scan's job done.
  next_reconcile_ns_ = Now() + Ns(options_.reconcile_interval);
}

bool RepositoryWatcher::Rescan(const std::string& scope) {
  if (scope.empty()) {
    FullScan(OperationType::kRealtime);
    return last_full_scan_id_ != 0;
  }
  // A filtered directory (hidden, excluded) has no records to look for.
  last_scan_read_whole_ = true;
  if (!Catalogued(scope)) return true;
  const ReconcileOptions ro = ScanOptions(OperationType::kRealtime, scope);
  Reconciler reconciler(*setup_.backend, store_, gateway_);
  auto report = reconciler.Run(repo_, ro);
  last_scan_read_whole_ = ReadWhole(report);
  const std::string what = "rescan of '" + DisplayPath(scope) + "'";
  if (!report.ok()) {
    SyncFailed(what, report.status(), /*full_scan=*/false);
    return false;
  }
  Finished(report->operation, what);
  held_back_.insert(report->held_back.begin(), report->held_back.end());
  if (report->offline) {
    RootGone(report->operation.error_message);
  } else if (report->operation.status == OperationStatus::kFailed) {
    SyncFailed(what, Status::Unavailable(report->operation.error_message),
               /*full_scan=*/false);
  }
  return report->operation.status != OperationStatus::kFailed;
}

void RepositoryWatcher::SyncPaths(std::vector<std::string> paths,
                                  std::vector<std::string> unlisted) {
  PathSyncOptions po;
  po.unlisted = std::move(unlisted);
  po.hash = setup_.hash;
  po.batch_size = setup_.batch_size;
  po.hash_threads = setup_.threads;
  po.mass_removal_threshold = setup_.mass_removal_threshold;
  po.allow_mass_removal = options_.allow_mass_removal;
  po.filter = setup_.filter ? &*setup_.filter : nullptr;
  po.cancel = &stopping_;
  // Removals of the last minute count towards the mass-removal threshold.
  if (Now() - removal_window_start_ns_ > kRemovalWindowNs) {
    removal_window_start_ns_ = Now();
    recently_removed_ = 0;
  }
  po.recently_removed = recently_removed_;
  const size_t count = paths.size();
  PathSync sync(*setup_.backend, store_, gateway_);
  auto report = sync.Run(repo_, std::move(paths), po);
  if (!report.ok()) {
    SyncFailed("realtime batch of " + std::to_string(count) + " paths",
               report.status(), /*full_scan=*/false);
    return;
  }
  held_back_.insert(report->held_back.begin(), report->held_back.end());
  if (report->wrote_operation) {
    recently_removed_ += report->operation.counters.removed;
    Finished(report->operation,
             "realtime batch (" + std::to_string(count) + " paths)");
  }
  if (report->offline) RootGone(repo_.state_reason);
}

void RepositoryWatcher::AddUnwatched(const std::string& directory,
                                     const std::string& reason) {
  if (!Catalogued(directory)) return;  // nothing of it is catalogued
  unwatched_reason_ = reason;
  for (const std::string& known : unwatched_) {
    if (PathInScope(directory, known)) return;  // already covered
  }
  std::erase_if(unwatched_, [&](const std::string& known) {
    return PathInScope(known, directory);
  });
  if (unwatched_.empty()) {
    next_unwatched_rescan_ns_ = Now() + Ns(options_.unwatched_rescan);
    log_(LogLevel::kDebug, repo_.name + ": '" + DisplayPath(directory) +
                               "' is not watched (" + reason +
                               "); a rescan is scheduled in " +
                               Describe(options_.unwatched_rescan));
  }
  unwatched_.insert(directory);
}

void RepositoryWatcher::RescanUnwatched() {
  next_unwatched_rescan_ns_ = Now() + Ns(options_.unwatched_rescan);
  bool read_all = true;  // every unwatched directory was read whole
  if (unwatched_.size() > kMaxScopedRescans || unwatched_.contains("")) {
    FullScan(OperationType::kRealtime);
    read_all = last_scan_read_whole_;
  } else {
    for (const std::string& directory : unwatched_) {
      if (ShouldStop()) return;
      Rescan(directory);
      read_all &= last_scan_read_whole_;
    }
  }
  // Moves into those directories were just found: what was held back for
  // them and is still gone can go now. While one of them cannot be read,
  // everything held back still may be there.
  if (read_all && !held_back_.empty() && !ShouldStop()) {
    std::vector<std::string> paths(held_back_.begin(), held_back_.end());
    held_back_.clear();
    SyncPaths(std::move(paths), {});
  }
}

void RepositoryWatcher::Apply(const ReadyWork& work) {
  log_(LogLevel::kDebug,
       repo_.name + ": events ready: " + std::to_string(work.paths.size()) +
           " paths, " + std::to_string(work.deletions.size()) + " deletions, " +
           std::to_string(work.moves.size()) + " moves, " +
           std::to_string(work.rescans.size()) + " rescans, " +
           std::to_string(work.unwatched.size()) + " unwatched" +
           (work.root_gone.has_value() ? ", root gone" : ""));
  for (const ReadyWork::Unwatched& u : work.unwatched) {
    AddUnwatched(u.directory, u.reason);
  }
  if (work.root_gone.has_value()) {
    RootGone(*work.root_gone);
    return;
  }
  std::vector<std::string> paths;
  for (const ReadyWork::Move& move : work.moves) {
    if (move.is_directory && !Catalogued(move.to)) {
      // Moved into a filtered directory (a hidden trash folder): for the
      // catalog, its files are gone.
      paths.push_back(move.from);
    } else if (move.is_directory) {
      // The records follow their inodes into the new directory; whatever
      // is left at the old one is gone. If the rescan failed, the old
      // records stay where they are (a reconciliation follows), rather
      // than being removed instead of moved.
      if (Rescan(move.to)) paths.push_back(move.from);
    } else {
      paths.push_back(move.from);
      paths.push_back(move.to);
    }
  }
  for (const std::string& scope : work.rescans) {
    if (ShouldStop()) return;
    Rescan(scope);
  }
  paths.insert(paths.end(), work.paths.begin(), work.paths.end());
  paths.insert(paths.end(), work.deletions.begin(), work.deletions.end());
  if (!paths.empty() && !ShouldStop()) {
    SyncPaths(std::move(paths), {unwatched_.begin(), unwatched_.end()});
  }
}

void RepositoryWatcher::ServeRequests() {
  std::deque<SyncRequest> taken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    taken.swap(requests_);
  }
  if (taken.empty()) return;
  const int64_t now = gateway_.clock().NowNanos();
  for (SyncRequest& request : taken) {
    request.taken_at_ns = now;
    request.taken_by = keeper_->lease().holder;
    if (Status s = gateway_.UpdateRequest(request); !s.ok()) {
      log_(LogLevel::kWarning, repo_.name + ": could not take request " +
                                   std::to_string(request.id) + ": " +
                                   s.message());
    }
  }
  log_(LogLevel::kInfo, repo_.name + ": reconciliation requested by " +
                            taken.front().requested_by);
  Reconcile(OperationType::kReconciliation);
  for (SyncRequest& request : taken) {
    request.operation_id = last_full_scan_id_;
    request.finished_at_ns = gateway_.clock().NowNanos();
    (void)gateway_.UpdateRequest(request);
  }
}

void RepositoryWatcher::Loop() {
  StartUp();
  std::vector<FsEvent> events;
  while (!ShouldStop()) {
    PublishMode();
    AwaitEvents(events);
    if (ShouldStop()) break;
    RunDueWork();
  }
  ShutDown();
}

void RepositoryWatcher::StartUp() {
  const bool watching = OpenSource();
  if (root_missing_) {
    next_reconcile_ns_ = Now() + Ns(options_.reconcile_interval);
    return;
  }
  SetMode(watching ? WatchMode::kWatching : WatchMode::kPolling,
          watching ? "" : "starting; no change events for this storage");
  Reconcile(OperationType::kStartup);
}

void RepositoryWatcher::PublishMode() {
  if (root_missing_) {
    SetMode(WatchMode::kPolling,
            "the root cannot be reached (" + repo_.state_reason +
                "); looking again every " + Describe(options_.poll_interval));
  } else if (!failure_.empty()) {
    SetMode(WatchMode::kDegraded, failure_);
  } else if (!unwatched_.empty()) {
    std::string first = unwatched_.begin()->empty()
                            ? std::string("the root")
                            : "'" + DisplayPath(*unwatched_.begin()) + "'";
    SetMode(WatchMode::kDegraded,
            std::to_string(unwatched_.size()) +
                " directories are not watched (first: " + first +
                "): " + unwatched_reason_ + "; they are rescanned every " +
                Describe(options_.unwatched_rescan));
  } else if (source_ == nullptr) {
    SetMode(WatchMode::kPolling,
            "no change events for this storage; reconciled every " +
                Describe(options_.reconcile_interval));
  } else {
    SetMode(WatchMode::kWatching, "");
  }
}

int64_t RepositoryWatcher::NextWake(int64_t now) {
  int64_t wake = now + kTickNs;
  // While the root is missing, only the look for it is scheduled.
  if (!root_missing_) wake = std::min(wake, next_reconcile_ns_);
  // The aggregator's deadline costs a pass over what is pending, so it is
  // recomputed only after work was taken; new events can only bring it
  // forward to their own debounce (waking early is harmless).
  if (deadline_stale_) {
    deadline_ = aggregator_.NextDeadline();
    deadline_stale_ = false;
  }
  if (deadline_.has_value()) {
    wake = std::min(wake, std::max(*deadline_, next_take_ns_));
  }
  if (!unwatched_.empty() && !root_missing_) {
    wake = std::min(wake, next_unwatched_rescan_ns_);
  }
  if (root_missing_) wake = std::min(wake, next_root_look_ns_);
  return wake;
}

void RepositoryWatcher::AwaitEvents(std::vector<FsEvent>& events) {
  const int64_t now = Now();
  const auto timeout =
      milliseconds(std::max<int64_t>(0, NextWake(now) - now) / 1'000'000);
  if (source_ == nullptr) {
    WaitFor(timeout);
    return;
  }
  events.clear();
  auto polled = source_->Poll(&events, timeout);
  const int64_t at = Now();
  if (!polled.ok()) {
    log_(LogLevel::kWarning, repo_.name + ": change events failed (" +
                                 polled.status().message() +
                                 "); restarting the watch");
    source_.reset();
    if (OpenSource()) FullScan(OperationType::kRealtime);
  }
  Aggregate(events, at);
}

void RepositoryWatcher::Aggregate(const std::vector<FsEvent>& events,
                                  int64_t at) {
  const int64_t debounce_ns =
      std::chrono::nanoseconds(options_.aggregation.debounce).count();
  for (const FsEvent& event : events) {
    aggregator_.Add(event, at);
    if (event.kind == FsEvent::Kind::kUnwatched ||
        event.kind == FsEvent::Kind::kRootGone) {
      deadline_stale_ = true;  // handed out at once
    } else if (!deadline_.has_value() || at + debounce_ns < *deadline_) {
      deadline_ = at + debounce_ns;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  status_.pending_paths = static_cast<int64_t>(aggregator_.pending());
}

void RepositoryWatcher::RunDueWork() {
  const int64_t now = Now();
  TakeReadyWork(now);
  ServeRequests();
  LookForRoot(now);
  if (!root_missing_ && Now() >= next_reconcile_ns_) {
    Reconcile(OperationType::kReconciliation);
  }
  if (!root_missing_ && !unwatched_.empty() &&
      Now() >= next_unwatched_rescan_ns_) {
    RescanUnwatched();
  }
}

void RepositoryWatcher::TakeReadyWork(int64_t now) {
  if (now < next_take_ns_ || deadline_stale_ || !deadline_.has_value() ||
      now < *deadline_) {
    return;
  }
  deadline_stale_ = true;
  ReadyWork work = aggregator_.TakeReady(now);
  if (work.empty()) return;
  next_take_ns_ = now + kBatchGapNs;
  Apply(work);
}

void RepositoryWatcher::LookForRoot(int64_t now) {
  if (!root_missing_ || now < next_root_look_ns_) return;
  next_root_look_ns_ = now + Ns(options_.poll_interval);
  if (!setup_.backend->CheckRoot().ok()) return;
  log_(LogLevel::kInfo, repo_.name + ": the root is back; reconciling");
  root_missing_ = false;
  OpenSource();
  if (!root_missing_) Reconcile(OperationType::kReconciliation);
}

void RepositoryWatcher::ShutDown() {
  if (source_ != nullptr) source_->Close();
  if (keeper_->lost()) {
    log_(LogLevel::kWarning, repo_.name + ": gave up the repository: " +
                                 keeper_->lost_status().message());
  } else {
    SetMode(WatchMode::kStopped, "");
  }
}

}  // namespace tidemark
