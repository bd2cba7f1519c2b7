// CheckDrift: how a repository's storage and its catalog differ right now,
// without changing either (seed 003's "check sync status", rclone check).
//
// The check merges one listing of the scope with the catalog's records of it
// (sync/planner.h, MergePlan) and classifies every path:
//   orphaned  on storage, not in the catalog               (kAdd)
//   missing   in the catalog, not on storage               (kGone)
//   modified  in both, but the fingerprint (size, mtime, inode, kind)
//             differs or the record is not 'present'       (kChange)
//   synced    in both and equal                            (kUnchanged)
//   error     below a directory that could not be listed   (kUnobserved),
//             and the directory itself: never "missing"
// Paths the repository's filters reject are neither orphaned nor missing.
// Writer files (common/writer_files.h) in the folders the filters keep are
// not merged: those of writers that no longer run, or cannot be identified,
// are reported as leftovers of interrupted writes, each with what settling
// it would do (writes/leftovers.h), and count as drift.
//
// With a layout, every path is grouped by its top-level entity (the first of
// Layout::Match); a path that fails to parse joins the group of kind "" and
// key "" and is counted as unparsed.
//
// Safety (DESIGN.md rule 1): an unreachable root is an Unavailable error,
// never "everything missing"; a listing that fails part-way is an error too.
//
// Memory: the non-synced items and one counter per entity; synced paths are
// kept only with DriftOptions::list_synced. Stateless; borrows its arguments
// for the call; the backend and store may be used by other threads meanwhile.
#ifndef TIDEMARK_CHECK_DRIFT_H_
#define TIDEMARK_CHECK_DRIFT_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_store.h"
#include "common/result.h"
#include "layout/layout.h"
#include "storage/storage_backend.h"
#include "sync/path_filter.h"
#include "writes/leftovers.h"

namespace tidemark {

enum class DriftKind { kOrphaned, kMissing, kModified, kSynced, kError };
std::string_view DriftKindName(DriftKind kind);

// What storage said about an object when it was checked, so a repair can
// tell whether it changed since.
struct Fingerprint {
  EntryKind kind = EntryKind::kFile;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t device = 0;
  uint64_t inode = 0;
};

struct DriftItem {
  DriftKind kind = DriftKind::kSynced;
  std::string path;  // raw bytes; for a listing error, the directory
  // modified: what differs ("size 3 -> 5"); error: why; else "".
  std::string detail;
  int64_t record_id = 0;  // missing, modified, synced: the catalog record
  Fingerprint seen;       // orphaned, modified, synced: storage's object
  int entity = -1;        // index into DriftReport::entities; -1 = none
};

struct DriftError {
  std::string path;
  std::string message;
};

// One top-level entity's share of the check (kind "" and key "": the paths
// that failed to parse).
struct EntityDrift {
  std::string kind;
  std::string key;
  std::string path;
  std::vector<std::string> orphaned;
  std::vector<std::string> missing;
  std::vector<std::string> modified;
  int64_t synced = 0;
  std::vector<std::string> synced_paths;  // only with list_synced
  std::vector<DriftError> errors;

  bool clean() const {
    return orphaned.empty() && missing.empty() && modified.empty() &&
           errors.empty();
  }
};

struct DriftTotals {
  int64_t entities = 0;  // parsed top-level entities seen
  int64_t files = 0;     // the union of catalog and storage paths
  int64_t synced = 0;
  int64_t orphaned = 0;
  int64_t missing = 0;
  int64_t modified = 0;
  int64_t errors = 0;     // error items (directories and unobserved records)
  int64_t unparsed = 0;   // paths the layout could not parse
  int64_t leftovers = 0;  // writer files of interrupted writes
  // Both sides on their own (for the mass-removal rule).
  int64_t storage_files = 0;
  int64_t catalog_files = 0;
};

struct DriftReport {
  std::string scope;
  DriftTotals totals;
  int64_t subtree_errors = 0;  // directories that could not be listed
  // Every non-synced item (and synced ones with list_synced), in path order.
  std::vector<DriftItem> items;
  // Per top-level entity, ordered by path; empty without a layout.
  std::vector<EntityDrift> entities;
  // Paths that failed to parse and why (at most kMaxUnparsedKept).
  std::vector<DriftError> unparsed;
  // Leftovers of interrupted writes, in path order.
  std::vector<Leftover> leftovers;

  static constexpr size_t kMaxUnparsedKept = 1000;

  // No drift and no error.
  bool clean() const {
    return totals.orphaned == 0 && totals.missing == 0 &&
           totals.modified == 0 && totals.errors == 0 && totals.leftovers == 0;
  }
};

struct DriftOptions {
  // A directory relative to the root ("" = everything), normalized
  // (common/paths.h NormalizeRelativePath).
  std::string scope;
  const PathFilterRules* filter = nullptr;    // null: every path counts
  const layout::Layout* layout = nullptr;     // null: no grouping
  bool list_synced = false;                   // keep synced items too
  const std::atomic<bool>* cancel = nullptr;  // set: stop with Cancelled
  int walker_threads = 0;                     // 0: the backend's default
};

// Checks `repo` against storage. Unavailable when the root cannot be
// reached; the listing's or the catalog's error when either fails; Cancelled
// when options.cancel was set.
Result<DriftReport> CheckDrift(StorageBackend& backend, CatalogStore& store,
                               const Repository& repo,
                               const DriftOptions& options);

// The scope of `--entity KEY`: the folder of the top-level entity with that
// key (of any top-level kind of `layout`). NotFound naming the repository
// and the `tidemark entities` command when the catalog has none.
Result<std::string> EntityScope(CatalogStore& store, const Repository& repo,
                                const layout::Layout& layout,
                                std::string_view key);

// The scope a check or repair covers, from its flags: `entity` (a
// top-level entity's key; needs a layout, else InvalidArgument) or `scope`
// (a directory in display form, common/paths.h; "" = everything). At most
// one of them may be set.
Result<std::string> ResolveCheckScope(CatalogStore& store,
                                      const Repository& repo,
                                      const layout::Layout* layout,
                                      std::string_view scope,
                                      std::string_view entity);

}  // namespace tidemark

#endif  // TIDEMARK_CHECK_DRIFT_H_
