// PathSync: brings the records of a few named paths in step with storage.
// The watcher's half of the one pipeline: events only say which paths to
// look at; PathSync looks (a fresh stat of each), plans against the catalog
// and writes through the Gateway, hashing on the WritePipeline like a scan.
//
// For each path: a file or symlink that is new is added (or, when a record
// with its inode lost its path, moved: the record keeps its id, hash and
// fields); one that differs from its record is changed; a path that no
// longer exists removes its record and every record below it (a deleted or
// moved-away directory). A delete and a create in the same batch whose
// contents hash the same are one move, even across file systems.
//
// Safety (DESIGN.md): an unreachable root marks the repository offline and
// touches nothing; every removal is confirmed by a stat right before it is
// written; a record that a move into a directory the caller cannot see
// (`unlisted`) may explain is held back, so the file keeps its record if it
// is found there (rule 2); removals of more than the threshold share of the
// repository are paused until confirmed (rule 3). A path that cannot be
// stat-ed (other than "not found") is counted as an error and its records
// are kept.
//
// A batch that finds nothing to change writes nothing, not even an
// operation row; otherwise the batch is one sync_operations row.
//
// Borrows its collaborators. Run is called from one thread at a time per
// repository.
#ifndef TIDEMARK_SYNC_PATH_SYNC_H_
#define TIDEMARK_SYNC_PATH_SYNC_H_

#include <atomic>
#include <string>
#include <vector>

#include "catalog/catalog_store.h"
#include "common/hash_algorithm.h"
#include "storage/storage_backend.h"
#include "sync/gateway.h"
#include "sync/path_filter.h"

namespace tidemark {

struct PathSyncOptions {
  OperationType type = OperationType::kRealtime;
  HashAlgorithm hash = HashAlgorithm::kSha256;
  size_t batch_size = 5000;
  int hash_threads = 2;
  double mass_removal_threshold = 0.5;
  bool allow_mass_removal = false;
  // Records removed by the batches just before this one (the caller's
  // window): they count towards the threshold, so a mass removal spread
  // over several batches is still paused once it passes it.
  int64_t recently_removed = 0;
  const PathFilterRules* filter = nullptr;  // null: catalog every path
  // Directories whose changes the caller does not see (a daemon's unwatched
  // directories): a file gone from elsewhere may have been moved into one of
  // them, unseen. Its record is kept (PathSyncReport::held_back) until the
  // caller has looked into them, then the caller syncs those paths again.
  std::vector<std::string> unlisted;
  // When set and true, Run stops early: what was handed to the writer is
  // committed, nothing is removed, and Run returns Cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

struct PathSyncReport {
  bool wrote_operation = false;  // false: nothing to do, nothing written
  SyncOperation operation;       // the final row, when wrote_operation
  int64_t rows_written = 0;
  bool offline = false;
  int64_t removals_deferred = 0;  // including held_back
  std::string removal_pause_reason;
  std::vector<std::string> warnings;
  // Paths of records kept because their files may have moved into an
  // unlisted directory; to be synced again once those were looked into.
  std::vector<std::string> held_back;
};

class PathSync {
 public:
  PathSync(StorageBackend& backend, CatalogStore& store, Gateway& gateway);

  // Looks at `paths` (repository-relative; duplicates and any order are
  // fine). An error return means the catalog failed; the operation row, if
  // one was begun, is then left failed.
  Result<PathSyncReport> Run(Repository& repo, std::vector<std::string> paths,
                             const PathSyncOptions& options);

 private:
  StorageBackend& backend_;
  CatalogStore& store_;
  Gateway& gateway_;
};

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_PATH_SYNC_H_
