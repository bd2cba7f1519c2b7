// The planner: the pure difference between what storage says and what the
// catalog holds.
//
// Both sides arrive as cursors in ascending path byte order: the catalog's
// records (CatalogStore::ReadRecords pages) and the backend's listing
// (StorageBackend::List). MergePlan walks them together like a merge join and
// hands every path to a sink exactly once, classified as added, changed,
// unchanged, gone or unobserved. It does no I/O of its own and holds one item
// of each side at a time, so memory does not grow with the number of files.
//
// The planner never decides to delete: "gone" is only a candidate. The
// reconciler applies removals after the whole scope was observed (DESIGN.md,
// safety rules 1 to 3). Not thread-safe; one merge per thread.
#ifndef TIDEMARK_SYNC_PLANNER_H_
#define TIDEMARK_SYNC_PLANNER_H_

#include <functional>
#include <string>
#include <vector>

#include "catalog/records.h"
#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark {

enum class PlanAction {
  kAdd,         // on storage, not in the catalog
  kChange,      // in both, but size, mtime, inode or kind differ
  kUnchanged,   // in both and equal
  kGone,        // in the catalog, not on storage (a removal candidate)
  kUnobserved,  // in the catalog below a directory that could not be listed
};

struct PlanItem {
  PlanAction action = PlanAction::kUnchanged;
  const FileRecord* record =
      nullptr;  // kChange, kUnchanged, kGone, kUnobserved
  const StorageEntry* entry = nullptr;  // kAdd, kChange, kUnchanged
};

// What makes a record differ from an entry.
struct CompareOptions {
  bool compare_inodes = true;  // when the backend has inodes
};

// True when storage reports the same version of the object the record
// describes (kind, size, mtime and, if compared, device and inode).
bool EntryMatchesRecord(const FileRecord& record, const StorageEntry& entry,
                        const CompareOptions& options);

// A cursor over catalog records. Peek returns nullptr at the end.
class RecordCursor {
 public:
  virtual ~RecordCursor() = default;
  virtual Result<const FileRecord*> Peek() = 0;
  virtual void Pop() = 0;
};

// A cursor over listing items. Peek returns nullptr at the end; an error
// means the listing failed and the merge stops with it.
class ObservationCursor {
 public:
  virtual ~ObservationCursor() = default;
  virtual Result<const ListItem*> Peek() = 0;
  virtual void Pop() = 0;
};

// A directory the listing could not read (ListItem::kSubtreeError).
struct FailedSubtree {
  std::string path;
  uint64_t device = 0;  // ListItem::subtree_device: 0 = any device
};

struct MergeSummary {
  int64_t subtree_errors = 0;         // directories that could not be listed
  std::vector<FailedSubtree> failed;  // each of them, in listing order
};

// Merges the two cursors and calls `sink` for every path in order. Subtree
// errors are reported to `on_subtree_error`; the catalog records below that
// directory are passed on as kUnobserved, never as kGone. Stops at the first
// error from a cursor or a sink and returns it.
Result<MergeSummary> MergePlan(
    RecordCursor& records, ObservationCursor& observations,
    const CompareOptions& options,
    const std::function<Status(const PlanItem&)>& sink,
    const std::function<void(const std::string& dir, const Status& error)>&
        on_subtree_error);

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_PLANNER_H_
