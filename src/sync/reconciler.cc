#include "sync/reconciler.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <unordered_set>
#include <utility>

#include "common/paths.h"
#include "sync/cursors.h"
#include "sync/move_detection.h"
#include "sync/planner.h"
#include "sync/removals.h"
#include "sync/write_pipeline.h"
#include "sync/writer_file_listing.h"

namespace tidemark {
namespace {

// The listing of a scope that does not exist.
class EmptyListing final : public ListingStream {
 public:
  Result<bool> Next(ListItem*) override { return false; }
};

// The listing of a scope that exists but cannot be listed (permissions):
// one failed subtree, which keeps the scope's records as they are.
class UnlistableScope final : public ListingStream {
 public:
  UnlistableScope(std::string scope, Status error) {
    item_.type = ListItem::Type::kSubtreeError;
    item_.path = std::move(scope);
    item_.error = std::move(error);
  }
  Result<bool> Next(ListItem* item) override {
    if (done_) return false;
    done_ = true;
    *item = item_;
    return true;
  }

 private:
  ListItem item_;
  bool done_ = false;
};

// A removal candidate, with the device a move would have kept.
struct GoneRecord {
  RecordKey key;
  uint64_t device = 0;
};

// Brackets a first import with the store's bulk-load hints, ending it on
// every path out of the scan.
class BulkLoad {
 public:
  BulkLoad(Gateway& gateway, bool wanted) : gateway_(gateway) {
    if (!wanted) return;
    Status s = gateway_.BeginBulkLoad();
    if (s.ok()) {
      active_ = true;
    } else {
      spdlog::warn("bulk-load hint refused, importing row by row: {}",
                   s.message());
    }
  }
  ~BulkLoad() {
    if (Status s = End(); !s.ok()) {
      spdlog::warn("could not finish the bulk load: {}", s.message());
    }
  }
  BulkLoad(const BulkLoad&) = delete;
  BulkLoad& operator=(const BulkLoad&) = delete;

  Status End() {
    if (!active_) return Status::Ok();
    active_ = false;
    return gateway_.EndBulkLoad();
  }

 private:
  Gateway& gateway_;
  bool active_ = false;
};
constexpr int64_t kProgressEvery = 4096;

// One Reconciler::Run: the scan's state, and its steps in the order Run
// takes them.
class Scan {
 public:
  Scan(StorageBackend& backend, CatalogStore& store, Gateway& gateway,
       Repository& repo, const ReconcileOptions& options)
      : backend_(backend),
        store_(store),
        gateway_(gateway),
        repo_(repo),
        options_(options) {}

  Result<ReconcileReport> Run();

 private:
  bool scoped() const { return !options_.scope.empty(); }
  bool Cancelled() const {
    return options_.cancel != nullptr && options_.cancel->load();
  }
  Result<std::unique_ptr<ListingStream>> OpenListing();
  // Merges the listing with the catalog's records, hands every difference
  // to a WritePipeline and waits for its writes; `merged` is the merge's
  // outcome. An error means the catalog failed.
  Status WalkAndWrite(PagedRecordCursor& records, WriterFileListing& listed,
                      BulkLoad& bulk, Result<MergeSummary>& merged);
  // The last scan's count is the estimate of this one's size.
  void EstimateSize();
  Status OnPlanItem(const PlanItem& item, WritePipeline& pipeline);
  Status AddOrMove(const StorageEntry& entry, bool may_be_move,
                   WritePipeline& pipeline);
  void OnSubtreeError(const std::string& dir, const Status& error);
  void ReportLeftovers(const WriterFileListing& listed);
  Result<ReconcileReport> ListingFailed(const Status& why);
  Status ApplyRemovals(const MergeSummary& merged, int64_t records_read);
  Status RemoveGone(std::vector<RecordKey> removable, int64_t records_read);
  Status FinishOperation(const MergeSummary& merged);
  // The scan failed (the root, the listing): a failed operation row, and
  // an offline repository when `offline`.
  Result<ReconcileReport> Fail(const Status& why, bool offline);
  // The catalog failed mid-run: record that in the history if it still
  // takes writes, and return the catalog's error.
  Status CatalogFailed(const Status& why);

  StorageBackend& backend_;
  CatalogStore& store_;
  Gateway& gateway_;
  Repository& repo_;
  const ReconcileOptions& options_;
  SyncOperation op_;
  ReconcileReport report_;
  int64_t generation_ = 0;
  CompareOptions compare_;
  bool detect_moves_ = false;
  int64_t scanned_ = 0;
  int64_t unobserved_ = 0;
  std::vector<GoneRecord> gone_;
  std::unordered_set<int64_t> moved_ids_;
  std::vector<std::string> subtree_errors_;
  ScanProgress progress_;
};

Result<ReconcileReport> Scan::Run() {
  ASSIGN_OR_RETURN(op_, gateway_.BeginOperation(repo_.id, options_.type));
  // Rule 1: an unreachable root never turns records into "gone".
  if (Status root = backend_.CheckRoot(); !root.ok()) {
    return Fail(root, /*offline=*/true);
  }
  auto listing = OpenListing();
  if (!listing.ok()) return Fail(listing.status(), /*offline=*/true);

  // The first page tells whether the repository is empty; counting all its
  // records up front would cost a pass over the catalog on every rescan.
  PagedRecordCursor records(store_, repo_.id, options_.scope);
  auto first = records.Peek();
  if (!first.ok()) return CatalogFailed(first.status());
  const bool catalog_empty = *first == nullptr;
  auto begun = gateway_.BeginScan(repo_);
  if (!begun.ok()) return CatalogFailed(begun.status());
  generation_ = *begun;
  // A first import into an empty repository lets the store build its
  // secondary indexes once at the end instead of row by row.
  BulkLoad bulk(gateway_, /*wanted=*/catalog_empty && !scoped());
  compare_.compare_inodes = backend_.Capabilities().has_inodes;
  // A scope with no records yet may still receive moves from outside it.
  detect_moves_ = compare_.compare_inodes && (!catalog_empty || scoped());

  WriterFileListing listed(std::move(listing).value());
  Result<MergeSummary> merged = MergeSummary{};
  if (Status s = WalkAndWrite(records, listed, bulk, merged); !s.ok()) {
    return CatalogFailed(s);
  }
  if (!merged.ok()) return ListingFailed(merged.status());
  op_.counters.errors += merged->subtree_errors;
  report_.unlisted_subtrees = merged->subtree_errors;
  if (Status s = ApplyRemovals(*merged, records.records_read()); !s.ok()) {
    return CatalogFailed(s);
  }
  // Only a scan that saw everything and applied everything it saw vouches
  // for every present record.
  if (!scoped() && merged->subtree_errors == 0 &&
      report_.removals_deferred == 0) {
    if (Status s = gateway_.CompleteScan(repo_, generation_); !s.ok()) {
      return CatalogFailed(s);
    }
  }
  RETURN_IF_ERROR(FinishOperation(*merged));
  return std::move(report_);
}

Result<std::unique_ptr<ListingStream>> Scan::OpenListing() {
  ListOptions list_options;
  list_options.threads = options_.walker_threads;
  list_options.scope = options_.scope;
  // Writer files are listed to be reported, never catalogued.
  list_options.filter =
      PathFilterRules::ListFilterWithWriterFiles(options_.filter);
  auto listing = backend_.List(list_options);
  if (!scoped() || listing.ok()) return listing;
  if (listing.status().IsNotFound()) {
    // The root is there but the scope is gone: it lists empty.
    return std::unique_ptr<ListingStream>(new EmptyListing());
  }
  if (!listing.status().IsUnavailable() &&
      listing.status().code() != StatusCode::kInvalidArgument) {
    // The root is there but the scope cannot be read: its records are
    // kept, and the repository is not offline.
    return std::unique_ptr<ListingStream>(
        new UnlistableScope(options_.scope, listing.status()));
  }
  return listing;
}

Status Scan::WalkAndWrite(PagedRecordCursor& records, WriterFileListing& listed,
                          BulkLoad& bulk, Result<MergeSummary>& merged) {
  WritePipelineOptions pipeline_options;
  pipeline_options.hash = options_.hash;
  pipeline_options.batch_size = options_.batch_size;
  pipeline_options.hash_threads = options_.hash_threads;
  pipeline_options.generation = generation_;
  pipeline_options.cancel = options_.cancel;
  WritePipeline pipeline(backend_, gateway_, repo_.id, op_, pipeline_options);
  ListingCursor observations(listed);
  EstimateSize();
  merged = MergePlan(
      records, observations, compare_,
      [&](const PlanItem& item) { return OnPlanItem(item, pipeline); },
      [&](const std::string& dir, const Status& error) {
        OnSubtreeError(dir, error);
      });
  pipeline.SetScanned(scanned_);
  Status written = pipeline.Finish();
  if (Status s = bulk.End(); !s.ok() && written.ok()) written = s;
  report_.rows_written = pipeline.rows_written();
  ReportLeftovers(listed);
  report_.warnings = subtree_errors_;
  report_.warnings.insert(report_.warnings.end(), pipeline.warnings().begin(),
                          pipeline.warnings().end());
  op_.counters.scanned = scanned_;
  if (written.ok() && merged.ok() && Cancelled()) {
    // Stopped after the walk, while hashing: skipped files were not
    // written, so the scan is incomplete and removes nothing.
    merged = Status::Cancelled("stopped before the end of the scan");
  }
  return written;
}

void Scan::EstimateSize() {
  if (scoped()) return;
  auto last = store_.ListOperations(repo_.id, 2);
  if (!last.ok()) return;
  for (const SyncOperation& prior : *last) {
    if (prior.id != op_.id && prior.status != OperationStatus::kRunning) {
      progress_.expected = prior.counters.scanned;
      return;
    }
  }
}

Status Scan::OnPlanItem(const PlanItem& item, WritePipeline& pipeline) {
  if (Cancelled()) {
    return Status::Cancelled("stopped before the end of the scan");
  }
  const bool claimed =
      item.record != nullptr && moved_ids_.contains(item.record->id);
  switch (item.action) {
    case PlanAction::kUnchanged:
      ++scanned_;
      if (claimed) RETURN_IF_ERROR(AddOrMove(*item.entry, false, pipeline));
      break;
    case PlanAction::kChange:
      ++scanned_;
      RETURN_IF_ERROR(claimed ? AddOrMove(*item.entry, false, pipeline)
                              : pipeline.Change(*item.record, *item.entry));
      break;
    case PlanAction::kAdd:
      ++scanned_;
      RETURN_IF_ERROR(AddOrMove(*item.entry, true, pipeline));
      break;
    case PlanAction::kGone:
      if (!claimed) {
        gone_.push_back(
            {{item.record->id, item.record->path}, item.record->device});
      }
      break;
    case PlanAction::kUnobserved:
      ++unobserved_;
      break;
  }
  if (scanned_ % kProgressEvery == 0) {
    pipeline.SetScanned(scanned_);
    if (options_.progress) {
      progress_.scanned = scanned_;
      options_.progress(progress_);
    }
  }
  return Status::Ok();
}

// A record claimed as the source of a move now lives at its new path. If
// the (older) listing still shows its old path, that entry is not this
// record any more: it is handled as an addition.
Status Scan::AddOrMove(const StorageEntry& entry, bool may_be_move,
                       WritePipeline& pipeline) {
  if (detect_moves_ && may_be_move) {
    ASSIGN_OR_RETURN(
        auto source,
        FindMoveSourceByInode(backend_, store_, repo_.id, entry, moved_ids_));
    if (source.has_value()) {
      moved_ids_.insert(source->id);
      return pipeline.Move(*source, entry);
    }
  }
  return pipeline.Add(entry);
}

void Scan::OnSubtreeError(const std::string& dir, const Status& error) {
  spdlog::warn("could not list '{}': {}; its records are kept",
               DisplayPath(dir), error.message());
  if (subtree_errors_.size() < 100) {
    subtree_errors_.push_back("could not list '" + DisplayPath(dir) +
                              "': " + error.message());
  }
}

void Scan::ReportLeftovers(const WriterFileListing& listed) {
  report_.leftovers = listed.Leftovers();
  if (report_.leftovers.empty()) return;
  // Reported, never catalogued nor removed here (rule 4).
  spdlog::warn(
      "{}: {} leftovers of interrupted writes, never catalogued (e.g. "
      "'{}'); 'tidemark check {}' lists them, 'tidemark repair {} "
      "--remove-leftovers' settles those of writers that are gone",
      repo_.name, report_.leftovers.size(),
      DisplayPath(report_.leftovers.front()), repo_.name, repo_.name);
}

Result<ReconcileReport> Scan::ListingFailed(const Status& why) {
  // Rule 2: a listing that failed part-way removes nothing. Rule 1: if
  // the root went away meanwhile, the repository is offline.
  report_.removals_deferred = static_cast<int64_t>(gone_.size());
  if (why.code() == StatusCode::kCancelled) {
    return Fail(why, /*offline=*/false);
  }
  return Fail(why.WithContext("listing failed"),
              /*offline=*/why.IsUnavailable());
}

Status Scan::ApplyRemovals(const MergeSummary& merged, int64_t records_read) {
  // Rule 2: a record gone from a directory that was listed may only be
  // removed when no move into an unlisted subtree can explain it (such a
  // file must keep its record). A record that was claimed by a move after
  // its old path was passed is not gone.
  UnlistedSubtrees unlisted;
  for (const FailedSubtree& failed : merged.failed) {
    unlisted.Add(failed.path, failed.device);
  }
  std::vector<RecordKey> removable;
  int64_t hidden = 0;
  for (GoneRecord& candidate : gone_) {
    if (moved_ids_.contains(candidate.key.id)) continue;
    if (unlisted.MayHide(candidate.device)) {
      ++hidden;
      report_.held_back.push_back(std::move(candidate.key.path));
    } else {
      removable.push_back(std::move(candidate.key));
    }
  }
  gone_.clear();
  report_.removals_deferred = hidden;
  RETURN_IF_ERROR(RemoveGone(std::move(removable), records_read));
  if (hidden > 0) {
    PrependReason(unlisted.DeferredReason(hidden),
                  report_.removal_pause_reason);
  }
  return Status::Ok();
}

Status Scan::RemoveGone(std::vector<RecordKey> removable,
                        int64_t records_read) {
  // Every record of the scope passed through the merge exactly once. The
  // threshold is a share of the repository (rule 3), so a scoped scan asks
  // for the repository's count, and only when something is gone.
  int64_t repository_records = records_read;
  if (scoped() && !removable.empty()) {
    ASSIGN_OR_RETURN(const RepositoryTotals totals, store_.Totals(repo_.id));
    repository_records = totals.files;
  }
  // Rule 3: pause a mass disappearance until it is confirmed.
  MassRemovalCheck check;
  check.repository_records = repository_records;
  check.listed_empty = scanned_ == 0;
  check.scoped = scoped();
  check.threshold = options_.mass_removal_threshold;
  check.allowed = options_.allow_mass_removal;
  check.how_to_confirm =
      "check the storage, then re-run with --allow-mass-removal to confirm";
  ASSIGN_OR_RETURN(
      RemovalOutcome removed,
      RemoveUnlessMass(backend_, gateway_, repo_.id, std::move(removable),
                       std::move(check), op_));
  report_.rows_written += removed.rows_written;
  report_.removals_deferred += removed.deferred;
  report_.removal_pause_reason = removed.DeferredReason();
  return Status::Ok();
}

Status Scan::FinishOperation(const MergeSummary& merged) {
  const bool partial = op_.counters.errors > 0 || report_.removals_deferred > 0;
  op_.status =
      partial ? OperationStatus::kPartial : OperationStatus::kCompleted;
  if (!report_.removal_pause_reason.empty()) {
    op_.error_message = report_.removal_pause_reason;
  } else if (merged.subtree_errors > 0) {
    op_.error_message = std::to_string(merged.subtree_errors) +
                        " directories could not be listed; their " +
                        std::to_string(unobserved_) + " records were kept";
  } else if (op_.counters.errors > 0) {
    op_.error_message =
        std::to_string(op_.counters.errors) + " files could not be hashed";
  }
  RETURN_IF_ERROR(gateway_.FinishOperation(op_));
  report_.operation = op_;
  return Status::Ok();
}

Result<ReconcileReport> Scan::Fail(const Status& why, bool offline) {
  op_.status = OperationStatus::kFailed;
  op_.error_message = why.message();
  if (offline) {
    report_.offline = true;
    RETURN_IF_ERROR(gateway_.SetRepositoryState(
        repo_, RepositoryState::kOffline, why.message()));
  }
  RETURN_IF_ERROR(gateway_.FinishOperation(op_));
  report_.operation = op_;
  return std::move(report_);
}

Status Scan::CatalogFailed(const Status& why) {
  op_.status = OperationStatus::kFailed;
  op_.error_message = why.message();
  (void)gateway_.FinishOperation(op_);
  return why;
}

}  // namespace

Reconciler::Reconciler(StorageBackend& backend, CatalogStore& store,
                       Gateway& gateway)
    : backend_(backend), store_(store), gateway_(gateway) {}

Result<ReconcileReport> Reconciler::Run(Repository& repo,
                                        const ReconcileOptions& options) {
  Scan scan(backend_, store_, gateway_, repo, options);
  return scan.Run();
}

}  // namespace tidemark
