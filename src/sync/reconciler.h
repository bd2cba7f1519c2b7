// Reconciler: one reconciliation scan of a repository, end to end.
//
// It observes the whole root through the StorageBackend (a listing stream in
// path order), merges it with the catalog's records (planner.h), detects
// moves by device+inode, hashes only new and changed files, and writes through
// the Gateway in batches (write_pipeline.h). It records the scan as one
// sync_operations row.
//
// Safety (DESIGN.md): an unreachable root marks the repository offline and
// touches no record; removals are applied only after a walk that did not
// fail, and a directory that could not be listed keeps its records and those
// of every file that could have been moved into it (UnlistedSubtrees in
// removals.h); a mass disappearance (by default more than half of the
// repository, or an empty listing where the catalog has files) is paused
// until the caller confirms with allow_mass_removal.
//
// The Reconciler borrows its collaborators. Run may be called from any thread,
// one run at a time per repository.
#ifndef TIDEMARK_SYNC_RECONCILER_H_
#define TIDEMARK_SYNC_RECONCILER_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog_store.h"
#include "common/hash_algorithm.h"
#include "storage/storage_backend.h"
#include "sync/gateway.h"
#include "sync/path_filter.h"

namespace tidemark {

struct ScanProgress {
  int64_t scanned = 0;   // entries observed so far
  int64_t expected = 0;  // entries the previous scan saw; 0 if none
};

struct ReconcileOptions {
  OperationType type = OperationType::kReconciliation;
  HashAlgorithm hash = HashAlgorithm::kSha256;
  size_t batch_size = 5000;
  int walker_threads = 2;
  int hash_threads = 2;
  // Removals of more than this fraction of the repository are paused.
  double mass_removal_threshold = 0.5;
  bool allow_mass_removal = false;
  const PathFilterRules* filter = nullptr;  // null: catalog every path
  // "" reconciles the whole root. A directory below the root reconciles only
  // it and what is below it (a watcher's targeted rescan): records outside
  // are neither read nor touched, and the scan does not count as complete
  // for the repository. A scope that no longer exists lists empty, so its
  // records are removed only as a confirmed mass removal (rule 3); one that
  // cannot be read is an unlisted subtree (the scan is partial, and the
  // repository stays online).
  std::string scope;
  // When set and true, the scan stops at the next entry: batches already
  // handed to the writer are committed, nothing is removed, and the
  // operation is recorded as failed ("stopped"). For a daemon's shutdown.
  const std::atomic<bool>* cancel = nullptr;
  // Called on the scanning thread every few thousand entries.
  std::function<void(const ScanProgress&)> progress;
};

struct ReconcileReport {
  SyncOperation operation;           // the final row as written
  int64_t rows_written = 0;          // catalog rows written by this scan
  bool offline = false;              // the root could not be reached
  int64_t removals_deferred = 0;     // gone records kept for safety
  std::string removal_pause_reason;  // non-empty when removals were paused
  // Writer files whose writer is not running (leftovers of interrupted
  // writes, writes/leftovers.h), in path order: reported, never catalogued
  // and never removed by a scan (`repair --remove-leftovers` settles them).
  std::vector<std::string> leftovers;
  std::vector<std::string> warnings;  // the first warnings, for display
  // Directories that could not be listed (their records were kept).
  int64_t unlisted_subtrees = 0;
  // Paths of records gone from listed directories but kept because a move
  // into a subtree that could not be listed may explain them (a daemon
  // syncs them again once it has looked there).
  std::vector<std::string> held_back;
};

class Reconciler {
 public:
  Reconciler(StorageBackend& backend, CatalogStore& store, Gateway& gateway);

  // Runs one scan. The report's operation.status says how it went:
  // completed, partial (errors, unreadable subtrees, paused removals) or
  // failed (offline root, listing failure). An error return means the
  // catalog itself failed (locked, read-only, corrupt); an operation row may
  // then be left as failed or, if even that write failed, as running.
  Result<ReconcileReport> Run(Repository& repo,
                              const ReconcileOptions& options);

 private:
  StorageBackend& backend_;
  CatalogStore& store_;
  Gateway& gateway_;
};

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_RECONCILER_H_
