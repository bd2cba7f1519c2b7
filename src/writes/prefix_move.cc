// ConsistentWriter::MovePrefix: seed 003's variant rename (a folder, or one
// file), resumable after an interruption at any point.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sync/hasher.h"
#include "writes/consistent_writer.h"
#include "writes/write_helpers.h"

namespace tidemark {

using writes_internal::Quote;

// One record under `from` and where its object is.
struct ConsistentWriter::MoveItem {
  enum class State {
    kMove,     // at the old path only: to be moved
    kMoved,    // at the new path only: moved by an earlier run
    kCopied,   // identical at both paths: the old copy is to be removed
    kMissing,  // at neither path
  };
  FileRecord record;
  std::string target;
  State state = State::kMove;
  bool target_has_record = false;  // the catalog has a record at `target`
  bool done = false;               // the object is at `target` only
};

Result<bool> ConsistentWriter::SameContent(const FileRecord& record,
                                           const StorageEntry& a,
                                           const StorageEntry& b) {
  if (a.kind != b.kind || a.size != b.size) return false;
  // The seam cannot read a symlink's target, and equal lengths prove
  // nothing: two links are never taken to be the same object.
  if (a.kind != EntryKind::kFile) return false;
  // Removing the source on the word of "same size" would lose data, so the
  // bytes are always compared: by the recorded algorithm, else the
  // repository's, else SHA-256 (also for repositories that hash nothing).
  HashAlgorithm algo = record.hash_algorithm != HashAlgorithm::kNone
                           ? record.hash_algorithm
                           : options_.hash;
  if (algo == HashAlgorithm::kNone) algo = HashAlgorithm::kSha256;
  std::string digest_a;
  if (record.hash_algorithm == algo && !record.content_hash.empty() &&
      record.size == a.size && record.mtime_ns == a.mtime_ns) {
    digest_a = record.content_hash;
  } else {
    ASSIGN_OR_RETURN(HashedObject hashed, HashObject(backend_, a.path, algo));
    digest_a = std::move(hashed.digest);
  }
  ASSIGN_OR_RETURN(HashedObject hashed_b, HashObject(backend_, b.path, algo));
  return digest_a == hashed_b.digest;
}

Result<std::pair<std::string, std::string>> ConsistentWriter::CheckMovePaths(
    std::string_view from_path, std::string_view to_path) {
  ASSIGN_OR_RETURN(std::string from, NormalizeObjectPath(from_path));
  ASSIGN_OR_RETURN(std::string to, NormalizeObjectPath(to_path));
  if (PathInScope(to, from)) {
    return Status::InvalidArgument(
        "cannot move " + Quote(from) + " to " + Quote(to) +
        (from == to ? ": it is the same path"
                    : ": the target lies inside the source") +
        "; pick a target outside it");
  }
  if (PathInScope(from, to)) {
    return Status::InvalidArgument("cannot move " + Quote(from) + " to " +
                                   Quote(to) +
                                   ": the source lies inside the target; "
                                   "pick a target outside it");
  }
  return std::make_pair(std::move(from), std::move(to));
}

Result<MoveResult> ConsistentWriter::MovePrefix(std::string_view from_path,
                                                std::string_view to_path) {
  ASSIGN_OR_RETURN(auto paths, CheckMovePaths(from_path, to_path));
  const std::string& from = paths.first;
  const std::string& to = paths.second;
  ASSIGN_OR_RETURN(std::vector<FileRecord> records, ReadAll(from));
  if (records.empty()) {
    return Status::NotFound("no records at or below " + Quote(from) +
                            " in repository '" + repo_.name + "'");
  }
  bool folder = false;
  for (const FileRecord& r : records) folder = folder || r.path != from;
  if (folder) {
    auto blocker = backend_.Stat(to);
    if (blocker.ok()) {
      return Status::AlreadyExists(
          "cannot move folder " + Quote(from) + " to " + Quote(to) + ": " +
          Quote(to) + " is a file; remove it or pick another target");
    }
    if (!blocker.status().IsNotFound()) return blocker.status();
  }
  // Leftovers first: an old copy put back changes where the objects are.
  std::vector<std::string> settle_warnings;
  LeftoverOutcome leftovers =
      SettleLeftoversIn(folder ? std::string_view(from) : DirName(from), folder,
                        &settle_warnings);
  ASSIGN_OR_RETURN(std::vector<FileRecord> at_target, ReadAll(to));
  std::map<std::string, int64_t> target_ids;
  for (const FileRecord& r : at_target) target_ids[r.path] = r.id;

  // Where every object is, and whether anything forbids the move, before
  // anything moves.
  std::vector<MoveItem> items;
  items.reserve(records.size());
  for (FileRecord& record : records) {
    MoveItem item;
    item.target = to + record.path.substr(from.size());
    if (options_.filter != nullptr &&
        !options_.filter->AcceptWithParents(item.target, false)) {
      return Status::InvalidArgument(
          "cannot move " + Quote(record.path) + " to " + Quote(item.target) +
          ": the filters of repository '" + repo_.name +
          "' exclude the target, so a scan would never see it; nothing was "
          "moved");
    }
    item.target_has_record = target_ids.count(item.target) != 0;
    auto src = backend_.Stat(record.path);
    if (!src.ok() && !src.status().IsNotFound()) return src.status();
    auto dst = backend_.Stat(item.target);
    if (!dst.ok() && !dst.status().IsNotFound()) return dst.status();
    if (src.ok() && !dst.ok()) {
      if (item.target_has_record) {
        return Status::AlreadyExists(
            "the catalog already has a record at " + Quote(item.target) +
            " but storage has no object there; run 'tidemark scan " +
            repo_.name +
            "' to settle it, then move again (nothing was "
            "moved)");
      }
      item.state = MoveItem::State::kMove;
    } else if (!src.ok() && dst.ok()) {
      item.state = MoveItem::State::kMoved;
    } else if (src.ok() && dst.ok()) {
      ASSIGN_OR_RETURN(bool same, SameContent(record, *src, *dst));
      if (!same) {
        return Status::AlreadyExists(
            "a different object already exists at " + Quote(item.target) +
            "; move or remove it first (nothing was moved)");
      }
      item.state = MoveItem::State::kCopied;
    } else {
      item.state = MoveItem::State::kMissing;
    }
    item.record = std::move(record);
    items.push_back(std::move(item));
  }
  MoveResult result;
  if (options_.dry_run) {
    result = Plan(items, from, folder);
  } else {
    ASSIGN_OR_RETURN(SyncOperation op, Begin());
    ASSIGN_OR_RETURN(result, ApplyMoves(items, from, to, folder, op));
  }
  result.leftovers = std::move(leftovers);
  result.warnings.insert(result.warnings.begin(), settle_warnings.begin(),
                         settle_warnings.end());
  return result;
}

MoveResult ConsistentWriter::Plan(const std::vector<MoveItem>& items,
                                  const std::string& from,
                                  bool from_is_folder) {
  using State = MoveItem::State;
  MoveResult result;
  bool all_fresh = true;
  std::vector<std::string> paths;
  for (const MoveItem& item : items) {
    paths.push_back(item.record.path);
    all_fresh = all_fresh && item.state == State::kMove;
    if (item.state == State::kMissing) {
      result.missing.push_back(item.record.path);
      continue;
    }
    if (item.state != State::kMove) ++result.resumed;
    if (item.target_has_record) {
      ++result.duplicates_dropped;
    } else {
      ++result.moved;
    }
  }
  result.directory_move =
      from_is_folder && all_fresh && backend_.Capabilities().server_side_move;
  if (from_is_folder && !result.directory_move) {
    result.left_alone = Unrecorded(from, paths, &result.warnings);
  }
  result.operation =
      Planned(result.missing.empty() ? OperationStatus::kCompleted
                                     : OperationStatus::kPartial);
  return result;
}

Result<MoveResult> ConsistentWriter::ApplyMoves(std::vector<MoveItem>& items,
                                                const std::string& from,
                                                const std::string& to,
                                                bool from_is_folder,
                                                SyncOperation& op) {
  MoveResult result;
  using State = MoveItem::State;
  bool all_fresh = true;
  for (const MoveItem& item : items) {
    all_fresh = all_fresh && item.state == State::kMove;
  }

  // Storage first: one folder move when the backend can and the target
  // does not exist; otherwise object by object, stopping at the first
  // failure (the rest is left for the next run).
  Status storage_error;
  if (from_is_folder && all_fresh && backend_.Capabilities().server_side_move) {
    Status moved = backend_.Move(from, to);
    if (moved.ok()) {
      result.directory_move = true;
      for (MoveItem& item : items) item.done = true;
    } else if (moved.code() != StatusCode::kAlreadyExists) {
      return Fail(op, moved.WithContext("cannot move " + Quote(from) + " to " +
                                        Quote(to) + "; nothing was moved"));
    }
  }
  for (MoveItem& item : items) {
    if (result.directory_move || !storage_error.ok()) break;
    Status step;
    switch (item.state) {
      case State::kMove:
        step = backend_.Move(item.record.path, item.target);
        break;
      case State::kCopied:
        step = backend_.Remove(item.record.path);
        if (step.IsNotFound()) step = Status::Ok();
        if (step.ok()) ++result.resumed;
        break;
      case State::kMoved:
        ++result.resumed;
        break;
      case State::kMissing:
        result.missing.push_back(item.record.path);
        result.warnings.push_back(
            "no object at " + Quote(item.record.path) + " nor at " +
            Quote(item.target) +
            "; its record was left as it is (the next scan removes it)");
        continue;
    }
    if (step.ok()) {
      item.done = true;
    } else {
      storage_error =
          step.WithContext("cannot move " + Quote(item.record.path) + " to " +
                           Quote(item.target));
    }
  }

  // Then the catalog, in one transaction: the records of every object now
  // at its new path.
  const int64_t now = gateway_.clock().NowNanos();
  ChangeSet set;
  const OperationCounters before = op.counters;
  for (MoveItem& item : items) {
    if (!item.done) continue;
    if (item.target_has_record) {
      // A scan adopted the object at its new path: that record stays.
      set.removed.push_back(RecordKey{item.record.id, item.record.path});
      ++op.counters.removed;
      ++result.duplicates_dropped;
      continue;
    }
    FileRecord moved = item.record;
    auto entry = backend_.Stat(item.target);
    if (entry.ok()) {
      // An object found moved by an earlier run may have changed since;
      // one of another size or kind certainly did: hash what is there.
      const bool found_moved =
          item.state == State::kMoved && !moved.content_hash.empty();
      if (found_moved || entry->kind != moved.kind ||
          entry->size != moved.size) {
        const HashAlgorithm algo = moved.hash_algorithm != HashAlgorithm::kNone
                                       ? moved.hash_algorithm
                                       : options_.hash;
        moved.content_hash.clear();
        moved.hash_algorithm = HashAlgorithm::kNone;
        if (entry->kind == EntryKind::kFile && algo != HashAlgorithm::kNone) {
          auto hashed = HashObject(backend_, item.target, algo);
          if (hashed.ok()) {
            moved.content_hash = std::move(hashed->digest);
            moved.hash_algorithm = algo;
            *entry = std::move(hashed->entry);
          }
        }
      }
      moved.kind = entry->kind;
      moved.size = entry->size;
      moved.mtime_ns = entry->mtime_ns;
      moved.device = entry->device;
      moved.inode = entry->inode;
    } else {
      result.warnings.push_back(
          "cannot stat " + Quote(item.target) + " after moving it (" +
          entry.status().message() + "); its record keeps the old fingerprint");
    }
    moved.path = item.target;
    moved.state = RecordState::kPresent;
    moved.updated_at_ns = now;
    set.updated.push_back(std::move(moved));
    set.moved_from.push_back(item.record.path);
    ++op.counters.moved;
    ++result.moved;
  }
  if (!set.empty()) {
    Status applied = ApplyCounted(set, op, before);
    if (!applied.ok()) {
      std::string what =
          std::to_string(set.updated.size() + set.removed.size()) +
          " objects are at their new paths under " + Quote(to) +
          ", but their records could not be updated; run the same move "
          "again to finish (it picks up where this one stopped)";
      if (!storage_error.ok()) what += "; also: " + storage_error.message();
      return Fail(op, applied.WithContext(what));
    }
  }
  if (!storage_error.ok()) {
    return Fail(op, Status(storage_error.code(),
                           storage_error.message() + "; " +
                               std::to_string(set.updated.size()) + " of " +
                               std::to_string(items.size()) +
                               " objects were moved and their records "
                               "updated; run the same move again to "
                               "finish"));
  }
  if (from_is_folder && !result.directory_move) {
    result.left_alone = Unrecorded(from, {}, &result.warnings);
  }
  op.counters.errors += static_cast<int64_t>(result.missing.size());
  result.operation = op;
  if (result.missing.empty()) {
    Finish(result.operation, OperationStatus::kCompleted, "", &result.warnings);
  } else {
    Finish(result.operation, OperationStatus::kPartial,
           std::to_string(result.missing.size()) +
               " records had no object at the old or the new path",
           &result.warnings);
  }
  return result;
}

}  // namespace tidemark
