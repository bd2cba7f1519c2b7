// ConsistentWriter: writes that change storage and the catalog together
// (seed 003's "atomic operations"): upload, replace, delete, delete of a
// folder (a variant) and move of a folder (a variant rename), each leaving
// storage and catalog in step, or as they were, or in a state that the same
// command run again (or the next scan) finishes. Storage is written through
// the StorageBackend seam; the catalog only through the Gateway (the only
// writer), one transaction per step.
//
// What each operation promises when something fails part-way:
//
//   Upload(path, source)  storage first, then the record. The source is
//       streamed into storage in chunks (StorageBackend::WriteFrom) and
//       hashed on the way (WriteOptions::hash), so memory does not grow
//       with the object; the record takes the written object's metadata
//       and that hash. A source that fails or changes part-way writes
//       nothing. If the catalog write fails, the object is removed again
//       and the catalog's error returned: neither side changed. A path that
//       already has a record is a Replace; an object without a record is
//       replaced the same way (so it is restored if the catalog fails).
//   Replace(path, source)  the old object is copied aside to a hidden
//       old copy (common/writer_files.h, named after this process; a hard
//       link on a local disk, so no bytes are copied), the new one written
//       over `path` (atomically where the backend has atomic_write), the
//       record updated in place (same id; new size, mtime, inode, hash),
//       and the old copy removed. `path` holds the old or the new object at
//       every moment. If writing, hashing or the catalog fails, the new
//       object is removed and the old one moved back: storage and catalog
//       are as before. A writer killed in between leaves the old object
//       with its record, or the new object with the old record (the next
//       scan sees it modified and updates the record), plus writer files:
//       a partial temporary and/or the old copy. Those are leftovers
//       (writes/leftovers.h, which says what each crash point leaves):
//       every write settles the ones of dead writers in its folder first,
//       `check` reports them, `repair --remove-leftovers` settles them.
//   Delete(path)  1) the record is marked RecordState::kDeleting, 2) the
//       object is removed (already gone counts as removed), 3) the record
//       is removed (guarded by id and path). If 2 fails, the record goes
//       back to its state before and the storage error is returned. If 3
//       fails, the record stays "deleting": its object is gone, so the next
//       scan (or the same delete again) removes it. An object is never left
//       without a record silently.
//   DeletePrefix(prefix)  the same cascade for every record at or below
//       `prefix`, with ONE transaction per catalog step: all marked
//       deleting, then the objects removed, then all removed records
//       dropped (and those whose object could not be removed put back) in
//       one transaction. From the catalog's point of view both transitions
//       are atomic. Objects under the prefix that have no record are left
//       alone and reported.
//   MovePrefix(from, to)  moves every object at or below `from` to the same
//       place below `to`, then updates all their records in ONE transaction
//       (ids and hashes kept, path set, moved_from = old path). With a
//       backend that moves server-side and a target that does not exist,
//       a folder is one backend Move; otherwise object by object. Resumable:
//       run again after an interruption at any point, it finishes the job
//       without duplicates: an object found at the new path only is taken
//       as moved; one at both paths (a copy done, its delete not) has the
//       old copy removed when both files have the same bytes (compared by
//       hash, SHA-256 when the repository hashes nothing; two symlinks
//       are never taken as the same); when the catalog already has a record at
//       the new path (a scan adopted the object), the old-path record is
//       dropped instead of creating a duplicate. If the moves stop part-way,
//       the records of the objects that did move are still updated (one
//       transaction), so the catalog describes storage, and the error says to
//       run it again. If the catalog write fails, the objects stay moved and
//       running the same move again finishes it. Refused before anything moves:
//       `to` inside `from` or the reverse, a different object already at a
//       target path (AlreadyExists naming it), a target the repository's
//       filters exclude, or a catalog record at a target with no object.
//
// Every operation writes one sync_operations row (WriteOptions::type,
// kOnDemand by default) with its counters, so history shows it. Failures
// that return an error leave that row failed with the message. Results
// whose status is kPartial (some objects could not be removed, some
// records had no object) are returned as values, with warnings.
//
// Every operation first settles the leftovers of dead writers where it
// writes (writes/leftovers.h): in the folder of its path, or at and below
// a prefix; the result says what it removed, restored and kept (a dry run:
// what it would). Writer files are never taken for objects without a
// record.
//
// Prefix operations hold the records of the prefix in memory (a folder, a
// product variant); Upload streams its source.
//
// Borrows the backend, store and gateway, which must outlive it. Not
// thread-safe: one operation at a time. The caller holds the repository's
// lease when the gateway requires one (the CLI always does).
#ifndef TIDEMARK_WRITES_CONSISTENT_WRITER_H_
#define TIDEMARK_WRITES_CONSISTENT_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/catalog_store.h"
#include "common/hash_algorithm.h"
#include "common/result.h"
#include "storage/storage_backend.h"
#include "sync/gateway.h"
#include "sync/path_filter.h"
#include "writes/leftovers.h"

namespace tidemark {

struct WriteOptions {
  // How new content is hashed (the repository's algorithm); kNone: only
  // stat-ed.
  HashAlgorithm hash = HashAlgorithm::kSha256;
  // Paths the repository catalogs; a write to a path it excludes is
  // refused, since a scan would never see it. Null: every path.
  const PathFilterRules* filter = nullptr;
  OperationType type = OperationType::kOnDemand;
  // Plan only (DESIGN.md rule 4: a delete shows its plan first): every
  // check is made and the result says what would happen, but nothing is
  // written on either side, not even an operation row (its id stays 0).
  bool dry_run = false;
};

struct UploadResult {
  FileRecord record;          // as written (id assigned or kept); dry run: the
                              // existing record, or only path and size
  bool replaced = false;      // an existing object or record was replaced
  LeftoverOutcome leftovers;  // of dead writers in the path's folder
  SyncOperation operation;
  std::vector<std::string> warnings;
};

struct DeleteResult {
  int64_t records_removed = 0;
  int64_t objects_removed = 0;  // removed now (not those already gone);
                                // dry run: objects there now
  // Records put back because their object could not be removed.
  std::vector<std::string> kept;
  // Objects under the prefix that have no record (not removed).
  std::vector<std::string> left_alone;
  LeftoverOutcome leftovers;  // of dead writers where it deleted
  SyncOperation operation;    // kPartial when `kept` is not empty
  std::vector<std::string> warnings;
};

struct MoveResult {
  int64_t moved = 0;    // records now at their new path
  int64_t resumed = 0;  // of the objects, found moved by an earlier run
  int64_t duplicates_dropped = 0;  // old-path records of adopted objects
  bool directory_move = false;     // one backend Move of the folder (dry
                                   // run: unless the target folder exists)
  // Records whose object is at neither path: left as they are (the next
  // scan removes them).
  std::vector<std::string> missing;
  // Objects left under `from` that have no record (not moved).
  std::vector<std::string> left_alone;
  LeftoverOutcome leftovers;  // of dead writers at `from`
  SyncOperation operation;    // kPartial when `missing` is not empty
  std::vector<std::string> warnings;
};

class ConsistentWriter {
 public:
  // `repo` is the repository every operation writes (its id and scan
  // generation are used); it is copied.
  ConsistentWriter(StorageBackend& backend, CatalogStore& store,
                   Gateway& gateway, const Repository& repo,
                   WriteOptions options = {});

  // Paths are repository-relative (common/paths.h); InvalidArgument for an
  // empty, absolute or ".." path, the name of a writer file, or one the
  // filters exclude. A failing `source` fails the upload with its error,
  // nothing changed.
  Result<UploadResult> Upload(std::string_view path, ByteSource& source);
  Result<UploadResult> Upload(std::string_view path, std::string_view data);
  // NotFound when `path` has no record (use Upload).
  Result<UploadResult> Replace(std::string_view path, ByteSource& source);
  Result<UploadResult> Replace(std::string_view path, std::string_view data);
  // NotFound when `path` has no record.
  Result<DeleteResult> Delete(std::string_view path);
  // NotFound when no record lies at or below `prefix`.
  Result<DeleteResult> DeletePrefix(std::string_view prefix);
  // NotFound when no record lies at or below `from`.
  Result<MoveResult> MovePrefix(std::string_view from, std::string_view to);

  // The checks MovePrefix makes of its two paths before reading anything:
  // InvalidArgument for a malformed path, the same path twice, or one
  // inside the other. Returns the normalized pair.
  static Result<std::pair<std::string, std::string>> CheckMovePaths(
      std::string_view from, std::string_view to);

 private:
  struct MoveItem;  // one record of a MovePrefix (prefix_move.cc)

  Result<std::string> CheckPath(std::string_view path) const;
  // Every record at or below `scope`, in path order.
  Result<std::vector<FileRecord>> ReadAll(const std::string& scope);
  // Starts the operation row.
  Result<SyncOperation> Begin();
  // The operation a dry run reports: not written, id 0.
  SyncOperation Planned(OperationStatus status) const;
  // Ends `op` with `status`; a failure to write it becomes a warning.
  void Finish(SyncOperation& op, OperationStatus status,
              const std::string& error, std::vector<std::string>* warnings);
  // Finishes `op` as failed with `error`, and returns `error`.
  Status Fail(SyncOperation& op, const Status& error);
  // Applies `set` with `op` (whose counters already include the change) as
  // its progress row; on failure the counters are put back.
  Status ApplyCounted(ChangeSet& set, SyncOperation& op,
                      const OperationCounters& before);
  // `base` as the record of the object `written` whose content hashed to
  // `digest` (empty: not hashed).
  FileRecord RecordOf(FileRecord base, const StorageEntry& written,
                      std::string digest) const;
  // Settles the leftovers of dead writers in `folder` (and below it when
  // `recursive`); a dry run only finds them. Problems become warnings.
  LeftoverOutcome SettleLeftoversIn(std::string_view folder, bool recursive,
                                    std::vector<std::string>* warnings);

  Result<UploadResult> Write(const std::string& path, ByteSource& source,
                             std::optional<FileRecord> existing);
  // What MovePrefix would do with `items` (dry run).
  MoveResult Plan(const std::vector<MoveItem>& items, const std::string& from,
                  bool from_is_folder);
  Result<MoveResult> ApplyMoves(std::vector<MoveItem>& items,
                                const std::string& from, const std::string& to,
                                bool from_is_folder, SyncOperation& op);
  // Whether the objects `a` and `b` hold the same content; `record`
  // describes `a` as catalogued.
  Result<bool> SameContent(const FileRecord& record, const StorageEntry& a,
                           const StorageEntry& b);
  // Objects at or below `scope` on storage, not in `except` and not writer
  // files (sorted).
  std::vector<std::string> Unrecorded(const std::string& scope,
                                      const std::vector<std::string>& except,
                                      std::vector<std::string>* warnings);

  StorageBackend& backend_;
  CatalogStore& store_;
  Gateway& gateway_;
  Repository repo_;
  WriteOptions options_;
};

}  // namespace tidemark

#endif  // TIDEMARK_WRITES_CONSISTENT_WRITER_H_
