#include "watch/event_aggregator.h"

#include <algorithm>
#include <cstdint>

namespace tidemark {
namespace {

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// True if `path` is `directory` or below it ("" holds everything).
bool Under(const std::string& path, const std::string& directory) {
  if (directory.empty()) return true;
  return path.size() >= directory.size() &&
         path.compare(0, directory.size(), directory) == 0 &&
         (path.size() == directory.size() || path[directory.size()] == '/');
}

}  // namespace

EventAggregator::EventAggregator(AggregatorOptions options)
    : options_(options),
      debounce_ns_(std::chrono::nanoseconds(options.debounce).count()) {}

bool EventAggregator::Quiet(int64_t last_ns, int64_t now_ns) const {
  return now_ns - last_ns >= debounce_ns_;
}

bool EventAggregator::PathReady(const PathState& state, int64_t now_ns) const {
  if (!Quiet(state.last_ns, now_ns)) return false;
  if (!state.awaiting_close) return true;
  return now_ns - state.opened_ns >=
         std::chrono::nanoseconds(options_.max_open_wait).count();
}

size_t EventAggregator::pending() const {
  return paths_.size() + moves_.size() + rescans_.size();
}

std::map<std::string, EventAggregator::PathState>::iterator
EventAggregator::ErasePath(std::map<std::string, PathState>::iterator it) {
  if (auto count = per_directory_.find(ParentOf(it->first));
      count != per_directory_.end() && --count->second == 0) {
    per_directory_.erase(count);
  }
  return paths_.erase(it);
}

bool EventAggregator::AbsorbedByRescan(const std::string& path,
                                       int64_t now_ns) {
  for (auto& [directory, last_ns] : rescans_) {
    if (Under(path, directory)) {
      last_ns = std::max(last_ns, now_ns);
      return true;
    }
  }
  return false;
}

void EventAggregator::AddRescan(const std::string& directory, int64_t now_ns) {
  if (AbsorbedByRescan(directory, now_ns)) return;
  for (auto it = rescans_.begin(); it != rescans_.end();) {
    it = Under(it->first, directory) ? rescans_.erase(it) : std::next(it);
  }
  for (auto it = paths_.begin(); it != paths_.end();) {
    if (!Under(it->first, directory)) {
      ++it;
      continue;
    }
    it = ErasePath(it);
  }
  rescans_[directory] = now_ns;
}

void EventAggregator::CheckBurst(const std::string& path, int64_t now_ns,
                                 bool deleted) {
  const std::string parent = ParentOf(path);
  // Deletions never turn into a rescan: the directory may be gone, and a
  // scope that lists empty is paused by rule 3, while deletions are already
  // handed out as one batch (and confirmed one by one).
  if (++per_directory_[parent] > options_.directory_burst && !deleted) {
    AddRescan(parent, now_ns);
  }
}

void EventAggregator::Touch(const std::string& path, int64_t now_ns,
                            bool deleted, bool is_directory) {
  auto [it, inserted] = paths_.try_emplace(path);
  PathState& state = it->second;
  if (inserted) state.first_ns = now_ns;
  state.last_ns = now_ns;
  state.deleted = deleted;
  state.is_directory = is_directory;
  if (deleted) state.awaiting_close = false;
  if (inserted) CheckBurst(path, now_ns, deleted);
}

void EventAggregator::Add(const FsEvent& event, int64_t now_ns) {
  using Kind = FsEvent::Kind;
  switch (event.kind) {
    case Kind::kUnwatched:
      unwatched_.push_back({event.path, event.reason});
      return;
    case Kind::kRootGone:
      root_gone_ = event.reason.empty() ? "the root went away" : event.reason;
      return;
    case Kind::kOverflow:
      AddRescan(event.path, now_ns);
      return;
    default:
      break;
  }
  if (AbsorbedByRescan(event.path, now_ns)) return;
  switch (event.kind) {
    case Kind::kCreated: {
      Touch(event.path, now_ns, false, event.is_directory);
      auto it = paths_.find(event.path);
      if (it != paths_.end() && event.may_be_open && !event.is_directory) {
        it->second.awaiting_close = true;
        it->second.opened_ns = now_ns;
      }
      return;
    }
    case Kind::kWriting:
    case Kind::kAttributes:
      Touch(event.path, now_ns, false, event.is_directory);
      return;
    case Kind::kModified: {
      Touch(event.path, now_ns, false, event.is_directory);
      auto it = paths_.find(event.path);
      if (it != paths_.end()) it->second.awaiting_close = false;
      return;
    }
    case Kind::kDeleted:
      Touch(event.path, now_ns, true, event.is_directory);
      return;
    case Kind::kMovedFrom: {
      if (event.cookie == 0) {
        Touch(event.path, now_ns, true, event.is_directory);
        return;
      }
      // What was pending at the old path travels with the move.
      if (auto old = paths_.find(event.path); old != paths_.end()) {
        ErasePath(old);
      }
      moves_[event.cookie] =
          PendingMove{event.path, "", event.is_directory, now_ns, now_ns};
      return;
    }
    case Kind::kMovedTo: {
      auto it = moves_.find(event.cookie);
      if (event.cookie != 0 && it != moves_.end() && it->second.to.empty()) {
        it->second.to = event.path;
        it->second.last_ns = now_ns;
        return;
      }
      // From outside the root: new here. A directory is re-listed whole.
      if (event.is_directory) {
        AddRescan(event.path, now_ns);
      } else {
        Touch(event.path, now_ns, false, false);
      }
      return;
    }
    default:
      return;
  }
}

ReadyWork EventAggregator::TakeReady(int64_t now_ns) {
  ReadyWork work;
  // Moves: paired and quiet ones are ready; an unpaired one, once quiet, is
  // a deletion of its old path.
  for (auto it = moves_.begin(); it != moves_.end();) {
    PendingMove& move = it->second;
    if (!Quiet(move.last_ns, now_ns)) {
      ++it;
      continue;
    }
    if (!move.to.empty()) {
      work.moves.push_back({move.from, move.to, move.is_directory});
    } else if (!AbsorbedByRescan(move.from, move.last_ns)) {
      Touch(move.from, move.last_ns, true, move.is_directory);
      paths_[move.from].first_ns = move.first_ns;
    }
    it = moves_.erase(it);
  }
  for (auto it = rescans_.begin(); it != rescans_.end();) {
    if (Quiet(it->second, now_ns)) {
      work.rescans.push_back(it->first);
      it = rescans_.erase(it);
    } else {
      ++it;
    }
  }
  // A deletion waits for what began in its window and is not ready yet, so
  // a create that follows it is applied first.
  const int64_t blockers_from = EarliestBlocker(now_ns);
  const bool deletions_due = DeletionsReleaseAt() <= now_ns;
  // Past the longest wait, nothing holds deletions back any more, not even
  // a file that is written without pause.
  const bool deletions_overdue = DeletionsOverdue(now_ns);
  auto blocks = [&](int64_t deleted_ns) {
    return !deletions_overdue && blockers_from <= deleted_ns + debounce_ns_;
  };
  for (auto it = paths_.begin(); it != paths_.end();) {
    const PathState& state = it->second;
    bool take = false;
    if (!state.deleted && PathReady(state, now_ns)) {
      work.paths.push_back(it->first);
      take = true;
    } else if (state.deleted && deletions_due && Quiet(state.last_ns, now_ns) &&
               !blocks(state.last_ns)) {
      work.deletions.push_back(it->first);
      take = true;
    }
    if (!take) {
      ++it;
      continue;
    }
    it = ErasePath(it);
  }
  work.unwatched = std::move(unwatched_);
  unwatched_.clear();
  work.root_gone = std::move(root_gone_);
  root_gone_.reset();
  return work;
}

int64_t EventAggregator::EarliestBlocker(std::optional<int64_t> now_ns) const {
  int64_t earliest = INT64_MAX;
  for (const auto& [path, state] : paths_) {
    if (state.deleted || state.awaiting_close) continue;
    if (now_ns && PathReady(state, *now_ns)) continue;
    earliest = std::min(earliest, state.first_ns);
  }
  for (const auto& [cookie, move] : moves_) {
    earliest = std::min(earliest, move.first_ns);
  }
  return earliest;
}

bool EventAggregator::DeletionsOverdue(int64_t now_ns) const {
  const int64_t max_wait =
      std::chrono::nanoseconds(options_.max_deletion_wait).count();
  for (const auto& [path, state] : paths_) {
    if (state.deleted && state.first_ns + max_wait <= now_ns) return true;
  }
  return false;
}

int64_t EventAggregator::DeletionsReleaseAt() const {
  int64_t first = INT64_MAX;
  int64_t last = INT64_MIN;
  for (const auto& [path, state] : paths_) {
    if (!state.deleted) continue;
    first = std::min(first, state.first_ns);
    last = std::max(last, state.last_ns);
  }
  if (first == INT64_MAX) return INT64_MAX;
  const int64_t max_wait =
      std::chrono::nanoseconds(options_.max_deletion_wait).count();
  return std::min(last + debounce_ns_, first + max_wait);
}

std::optional<int64_t> EventAggregator::NextDeadline() const {
  std::optional<int64_t> next;
  auto consider = [&next](int64_t t) {
    if (!next || t < *next) next = t;
  };
  const int64_t open_wait =
      std::chrono::nanoseconds(options_.max_open_wait).count();
  auto ready_at = [&](const PathState& state) {
    int64_t ready = state.last_ns + debounce_ns_;
    if (state.awaiting_close) {
      ready = std::max(ready, state.opened_ns + open_wait);
    }
    return ready;
  };
  // Everything ready was taken, so what is left is not ready: a deletion
  // that it blocks wakes nobody; its blockers' own deadlines do.
  const int64_t blockers_from = EarliestBlocker(std::nullopt);
  const int64_t deletions_at = DeletionsReleaseAt();
  const int64_t max_deletion_ns =
      std::chrono::nanoseconds(options_.max_deletion_wait).count();
  for (const auto& [path, state] : paths_) {
    if (state.deleted && blockers_from <= state.last_ns + debounce_ns_) {
      // Blocked, but only until the longest wait.
      consider(std::max(ready_at(state), state.first_ns + max_deletion_ns));
      continue;
    }
    consider(state.deleted ? std::max(ready_at(state), deletions_at)
                           : ready_at(state));
  }
  for (const auto& [cookie, move] : moves_) {
    consider(move.last_ns + debounce_ns_);
  }
  for (const auto& [directory, last_ns] : rescans_) {
    consider(last_ns + debounce_ns_);
  }
  if (!unwatched_.empty() || root_gone_) consider(0);
  return next;
}

}  // namespace tidemark
