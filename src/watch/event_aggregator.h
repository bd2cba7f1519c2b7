// EventAggregator: turns a stream of FsEvents into work that is ready to
// apply. Pure: it holds no threads and reads no clock; callers pass the time
// (Clock::MonotonicNanos) to every call, so tests drive it step by step.
//
// Rules (the daemon issue; seed 001's 500 ms debounce):
//  - A path is ready once no event has touched it for `debounce`. A file
//    created by open() is not ready before its close-write (or, if that
//    never comes, `max_open_wait`), so a half-written upload is never
//    ingested as final.
//  - Bursts coalesce: when more than `directory_burst` paths of one
//    directory are pending, they are replaced by one rescan of the
//    directory, which is ready once the directory has been quiet.
//  - A kMovedFrom and a kMovedTo with the same cookie become one move.
//    An unpaired kMovedFrom is a deletion; an unpaired kMovedTo a creation.
//  - Deletions are handed out together, once the last one has been quiet
//    for `debounce` (or the first has waited `max_deletion_wait`), so one
//    `rm -rf` is one batch. They also wait for the creations and moves of
//    the same window and are handed out after them, so a delete followed by a
//    create of the same file (an editor's save, a copy-then-delete move) can be
//    recognised as a move by the caller.
//  - kOverflow becomes a rescan of its path; events below a pending rescan
//    are absorbed by it. kUnwatched and kRootGone are handed out at once.
// The aggregator only says where to look; the caller confirms everything
// against storage before the catalog changes.
//
// Thread-compatible: one thread at a time.
#ifndef TIDEMARK_WATCH_EVENT_AGGREGATOR_H_
#define TIDEMARK_WATCH_EVENT_AGGREGATOR_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "watch/change_source.h"

namespace tidemark {

struct AggregatorOptions {
  std::chrono::milliseconds debounce{500};
  std::chrono::milliseconds max_open_wait{std::chrono::minutes(10)};
  // Deletions are handed out together once the last of them is quiet, so
  // an `rm -rf` is one batch (and the mass-removal rule sees all of it);
  // a stream of deletions that never pauses is handed out after this.
  std::chrono::milliseconds max_deletion_wait{std::chrono::seconds(30)};
  size_t directory_burst = 1000;
};

struct ReadyWork {
  struct Move {
    std::string from;
    std::string to;
    bool is_directory = false;
  };
  struct Unwatched {
    std::string directory;
    std::string reason;
  };
  // Apply in this order: moves first (so a record keeps its id even when a
  // rescan below would miss it at the old path), then rescans, then paths,
  // then deletions.
  std::vector<Move> moves;
  std::vector<std::string> rescans;    // directories to re-list ("" = root)
  std::vector<std::string> paths;      // look at each: new, changed or gone
  std::vector<std::string> deletions;  // confirm gone, then remove
  std::vector<Unwatched> unwatched;
  std::optional<std::string> root_gone;  // the reason, when the root went

  bool empty() const {
    return rescans.empty() && moves.empty() && paths.empty() &&
           deletions.empty() && unwatched.empty() && !root_gone;
  }
};

class EventAggregator {
 public:
  explicit EventAggregator(AggregatorOptions options = {});

  void Add(const FsEvent& event, int64_t now_ns);
  // Hands out (and forgets) everything ready at `now_ns`.
  ReadyWork TakeReady(int64_t now_ns);
  // The earliest time something may become ready; nullopt when idle.
  std::optional<int64_t> NextDeadline() const;
  // Paths, moves and rescans still waiting.
  size_t pending() const;

 private:
  struct PathState {
    int64_t first_ns = 0;
    int64_t last_ns = 0;
    bool deleted = false;  // the last word on it was a deletion
    bool awaiting_close = false;
    int64_t opened_ns = 0;  // when awaiting_close began
    bool is_directory = false;
  };
  struct PendingMove {
    std::string from;
    std::string to;  // empty until the kMovedTo arrives
    bool is_directory = false;
    int64_t first_ns = 0;
    int64_t last_ns = 0;
  };

  void Touch(const std::string& path, int64_t now_ns, bool deleted,
             bool is_directory);
  // Forgets a pending path, keeping the per-directory counts right.
  std::map<std::string, PathState>::iterator ErasePath(
      std::map<std::string, PathState>::iterator it);
  // True if a pending rescan covers `path` (and refreshes its timer).
  bool AbsorbedByRescan(const std::string& path, int64_t now_ns);
  void AddRescan(const std::string& directory, int64_t now_ns);
  // Replaces a directory's pending paths by a rescan past the burst size.
  void CheckBurst(const std::string& path, int64_t now_ns, bool deleted);
  bool Quiet(int64_t last_ns, int64_t now_ns) const;
  bool PathReady(const PathState& state, int64_t now_ns) const;
  // The first event time of the earliest pending creation, change or move
  // that is not ready at `now_ns` (nullopt: not ready whenever) and not
  // awaiting a close; INT64_MAX if none. Deletions of that window wait.
  int64_t EarliestBlocker(std::optional<int64_t> now_ns) const;
  // When the pending deletions, as a group, may be handed out; INT64_MAX
  // if there are none.
  int64_t DeletionsReleaseAt() const;
  // True when a pending deletion has waited max_deletion_wait.
  bool DeletionsOverdue(int64_t now_ns) const;

  AggregatorOptions options_;
  int64_t debounce_ns_;
  std::map<std::string, PathState> paths_;
  std::map<uint32_t, PendingMove> moves_;        // by cookie
  std::map<std::string, int64_t> rescans_;       // directory -> last event
  std::map<std::string, size_t> per_directory_;  // pending paths per parent
  std::vector<ReadyWork::Unwatched> unwatched_;
  std::optional<std::string> root_gone_;
};

}  // namespace tidemark

#endif  // TIDEMARK_WATCH_EVENT_AGGREGATOR_H_
