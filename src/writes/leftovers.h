// Leftovers: writer files (common/writer_files.h) whose writer is no longer
// running: what a killed `put` left beside the path it wrote, what each one
// means, and what may safely be done with it.
//
// A writer file whose writer runs (this boot and pid namespace, same pid and
// start time) is work in progress and never a leftover. One whose writer is
// provably gone is settled by the next write of its folder or by `repair
// --remove-leftovers`; one whose writer cannot be identified (another host
// or container on a shared mount, a previous boot, an older tidemark) is
// only reported, unless the repair is told --any-writer. What settling
// does, by what the file is (the crash point of ConsistentWriter::Upload it
// comes from):
//
//   temporary                 an upload that never completed: it was never
//                             visible at any path        -> removed
//   old copy of P, P is the   killed between the copy and the new content
//   same object               landing: a second link     -> removed
//   old copy of P, P's record killed after the new content was recorded:
//   describes P               the replace is done         -> removed
//   old copy of P, P missing, killed while undoing a failed replace: P's
//   P's record describes it   content is this copy       -> moved back to P
//   old copy of P, P's record killed after the new content landed, before
//   describes the copy, P     its record: the new content was never
//   holds other content       recorded                   -> kept, reported
//   anything else (no record, a record that matches neither)
//                                                        -> kept, reported
//
// A kept old copy is never deleted by tidemark on its own: once a scan (or
// `repair --update-modified`) records P's new content, the copy becomes "the
// replace is done" and is removed; or a person moves it back over P.
//
// Free functions; they borrow the backend and store for the call and are
// thread-safe as those are. The caller of SettleLeftovers holds the
// repository's lease.
#ifndef TIDEMARK_WRITES_LEFTOVERS_H_
#define TIDEMARK_WRITES_LEFTOVERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_store.h"
#include "common/result.h"
#include "common/writer_files.h"
#include "storage/storage_backend.h"
#include "sync/path_filter.h"

namespace tidemark {

enum class LeftoverAction { kRemove, kRestore, kKeep };
// "remove", "restore", "keep".
std::string_view LeftoverActionName(LeftoverAction action);
// "temporary", "old-copy".
std::string_view WriterFileKindName(WriterFileKind kind);

struct Leftover {
  std::string path;  // the writer file
  WriterFileKind kind = WriterFileKind::kTemporary;
  std::string original;      // kOldCopy: the path it is the old copy of
  bool writer_gone = false;  // false: the writer cannot be identified
  std::string writer;        // who wrote it, for people
  int64_t size = 0;
  LeftoverAction action = LeftoverAction::kKeep;  // what settling does
  std::string reason;                             // why, for people
};

// Classifies `writer_files` (entries of a listing, each a writer file) of
// `repo`; those whose writer runs are left out. An error is the catalog's.
Result<std::vector<Leftover>> ClassifyLeftovers(
    StorageBackend& backend, CatalogStore& store, const Repository& repo,
    const std::vector<StorageEntry>& writer_files);

// Lists the writer files in `folder` ("" = the root), and below it when
// `recursive` (in the folders `filter` keeps, when set), and classifies
// them. A listing that fails adds a warning and finds nothing there.
Result<std::vector<Leftover>> FindLeftovers(
    StorageBackend& backend, CatalogStore& store, const Repository& repo,
    std::string_view folder, bool recursive, const PathFilterRules* filter,
    std::vector<std::string>* warnings);

struct LeftoverOutcome {
  std::vector<std::string> removed;  // leftovers removed
  std::vector<Leftover> restored;    // old copies moved back to `original`
  // Reported and left as they are: kept by their action, of an unknown
  // writer (without any_writer), or a step that failed (the reason says).
  std::vector<Leftover> kept;

  bool empty() const {
    return removed.empty() && restored.empty() && kept.empty();
  }
};

// Carries out the action of each leftover whose writer is gone (every one
// with `any_writer`); reports the rest. `dry_run`: changes nothing and
// says what it would do.
LeftoverOutcome SettleLeftovers(StorageBackend& backend,
                                const std::vector<Leftover>& leftovers,
                                bool any_writer, bool dry_run);

}  // namespace tidemark

#endif  // TIDEMARK_WRITES_LEFTOVERS_H_
