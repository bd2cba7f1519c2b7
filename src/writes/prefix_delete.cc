// ConsistentWriter::DeletePrefix: seed 003's variant delete, a cascade over
// every record at or below a prefix with one transaction per catalog step.
#include <string>
#include <utility>
#include <vector>

#include "writes/consistent_writer.h"
#include "writes/write_helpers.h"

namespace tidemark {

using writes_internal::Quote;
using writes_internal::RestoredState;

Result<DeleteResult> ConsistentWriter::DeletePrefix(std::string_view prefix) {
  ASSIGN_OR_RETURN(std::string scope, NormalizeObjectPath(prefix));
  ASSIGN_OR_RETURN(std::vector<FileRecord> records, ReadAll(scope));
  if (records.empty()) {
    return Status::NotFound("no records at or below " + Quote(scope) +
                            " in repository '" + repo_.name + "'");
  }
  bool folder = false;
  for (const FileRecord& r : records) folder = folder || r.path != scope;

  DeleteResult result;
  if (options_.dry_run) {
    std::vector<std::string> paths;
    for (const FileRecord& r : records) {
      paths.push_back(r.path);
      if (backend_.Stat(r.path).ok()) ++result.objects_removed;
    }
    result.records_removed = static_cast<int64_t>(records.size());
    result.leftovers = SettleLeftoversIn(folder ? scope : DirName(scope),
                                         folder, &result.warnings);
    if (folder) result.left_alone = Unrecorded(scope, paths, &result.warnings);
    result.operation = Planned(OperationStatus::kCompleted);
    return result;
  }
  ASSIGN_OR_RETURN(result.operation, Begin());
  SyncOperation& op = result.operation;
  // Before the records go: an old copy is told apart by its record.
  result.leftovers = SettleLeftoversIn(folder ? scope : DirName(scope), folder,
                                       &result.warnings);
  const int64_t now = gateway_.clock().NowNanos();

  // 1. One transaction: every record says "deleting".
  ChangeSet mark;
  for (const FileRecord& r : records) {
    mark.updated.push_back(r);
    mark.updated.back().state = RecordState::kDeleting;
    mark.updated.back().updated_at_ns = now;
    mark.moved_from.emplace_back();
  }
  Status marked = ApplyCounted(mark, op, op.counters);
  if (!marked.ok()) {
    return Fail(
        op, marked.WithContext("cannot mark the records under " + Quote(scope) +
                               " as deleting; nothing was deleted"));
  }
  mark = ChangeSet{};

  // 2. The objects. Already gone counts as removed; a failure keeps that
  // record and goes on with the rest.
  ChangeSet finish;
  for (const FileRecord& r : records) {
    Status removed = backend_.Remove(r.path);
    if (removed.ok() || removed.IsNotFound()) {
      if (removed.ok()) ++result.objects_removed;
      finish.removed.push_back(RecordKey{r.id, r.path});
      continue;
    }
    result.kept.push_back(r.path);
    result.warnings.push_back("cannot remove " + Quote(r.path) + ": " +
                              removed.message() + "; its record was kept");
    finish.updated.push_back(r);
    finish.updated.back().state = RestoredState(r.state);
    finish.updated.back().updated_at_ns = now;
    finish.moved_from.emplace_back();
  }

  // 3. One transaction: the removed ones' records go, the others come back.
  const OperationCounters before = op.counters;
  op.counters.removed += static_cast<int64_t>(finish.removed.size());
  op.counters.errors += static_cast<int64_t>(result.kept.size());
  Status finished = ApplyCounted(finish, op, before);
  if (!finished.ok()) {
    return Fail(op,
                finished.WithContext(
                    std::to_string(finish.removed.size()) + " objects under " +
                    Quote(scope) +
                    " were removed, but their records could not be: they are "
                    "left 'deleting', and the next scan (or the same delete "
                    "again) settles them"));
  }
  result.records_removed = static_cast<int64_t>(finish.removed.size());

  if (folder) {
    result.left_alone = Unrecorded(scope, result.kept, &result.warnings);
  }
  if (result.kept.empty()) {
    Finish(op, OperationStatus::kCompleted, "", &result.warnings);
  } else {
    Finish(op, OperationStatus::kPartial,
           std::to_string(result.kept.size()) +
               " objects could not be removed; their records were kept",
           &result.warnings);
  }
  return result;
}

}  // namespace tidemark
