#include "sync/planner.h"

#include "common/paths.h"

namespace tidemark {

bool EntryMatchesRecord(const FileRecord& record, const StorageEntry& entry,
                        const CompareOptions& options) {
  // A record in any state but present (e.g. left "deleting" by an
  // interrupted delete whose object survived) is rewritten as present.
  if (record.state != RecordState::kPresent || record.kind != entry.kind ||
      record.size != entry.size || record.mtime_ns != entry.mtime_ns) {
    return false;
  }
  if (options.compare_inodes &&
      (record.inode != entry.inode || record.device != entry.device)) {
    return false;
  }
  return true;
}

Result<MergeSummary> MergePlan(
    RecordCursor& records, ObservationCursor& observations,
    const CompareOptions& options,
    const std::function<Status(const PlanItem&)>& sink,
    const std::function<void(const std::string& dir, const Status& error)>&
        on_subtree_error) {
  MergeSummary summary;
  // The directory whose listing failed, while the merge is inside it.
  std::string failed_dir;
  bool in_failed_dir = false;
  for (;;) {
    ASSIGN_OR_RETURN(const FileRecord* record, records.Peek());
    ASSIGN_OR_RETURN(const ListItem* item, observations.Peek());
    if (record == nullptr && item == nullptr) break;

    if (item != nullptr && item->type == ListItem::Type::kSubtreeError) {
      if (!in_failed_dir) {
        failed_dir = item->path;
        in_failed_dir = true;
        ++summary.subtree_errors;
        summary.failed.push_back({item->path, item->subtree_device});
        if (on_subtree_error) on_subtree_error(item->path, item->error);
      }
      // The error stands where "dir/" would sort. Records before that
      // position are outside the directory; records inside are unobserved.
      if (record != nullptr && PathInScope(record->path, failed_dir) &&
          record->path != failed_dir) {
        RETURN_IF_ERROR(sink({PlanAction::kUnobserved, record, nullptr}));
        records.Pop();
        continue;
      }
      if (record != nullptr && record->path < failed_dir + "/") {
        RETURN_IF_ERROR(sink({PlanAction::kGone, record, nullptr}));
        records.Pop();
        continue;
      }
      in_failed_dir = false;
      observations.Pop();
      continue;
    }

    const StorageEntry* entry = item != nullptr ? &item->entry : nullptr;
    if (entry == nullptr || (record != nullptr && record->path < entry->path)) {
      RETURN_IF_ERROR(sink({PlanAction::kGone, record, nullptr}));
      records.Pop();
    } else if (record == nullptr || entry->path < record->path) {
      RETURN_IF_ERROR(sink({PlanAction::kAdd, nullptr, entry}));
      observations.Pop();
    } else {
      const PlanAction action = EntryMatchesRecord(*record, *entry, options)
                                    ? PlanAction::kUnchanged
                                    : PlanAction::kChange;
      RETURN_IF_ERROR(sink({action, record, entry}));
      records.Pop();
      observations.Pop();
    }
  }
  return summary;
}

}  // namespace tidemark
