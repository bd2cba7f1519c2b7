// Applying removals: the last step of every sync (scan or watcher batch).
// Candidates that a move into a directory nobody could look into may explain
// are kept (UnlistedSubtrees); a mass disappearance is paused until it is
// confirmed (DecideMassRemoval, the one place DESIGN.md rule 3 is decided);
// the others are each confirmed with a fresh stat right before they are
// written (DESIGN.md rule 2: the observation may be minutes old), and written
// in batches through the Gateway with the operation's counters. Stateless,
// or a value type; borrows its arguments for the call; thread-safe.
#ifndef TIDEMARK_SYNC_REMOVALS_H_
#define TIDEMARK_SYNC_REMOVALS_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/records.h"
#include "common/result.h"
#include "storage/storage_backend.h"
#include "sync/gateway.h"

namespace tidemark {

// The directories a sync could not look into (a listing's failed subtrees,
// a daemon's unwatched directories), and the rule for records gone from
// elsewhere (DESIGN.md rule 2). Such a record may have been moved into one
// of them, and a file that moved keeps its record (id, hash, business
// fields) only if the record is still there when a later listing finds the
// file by device and inode (move_detection.h). A rename keeps the device,
// so only a directory that may hold objects of the record's device can hide
// it; a move to another device is a copy and a delete, which no listing
// could tell from a removal and an addition anyway.
class UnlistedSubtrees {
 public:
  // `device` 0: objects of any device may lie below `path`.
  void Add(const std::string& path, uint64_t device);

  bool empty() const { return count_ == 0; }
  // Whether a move into one of the directories may explain that a record of
  // `device` is gone: never when there are none, always for device 0
  // (unknown).
  bool MayHide(uint64_t device) const;
  // Why `deferred` such records are kept, for the operation row ("N
  // removals deferred: ... moved into 'dir' or one of K more directories").
  std::string DeferredReason(int64_t deferred) const;

 private:
  int64_t count_ = 0;
  std::string first_;  // the first directory added, for messages
  bool any_device_ = false;
  std::set<uint64_t> devices_;
};

// What a sync is about to remove, for DESIGN.md rule 3.
struct MassRemovalCheck {
  int64_t removing = 0;  // records this sync would remove now
  // The repository's records now, `removing` included: the threshold is a
  // share of them.
  int64_t repository_records = 0;
  // Records removed by the syncs just before this one (a daemon's window),
  // so that a mass removal spread over several batches still adds up.
  int64_t recently_removed = 0;
  // What was observed listed nothing at all where the catalog has records:
  // then any removal is a mass removal (an unmounted disk lists empty).
  bool listed_empty = false;
  bool scoped = false;  // a scope below the root listed empty, not the root
  double threshold = 0.5;
  bool allowed = false;  // confirmed beforehand (--allow-mass-removal)
  // The end of the reason: how a person confirms ("check the storage, then
  // re-run with --allow-mass-removal to confirm").
  std::string how_to_confirm;
};

struct MassRemovalDecision {
  bool pause = false;
  // When paused, why, for the operation row: "mass removal paused: N of T
  // records would be removed (...); <how_to_confirm>".
  std::string reason;
};

// Rule 3: removals pause when, unconfirmed, they (with the recent ones) are
// more than `threshold` of the repository (with the recent ones), or when
// the observation listed empty. Nothing to remove never pauses. Pure.
MassRemovalDecision DecideMassRemoval(const MassRemovalCheck& check);

// Puts `reason` before the `reasons` already given ("a; b"), for an
// operation row that names every reason removals were deferred.
void PrependReason(const std::string& reason, std::string& reasons);

struct RemovalOutcome {
  int64_t rows_written = 0;
  // Records kept: every one when paused, else the paths that could not be
  // checked again.
  int64_t deferred = 0;
  std::string pause_reason;  // MassRemovalDecision::reason when paused

  // Why the operation is partial, for its row; "" when nothing was deferred.
  std::string DeferredReason() const;
};

// Removes the records of `gone` whose paths are still not found; a path
// that is back is kept. Adds what was removed to op.counters.removed (and
// writes the counters with each batch). An error means the catalog failed.
Result<RemovalOutcome> RemoveConfirmed(StorageBackend& backend,
                                       Gateway& gateway, int64_t repository_id,
                                       std::vector<RecordKey> gone,
                                       SyncOperation& op);

// The last step of a sync: rule 3 (DecideMassRemoval, with `check.removing`
// set to the size of `gone`), then, unless paused, RemoveConfirmed.
Result<RemovalOutcome> RemoveUnlessMass(StorageBackend& backend,
                                        Gateway& gateway, int64_t repository_id,
                                        std::vector<RecordKey> gone,
                                        MassRemovalCheck check,
                                        SyncOperation& op);

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_REMOVALS_H_
