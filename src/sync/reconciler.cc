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

}  // namespace

Reconciler::Reconciler(StorageBackend& backend, CatalogStore& store,
                       Gateway& gateway)
    : backend_(backend), store_(store), gateway_(gateway) {}

Result<ReconcileReport> Reconciler::Run(Repository& repo,
                                        const ReconcileOptions& options) {
  ReconcileReport report;
  ASSIGN_OR_RETURN(SyncOperation op,
                   gateway_.BeginOperation(repo.id, options.type));
  auto fail = [&](const Status& why, bool offline) -> Result<ReconcileReport> {
    op.status = OperationStatus::kFailed;
    op.error_message = why.message();
    if (offline) {
      report.offline = true;
      RETURN_IF_ERROR(gateway_.SetRepositoryState(
          repo, RepositoryState::kOffline, why.message()));
    }
    RETURN_IF_ERROR(gateway_.FinishOperation(op));
    report.operation = op;
    return report;
  };

  // The catalog failed mid-run: record that in the history if it still takes
  // writes, and return the catalog's error.
  auto catalog_failed = [&](const Status& why) -> Status {
    op.status = OperationStatus::kFailed;
    op.error_message = why.message();
    (void)gateway_.FinishOperation(op);
    return why;
  };

  // Rule 1: an unreachable root never turns records into "gone".
  if (Status root = backend_.CheckRoot(); !root.ok()) {
    return fail(root, /*offline=*/true);
  }
  const bool scoped = !options.scope.empty();
  ListOptions list_options;
  list_options.threads = options.walker_threads;
  list_options.scope = options.scope;
  // Writer files are listed to be reported, never catalogued.
  list_options.filter =
      PathFilterRules::ListFilterWithWriterFiles(options.filter);
  auto listing = backend_.List(list_options);
  if (scoped && listing.status().IsNotFound()) {
    // The root is there but the scope is gone: it lists empty.
    listing = std::unique_ptr<ListingStream>(new EmptyListing());
  } else if (scoped && !listing.ok() && !listing.status().IsUnavailable() &&
             listing.status().code() != StatusCode::kInvalidArgument) {
    // The root is there but the scope cannot be read: its records are
    // kept, and the repository is not offline.
    listing = std::unique_ptr<ListingStream>(
        new UnlistableScope(options.scope, listing.status()));
  }
  if (!listing.ok()) return fail(listing.status(), /*offline=*/true);

  // The first page tells whether the repository is empty; counting all its
  // records up front would cost a pass over the catalog on every rescan.
  PagedRecordCursor records(store_, repo.id, options.scope);
  auto first = records.Peek();
  if (!first.ok()) return catalog_failed(first.status());
  const bool catalog_empty = *first == nullptr;
  auto begun = gateway_.BeginScan(repo);
  if (!begun.ok()) return catalog_failed(begun.status());
  const int64_t generation = *begun;

  // A first import into an empty repository lets the store build its
  // secondary indexes once at the end instead of row by row.
  BulkLoad bulk(gateway_, /*wanted=*/catalog_empty && !scoped);

  WritePipelineOptions pipeline_options;
  pipeline_options.hash = options.hash;
  pipeline_options.batch_size = options.batch_size;
  pipeline_options.hash_threads = options.hash_threads;
  pipeline_options.generation = generation;
  pipeline_options.cancel = options.cancel;
  WritePipeline pipeline(backend_, gateway_, repo.id, op, pipeline_options);

  WriterFileListing listed(std::move(listing).value());
  ListingCursor observations(listed);
  CompareOptions compare;
  compare.compare_inodes = backend_.Capabilities().has_inodes;
  // A scope with no records yet may still receive moves from outside it.
  const bool detect_moves =
      compare.compare_inodes && (!catalog_empty || scoped);

  int64_t scanned = 0;
  int64_t unobserved = 0;
  std::vector<GoneRecord> gone;
  std::unordered_set<int64_t> moved_ids;
  std::vector<std::string> subtree_errors;
  ScanProgress progress;
  // The last scan's count is the estimate of this one's size.
  if (auto last = store_.ListOperations(repo.id, 2); last.ok() && !scoped) {
    for (const SyncOperation& prior : *last) {
      if (prior.id != op.id && prior.status != OperationStatus::kRunning) {
        progress.expected = prior.counters.scanned;
        break;
      }
    }
  }

  // A record claimed as the source of a move now lives at its new path. If
  // the (older) listing still shows its old path, that entry is not this
  // record any more: it is handled as an addition.
  auto add = [&](const StorageEntry& entry, bool may_be_move) -> Status {
    if (detect_moves && may_be_move) {
      ASSIGN_OR_RETURN(
          auto source,
          FindMoveSourceByInode(backend_, store_, repo.id, entry, moved_ids));
      if (source.has_value()) {
        moved_ids.insert(source->id);
        return pipeline.Move(*source, entry);
      }
    }
    return pipeline.Add(entry);
  };
  auto sink = [&](const PlanItem& item) -> Status {
    if (options.cancel != nullptr && options.cancel->load()) {
      return Status::Cancelled("stopped before the end of the scan");
    }
    const bool claimed =
        item.record != nullptr && moved_ids.contains(item.record->id);
    switch (item.action) {
      case PlanAction::kUnchanged:
        ++scanned;
        if (claimed) RETURN_IF_ERROR(add(*item.entry, false));
        break;
      case PlanAction::kChange:
        ++scanned;
        RETURN_IF_ERROR(claimed ? add(*item.entry, false)
                                : pipeline.Change(*item.record, *item.entry));
        break;
      case PlanAction::kAdd:
        ++scanned;
        RETURN_IF_ERROR(add(*item.entry, true));
        break;
      case PlanAction::kGone:
        if (!claimed) {
          gone.push_back(
              {{item.record->id, item.record->path}, item.record->device});
        }
        break;
      case PlanAction::kUnobserved:
        ++unobserved;
        break;
    }
    if (scanned % kProgressEvery == 0) {
      pipeline.SetScanned(scanned);
      if (options.progress) {
        progress.scanned = scanned;
        options.progress(progress);
      }
    }
    return Status::Ok();
  };
  auto on_subtree_error = [&](const std::string& dir, const Status& error) {
    spdlog::warn("could not list '{}': {}; its records are kept",
                 DisplayPath(dir), error.message());
    if (subtree_errors.size() < 100) {
      subtree_errors.push_back("could not list '" + DisplayPath(dir) +
                               "': " + error.message());
    }
  };

  auto merged =
      MergePlan(records, observations, compare, sink, on_subtree_error);
  pipeline.SetScanned(scanned);
  Status written = pipeline.Finish();
  if (Status s = bulk.End(); !s.ok() && written.ok()) written = s;
  report.rows_written = pipeline.rows_written();
  report.leftovers = listed.Leftovers();
  if (!report.leftovers.empty()) {
    // Reported, never catalogued nor removed here (rule 4).
    spdlog::warn(
        "{}: {} leftovers of interrupted writes, never catalogued (e.g. "
        "'{}'); 'tidemark check {}' lists them, 'tidemark repair {} "
        "--remove-leftovers' settles those of writers that are gone",
        repo.name, report.leftovers.size(),
        DisplayPath(report.leftovers.front()), repo.name, repo.name);
  }
  report.warnings = subtree_errors;
  report.warnings.insert(report.warnings.end(), pipeline.warnings().begin(),
                         pipeline.warnings().end());
  op.counters.scanned = scanned;
  if (!written.ok()) return catalog_failed(written);
  if (merged.ok() && options.cancel != nullptr && options.cancel->load()) {
    // Stopped after the walk, while hashing: skipped files were not
    // written, so the scan is incomplete and removes nothing.
    merged = Status::Cancelled("stopped before the end of the scan");
  }
  if (!merged.ok()) {
    // Rule 2: a listing that failed part-way removes nothing. Rule 1: if
    // the root went away meanwhile, the repository is offline.
    report.removals_deferred = static_cast<int64_t>(gone.size());
    if (merged.status().code() == StatusCode::kCancelled) {
      return fail(merged.status(), /*offline=*/false);
    }
    return fail(merged.status().WithContext("listing failed"),
                /*offline=*/merged.status().IsUnavailable());
  }
  op.counters.errors += merged->subtree_errors;
  report.unlisted_subtrees = merged->subtree_errors;
  // Rule 2: a record gone from a directory that was listed may only be
  // removed when no move into an unlisted subtree can explain it (such a
  // file must keep its record). A record that was claimed by a move after
  // its old path was passed is not gone.
  UnlistedSubtrees unlisted;
  for (const FailedSubtree& failed : merged->failed) {
    unlisted.Add(failed.path, failed.device);
  }
  std::vector<RecordKey> removable;
  int64_t hidden = 0;
  for (GoneRecord& candidate : gone) {
    if (moved_ids.contains(candidate.key.id)) continue;
    if (unlisted.MayHide(candidate.device)) {
      ++hidden;
      report.held_back.push_back(std::move(candidate.key.path));
    } else {
      removable.push_back(std::move(candidate.key));
    }
  }
  gone.clear();
  report.removals_deferred = hidden;
  const std::string hidden_reason =
      hidden > 0 ? unlisted.DeferredReason(hidden) : "";
  // Rule 3: pause a mass disappearance until it is confirmed.
  const auto gone_count = static_cast<int64_t>(removable.size());
  // Every record of the scope passed through the merge exactly once. The
  // threshold is a share of the repository (rule 3), so a scoped scan asks
  // for the repository's count, and only when something is gone.
  int64_t catalog_records = records.records_read();
  if (scoped && gone_count > 0) {
    auto totals = store_.Totals(repo.id);
    if (!totals.ok()) return catalog_failed(totals.status());
    catalog_records = totals->files;
  }
  if (gone_count > 0 && !options.allow_mass_removal &&
      (scanned == 0 || static_cast<double>(gone_count) >
                           options.mass_removal_threshold *
                               static_cast<double>(catalog_records))) {
    report.removals_deferred += gone_count;
    report.removal_pause_reason =
        "mass removal paused: " + std::to_string(gone_count) + " of " +
        std::to_string(catalog_records) + " records would be removed" +
        (scanned == 0 ? (scoped ? " (the scope listed empty)"
                                : " (the root listed empty)")
                      : "") +
        "; check the storage, then re-run with --allow-mass-removal to "
        "confirm";
  } else {
    auto removed =
        RemoveConfirmed(backend_, gateway_, repo.id, std::move(removable), op);
    if (!removed.ok()) return catalog_failed(removed.status());
    report.rows_written += removed->rows_written;
    report.removals_deferred += removed->deferred;
    report.removal_pause_reason = removed->DeferredReason();
  }
  if (!hidden_reason.empty()) {
    report.removal_pause_reason =
        report.removal_pause_reason.empty()
            ? hidden_reason
            : hidden_reason + "; " + report.removal_pause_reason;
  }

  // Only a scan that saw everything and applied everything it saw vouches
  // for every present record.
  if (!scoped && merged->subtree_errors == 0 && report.removals_deferred == 0) {
    if (Status s = gateway_.CompleteScan(repo, generation); !s.ok()) {
      return catalog_failed(s);
    }
  }
  const bool partial = op.counters.errors > 0 || report.removals_deferred > 0;
  op.status = partial ? OperationStatus::kPartial : OperationStatus::kCompleted;
  if (!report.removal_pause_reason.empty()) {
    op.error_message = report.removal_pause_reason;
  } else if (merged->subtree_errors > 0) {
    op.error_message = std::to_string(merged->subtree_errors) +
                       " directories could not be listed; their " +
                       std::to_string(unobserved) + " records were kept";
  } else if (op.counters.errors > 0) {
    op.error_message =
        std::to_string(op.counters.errors) + " files could not be hashed";
  }
  RETURN_IF_ERROR(gateway_.FinishOperation(op));
  report.operation = op;
  return report;
}

}  // namespace tidemark
