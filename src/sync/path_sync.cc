#include "sync/path_sync.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_set>
#include <utility>

#include "common/paths.h"
#include "sync/hasher.h"
#include "sync/move_detection.h"
#include "sync/planner.h"
#include "sync/removals.h"
#include "sync/write_pipeline.h"

namespace tidemark {
namespace {

constexpr size_t kRecordPage = 8192;
constexpr size_t kMaxWarnings = 100;

// What a look at the paths found, before anything is written.
struct Observed {
  std::vector<std::pair<FileRecord, StorageEntry>> changed;
  std::vector<StorageEntry> added;
  std::map<int64_t, FileRecord> gone;  // by id: candidates for removal
  int64_t scanned = 0;                 // paths that exist as files
  int64_t errors = 0;
  std::vector<std::string> warnings;

  bool empty() const {
    return changed.empty() && added.empty() && gone.empty() && errors == 0;
  }
  // A path that could not be looked at: logged, and kept for the report.
  void Warn(std::string message) {
    ++errors;
    spdlog::warn("{}", message);
    if (warnings.size() < kMaxWarnings) warnings.push_back(std::move(message));
  }
};

// Every record below `scope` (and at it, if `include_scope`) whose path no
// longer exists becomes a removal candidate. The backend's Stat does not
// tell a missing path from a directory, so each record is looked at.
Status CollectGoneBelow(StorageBackend& backend, CatalogStore& store,
                        int64_t repository_id, const std::string& scope,
                        bool include_scope, Observed& observed) {
  RecordRange range;
  range.repository_id = repository_id;
  range.scope = scope;
  for (;;) {
    ASSIGN_OR_RETURN(auto page, store.ReadRecords(range, kRecordPage));
    if (page.empty()) return Status::Ok();
    range.after = page.back().path;
    for (FileRecord& record : page) {
      if (!include_scope && record.path == scope) continue;
      auto now = backend.Stat(record.path);
      if (now.ok()) continue;  // still there: its own events say more
      if (!now.status().IsNotFound()) {
        observed.Warn("could not look at '" + DisplayPath(record.path) +
                      "': " + now.status().message() + "; its record is kept");
        continue;
      }
      const int64_t id = record.id;
      observed.gone.emplace(id, std::move(record));
    }
    if (page.size() < kRecordPage) return Status::Ok();
  }
}

// Gone records a new file's contents may match (a copy, then a delete), by
// size. Only records hashed with the repository's algorithm qualify.
using GoneBySize = std::multimap<int64_t, const FileRecord*>;

GoneBySize IndexGoneBySize(const std::map<int64_t, FileRecord>& gone,
                           HashAlgorithm hash) {
  GoneBySize by_size;
  for (const auto& [id, record] : gone) {
    if (record.kind == EntryKind::kFile && !record.content_hash.empty() &&
        record.hash_algorithm == hash && hash != HashAlgorithm::kNone) {
      by_size.emplace(record.size, &record);
    }
  }
  return by_size;
}

// One PathSync::Run: the batch's state, and its steps in the order Run
// takes them.
class PathBatch {
 public:
  PathBatch(StorageBackend& backend, CatalogStore& store, Gateway& gateway,
            Repository& repo, const PathSyncOptions& options)
      : backend_(backend),
        store_(store),
        gateway_(gateway),
        repo_(repo),
        options_(options),
        compare_{backend.Capabilities().has_inodes} {}

  Result<PathSyncReport> Run(const std::vector<std::string>& paths);

 private:
  Status MarkOffline(const Status& root);
  Status Observe(const std::vector<std::string>& paths);
  Status ObservePath(const std::string& path);
  Status BeginOperation();
  Status WriteObserved();
  Status PlanWrites(WritePipeline& pipeline);
  Status PlanAddition(WritePipeline& pipeline, const StorageEntry& entry,
                      const GoneBySize& gone_by_size);
  Status ApplyRemovals();
  Status RemoveGone(std::vector<RecordKey> gone);
  Status FinishOperation();
  // The catalog failed once the operation was begun: record that in the
  // history if it still takes writes, and return the catalog's error.
  Status CatalogFailed(const Status& why);
  bool Cancelled() const {
    return options_.cancel != nullptr && options_.cancel->load();
  }

  StorageBackend& backend_;
  CatalogStore& store_;
  Gateway& gateway_;
  Repository& repo_;
  const PathSyncOptions& options_;
  const CompareOptions compare_;
  Observed observed_;
  SyncOperation op_;                     // once BeginOperation succeeded
  std::unordered_set<int64_t> claimed_;  // records that moved
  PathSyncReport report_;
};

Result<PathSyncReport> PathBatch::Run(const std::vector<std::string>& paths) {
  // Rule 1: an unreachable root never turns records into "gone".
  if (Status root = backend_.CheckRoot(); !root.ok()) {
    RETURN_IF_ERROR(MarkOffline(root));
    return std::move(report_);
  }
  RETURN_IF_ERROR(Observe(paths));
  if (observed_.empty()) return std::move(report_);
  RETURN_IF_ERROR(BeginOperation());
  if (Status s = WriteObserved(); !s.ok()) return CatalogFailed(s);
  if (Status s = ApplyRemovals(); !s.ok()) return CatalogFailed(s);
  RETURN_IF_ERROR(FinishOperation());
  return std::move(report_);
}

Status PathBatch::MarkOffline(const Status& root) {
  report_.offline = true;
  if (repo_.state == RepositoryState::kOffline &&
      repo_.state_reason == root.message()) {
    return Status::Ok();
  }
  return gateway_.SetRepositoryState(repo_, RepositoryState::kOffline,
                                     root.message());
}

Status PathBatch::Observe(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if (Cancelled()) return Status::Cancelled("stopped before the batch");
    if (path.empty()) continue;  // the root: a rescan's job, not a path's
    RETURN_IF_ERROR(ObservePath(path));
  }
  return Status::Ok();
}

Status PathBatch::ObservePath(const std::string& path) {
  auto entry = backend_.Stat(path);
  if (!entry.ok() && !entry.status().IsNotFound()) {
    observed_.Warn("could not look at '" + DisplayPath(path) +
                   "': " + entry.status().message() + "; its records are kept");
    return Status::Ok();
  }
  if (!entry.ok()) {
    // Gone, or a directory: its record and those below it that are gone.
    return CollectGoneBelow(backend_, store_, repo_.id, path, true, observed_);
  }
  // A file or symlink (a directory stats as not found, above). If it
  // replaced a directory, what was below it is gone.
  RecordRange here;
  here.repository_id = repo_.id;
  here.scope = path;
  ASSIGN_OR_RETURN(auto page, store_.ReadRecords(here, 2));
  std::optional<FileRecord> record;
  if (!page.empty() && page.front().path == path) {
    record = std::move(page.front());
  }
  if (page.size() > (record.has_value() ? 1u : 0u)) {
    RETURN_IF_ERROR(
        CollectGoneBelow(backend_, store_, repo_.id, path, false, observed_));
  }
  if (options_.filter != nullptr &&
      !options_.filter->AcceptWithParents(path, false)) {
    return Status::Ok();
  }
  ++observed_.scanned;
  if (!record.has_value()) {
    observed_.added.push_back(std::move(*entry));
  } else if (!EntryMatchesRecord(*record, *entry, compare_)) {
    observed_.changed.emplace_back(std::move(*record), std::move(*entry));
  }
  return Status::Ok();
}

Status PathBatch::BeginOperation() {
  if (repo_.state != RepositoryState::kOnline) {
    RETURN_IF_ERROR(
        gateway_.SetRepositoryState(repo_, RepositoryState::kOnline, ""));
  }
  ASSIGN_OR_RETURN(op_, gateway_.BeginOperation(repo_.id, options_.type));
  report_.wrote_operation = true;
  op_.counters.scanned = observed_.scanned;
  op_.counters.errors = observed_.errors;
  return Status::Ok();
}

Status PathBatch::CatalogFailed(const Status& why) {
  op_.status = OperationStatus::kFailed;
  op_.error_message = why.message();
  (void)gateway_.FinishOperation(op_);
  return why;
}

Status PathBatch::WriteObserved() {
  WritePipelineOptions pipeline_options;
  pipeline_options.hash = options_.hash;
  pipeline_options.batch_size = options_.batch_size;
  pipeline_options.hash_threads = options_.hash_threads;
  pipeline_options.generation = repo_.scan_generation;
  pipeline_options.cancel = options_.cancel;
  WritePipeline pipeline(backend_, gateway_, repo_.id, op_, pipeline_options);
  pipeline.SetScanned(observed_.scanned);
  const Status planned = PlanWrites(pipeline);
  const Status written = pipeline.Finish();
  report_.rows_written = pipeline.rows_written();
  report_.warnings = std::move(observed_.warnings);
  report_.warnings.insert(report_.warnings.end(), pipeline.warnings().begin(),
                          pipeline.warnings().end());
  RETURN_IF_ERROR(written);
  RETURN_IF_ERROR(planned);
  if (Cancelled()) {
    // Some hashing may have been skipped: the batch is not complete, and
    // nothing is removed.
    return Status::Cancelled("stopped in the middle of the batch");
  }
  return Status::Ok();
}

Status PathBatch::PlanWrites(WritePipeline& pipeline) {
  for (auto& [record, entry] : observed_.changed) {
    RETURN_IF_ERROR(pipeline.Change(record, entry));
  }
  const GoneBySize gone_by_size =
      IndexGoneBySize(observed_.gone, options_.hash);
  for (const StorageEntry& entry : observed_.added) {
    if (Cancelled()) {
      return Status::Cancelled("stopped in the middle of the batch");
    }
    RETURN_IF_ERROR(PlanAddition(pipeline, entry, gone_by_size));
  }
  return Status::Ok();
}

// A new path is a move when a record lost its inode, or the contents of a
// gone record (hashed now, once); else an addition.
Status PathBatch::PlanAddition(WritePipeline& pipeline,
                               const StorageEntry& entry,
                               const GoneBySize& gone_by_size) {
  if (compare_.compare_inodes) {
    ASSIGN_OR_RETURN(
        std::optional<FileRecord> source,
        FindMoveSourceByInode(backend_, store_, repo_.id, entry, claimed_));
    if (source.has_value()) {
      claimed_.insert(source->id);
      return pipeline.Move(*source, entry);
    }
  }
  auto [first, last] = gone_by_size.equal_range(entry.size);
  const bool may_match = std::any_of(first, last, [&](const auto& kv) {
    return !claimed_.contains(kv.second->id);
  });
  if (entry.kind != EntryKind::kFile || !may_match) return pipeline.Add(entry);
  // Hash it now, once: a match makes it a move, else it is added with
  // this hash.
  auto hashed = HashObject(backend_, entry.path, options_.hash);
  if (!hashed.ok()) {
    // Vanished or unreadable: the pipeline records it as a scan would.
    return pipeline.Add(entry);
  }
  const FileRecord* source = nullptr;
  for (auto it = first; it != last; ++it) {
    if (!claimed_.contains(it->second->id) &&
        it->second->content_hash == hashed->digest) {
      source = it->second;
      break;
    }
  }
  if (source != nullptr && !backend_.Stat(source->path).ok()) {
    claimed_.insert(source->id);
    return pipeline.Move(*source, hashed->entry);
  }
  return pipeline.AddHashed(std::move(*hashed));
}

Status PathBatch::ApplyRemovals() {
  // Rule 2: a file gone from here may have moved where the caller cannot
  // see; its record waits until the caller has looked there.
  UnlistedSubtrees unlisted;
  for (const std::string& dir : options_.unlisted) unlisted.Add(dir, 0);
  std::vector<RecordKey> gone;
  for (auto& [id, record] : observed_.gone) {
    if (claimed_.contains(id)) continue;
    if (unlisted.MayHide(record.device)) {
      report_.held_back.push_back(std::move(record.path));
    } else {
      gone.push_back({id, std::move(record.path)});
    }
  }
  if (!gone.empty()) RETURN_IF_ERROR(RemoveGone(std::move(gone)));
  if (!report_.held_back.empty()) {
    const auto held = static_cast<int64_t>(report_.held_back.size());
    report_.removals_deferred += held;
    PrependReason(unlisted.DeferredReason(held), report_.removal_pause_reason);
  }
  return Status::Ok();
}

Status PathBatch::RemoveGone(std::vector<RecordKey> gone) {
  // Rule 1 again: the root may have gone while we hashed.
  const Status root = backend_.CheckRoot();
  ASSIGN_OR_RETURN(const RepositoryTotals totals, store_.Totals(repo_.id));
  const auto gone_count = static_cast<int64_t>(gone.size());
  if (!root.ok()) {
    report_.removals_deferred = gone_count;
    report_.removal_pause_reason =
        std::to_string(gone_count) +
        " removals deferred: the root could not be reached (" + root.message() +
        ")";
    return Status::Ok();
  }
  MassRemovalCheck check;
  check.repository_records = totals.files;
  check.recently_removed = options_.recently_removed;
  check.threshold = options_.mass_removal_threshold;
  check.allowed = options_.allow_mass_removal;
  check.how_to_confirm =
      "check the storage, then confirm with `tidemark scan " + repo_.name +
      " --allow-mass-removal` (stop `tidemark watch` first, or run it with "
      "--allow-mass-removal)";
  ASSIGN_OR_RETURN(RemovalOutcome removed,
                   RemoveUnlessMass(backend_, gateway_, repo_.id,
                                    std::move(gone), std::move(check), op_));
  report_.rows_written += removed.rows_written;
  report_.removals_deferred += removed.deferred;
  report_.removal_pause_reason = removed.DeferredReason();
  return Status::Ok();
}

Status PathBatch::FinishOperation() {
  const bool partial = op_.counters.errors > 0 || report_.removals_deferred > 0;
  op_.status =
      partial ? OperationStatus::kPartial : OperationStatus::kCompleted;
  if (!report_.removal_pause_reason.empty()) {
    op_.error_message = report_.removal_pause_reason;
  } else if (op_.counters.errors > 0) {
    op_.error_message = std::to_string(op_.counters.errors) +
                        " paths could not be looked at or hashed";
  }
  RETURN_IF_ERROR(gateway_.FinishOperation(op_));
  report_.operation = op_;
  return Status::Ok();
}

}  // namespace

PathSync::PathSync(StorageBackend& backend, CatalogStore& store,
                   Gateway& gateway)
    : backend_(backend), store_(store), gateway_(gateway) {}

Result<PathSyncReport> PathSync::Run(Repository& repo,
                                     std::vector<std::string> paths,
                                     const PathSyncOptions& options) {
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  PathBatch batch(backend_, store_, gateway_, repo, options);
  return batch.Run(paths);
}

}  // namespace tidemark
