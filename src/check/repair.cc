#include "check/repair.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <utility>

#include "common/paths.h"
#include "sync/path_sync.h"
#include "sync/removals.h"

namespace tidemark {
namespace {

std::string ScopeName(const std::string& scope) {
  return scope.empty() ? std::string("the whole repository")
                       : "scope '" + DisplayPath(scope) + "'";
}

std::string Percent(double share) {
  return std::to_string(static_cast<int>(std::lround(share * 100))) + "%";
}

bool SameObject(const Fingerprint& seen, const StorageEntry& now) {
  return seen.kind == now.kind && seen.size == now.size &&
         seen.mtime_ns == now.mtime_ns && seen.device == now.device &&
         seen.inode == now.inode;
}

bool Cancelled(const RepairOptions& options) {
  return options.cancel != nullptr && options.cancel->load();
}

// Adoptions and refreshes: each path is looked at again, then PathSync
// stats, hashes and writes the ones still there.
Status AdoptAndRefresh(StorageBackend& backend, CatalogStore& store,
                       Gateway& gateway, Repository& repo,
                       const RepairPlan& plan, const RepairOptions& options,
                       RepairOutcome& outcome) {
  std::vector<std::string> paths;
  auto still_there = [&](const DriftItem& item, RepairAction action) {
    auto now = backend.Stat(item.path);
    if (now.ok()) return true;
    outcome.skipped.push_back(
        {action, item.path,
         now.status().IsNotFound()
             ? std::string("gone from storage since the check")
             : "could not look at it again: " + now.status().message()});
    return false;
  };
  for (const DriftItem& item : plan.adopt) {
    if (still_there(item, RepairAction::kAdopt)) paths.push_back(item.path);
  }
  // A record whose file vanished meanwhile is left alone here: dropping
  // records is the missing policy's business, not a refresh's.
  for (const DriftItem& item : plan.refresh) {
    if (still_there(item, RepairAction::kRefresh)) paths.push_back(item.path);
  }
  if (paths.empty()) return Status::Ok();

  PathSyncOptions sync_options;
  sync_options.type = OperationType::kRepair;
  sync_options.hash = options.hash;
  sync_options.batch_size = options.batch_size;
  sync_options.hash_threads = options.hash_threads;
  sync_options.mass_removal_threshold = options.mass_removal_threshold;
  sync_options.filter = options.filter;
  sync_options.cancel = options.cancel;
  PathSync sync(backend, store, gateway);
  ASSIGN_OR_RETURN(PathSyncReport report,
                   sync.Run(repo, std::move(paths), sync_options));
  if (report.offline) {
    return Status::Unavailable("the storage of repository '" + repo.name +
                               "' went away during the repair");
  }
  if (report.wrote_operation) {
    const OperationCounters& c = report.operation.counters;
    outcome.adopted += c.added + c.moved;
    outcome.refreshed += c.updated;
    outcome.errors += c.errors;
    outcome.operations.push_back(report.operation);
  }
  outcome.warnings.insert(outcome.warnings.end(), report.warnings.begin(),
                          report.warnings.end());
  if (!report.removal_pause_reason.empty()) {
    outcome.warnings.push_back(report.removal_pause_reason);
  }
  return Status::Ok();
}

// Deletes orphaned objects that are still exactly what the check saw and
// still have no record. Returns an error only when the catalog fails.
Status RemoveObjects(StorageBackend& backend, CatalogStore& store,
                     const Repository& repo, const RepairPlan& plan,
                     const RepairOptions& options, SyncOperation& op,
                     RepairOutcome& outcome) {
  for (const DriftItem& item : plan.remove_objects) {
    auto skip = [&](std::string reason) {
      outcome.skipped.push_back(
          {RepairAction::kRemoveObject, item.path, std::move(reason)});
      ++op.counters.errors;
    };
    if (Cancelled(options)) {
      skip("stopped before it was removed");
      continue;
    }
    ++op.counters.scanned;
    auto now = backend.Stat(item.path);
    if (!now.ok()) {
      skip(now.status().IsNotFound()
               ? std::string("already gone from storage")
               : "could not look at it again: " + now.status().message());
      continue;
    }
    if (!SameObject(item.seen, *now)) {
      skip("changed on storage since the check; kept");
      continue;
    }
    ASSIGN_OR_RETURN(auto record, store.FindRecord(repo.id, item.path));
    if (record.has_value()) {
      skip("gained a catalog record since the check; kept");
      continue;
    }
    if (Status removed = backend.Remove(item.path); !removed.ok()) {
      skip(removed.IsNotFound() ? std::string("already gone from storage")
                                : "could not remove it: " + removed.message());
      continue;
    }
    spdlog::info("repair of '{}': removed '{}' from storage", repo.name,
                 DisplayPath(item.path));
    ++outcome.objects_removed;
  }
  return Status::Ok();
}

// Drops the records of missing files that are still missing (RemoveConfirmed
// stats each again right before its batch).
Status DropRecords(StorageBackend& backend, Gateway& gateway,
                   const Repository& repo, const RepairPlan& plan,
                   const RepairOptions& options, SyncOperation& op,
                   RepairOutcome& outcome) {
  std::vector<RecordKey> keys;
  for (const DriftItem& item : plan.drop_records) {
    auto skip = [&](std::string reason) {
      outcome.skipped.push_back(
          {RepairAction::kDropRecord, item.path, std::move(reason)});
      ++op.counters.errors;
    };
    if (Cancelled(options)) {
      skip("stopped before it was dropped");
      continue;
    }
    ++op.counters.scanned;
    auto now = backend.Stat(item.path);
    if (now.ok()) {
      skip("back on storage since the check; its record is kept");
      continue;
    }
    if (!now.status().IsNotFound()) {
      skip("could not look at it again: " + now.status().message());
      continue;
    }
    keys.push_back({item.record_id, item.path});
  }
  if (keys.empty()) return Status::Ok();
  const auto wanted = static_cast<int64_t>(keys.size());
  const int64_t before = op.counters.removed;
  ASSIGN_OR_RETURN(
      RemovalOutcome removed,
      RemoveConfirmed(backend, gateway, repo.id, std::move(keys), op));
  const int64_t dropped = op.counters.removed - before;
  outcome.records_dropped += dropped;
  if (dropped < wanted) {
    op.counters.errors += wanted - dropped;
    // Back on storage in the last instant, or the record moved or went.
    outcome.skipped.push_back(
        {RepairAction::kDropRecord, "",
         std::to_string(wanted - dropped) +
             " records were not dropped: they came back, changed or went "
             "meanwhile" +
             (removed.deferred > 0 ? " (" + removed.DeferredReason() + ")"
                                   : std::string())});
  }
  return Status::Ok();
}

// Settles the planned leftovers, each classified again now: it may have
// gone, or a refresh may have recorded the replace it was left by.
Status SettlePlannedLeftovers(StorageBackend& backend, CatalogStore& store,
                              const Repository& repo, const RepairPlan& plan,
                              RepairOutcome& outcome) {
  std::vector<StorageEntry> still_there;
  for (const Leftover& l : plan.leftovers) {
    auto now = backend.Stat(l.path);
    if (now.ok()) {
      still_there.push_back(std::move(now).value());
    } else if (!now.status().IsNotFound()) {
      Leftover kept = l;
      kept.reason = "could not look at it again: " + now.status().message();
      outcome.leftovers.kept.push_back(std::move(kept));
    }
  }
  ASSIGN_OR_RETURN(std::vector<Leftover> fresh,
                   ClassifyLeftovers(backend, store, repo, still_there));
  LeftoverOutcome settled =
      SettleLeftovers(backend, fresh, plan.any_writer, /*dry_run=*/false);
  for (const std::string& path : settled.removed) {
    spdlog::info("repair of '{}': removed the leftover '{}'", repo.name,
                 DisplayPath(path));
  }
  for (const Leftover& l : settled.restored) {
    spdlog::info("repair of '{}': moved the old copy '{}' back to '{}'",
                 repo.name, DisplayPath(l.path), DisplayPath(l.original));
  }
  outcome.leftovers.removed = std::move(settled.removed);
  outcome.leftovers.restored = std::move(settled.restored);
  outcome.leftovers.kept.insert(outcome.leftovers.kept.end(),
                                settled.kept.begin(), settled.kept.end());
  return Status::Ok();
}

}  // namespace

std::string_view RepairActionName(RepairAction action) {
  switch (action) {
    case RepairAction::kAdopt:
      return "adopt";
    case RepairAction::kRemoveObject:
      return "remove object";
    case RepairAction::kDropRecord:
      return "drop record";
    case RepairAction::kRefresh:
      return "refresh";
  }
  return "unknown";
}

RepairPlan PlanRepair(const DriftReport& report, const RepairPolicy& policy) {
  RepairPlan plan;
  plan.scope = report.scope;
  plan.scope_files = report.totals.files;
  plan.storage_files = report.totals.storage_files;
  plan.catalog_files = report.totals.catalog_files;
  for (const DriftItem& item : report.items) {
    switch (item.kind) {
      case DriftKind::kOrphaned:
        if (policy.orphaned == OrphanPolicy::kAdopt) {
          plan.adopt.push_back(item);
        } else if (policy.orphaned == OrphanPolicy::kRemove) {
          plan.remove_objects.push_back(item);
        }
        break;
      case DriftKind::kMissing:
        if (policy.missing != MissingPolicy::kDrop) break;
        if (report.subtree_errors > 0) {
          plan.deferred.push_back(item);
        } else {
          plan.drop_records.push_back(item);
        }
        break;
      case DriftKind::kModified:
        if (policy.update_modified) plan.refresh.push_back(item);
        break;
      case DriftKind::kSynced:
      case DriftKind::kError:
        break;
    }
  }
  if (policy.remove_leftovers) {
    plan.leftovers = report.leftovers;
    plan.any_writer = policy.any_writer;
  }
  if (!plan.deferred.empty()) {
    plan.deferred_reason =
        std::to_string(plan.deferred.size()) +
        " records are not dropped: " + std::to_string(report.subtree_errors) +
        " directories could not be listed, so the check was incomplete; fix "
        "them and repair again";
  }
  return plan;
}

Status CheckRepairSafety(const RepairPlan& plan, double threshold, bool force) {
  if (force || plan.removals() == 0) return Status::Ok();
  if (!plan.drop_records.empty() && plan.storage_files == 0 &&
      plan.catalog_files > 0) {
    return Status::FailedPrecondition(
        "refusing to drop " + std::to_string(plan.drop_records.size()) +
        " records: " + ScopeName(plan.scope) +
        " lists empty on storage while the catalog has " +
        std::to_string(plan.catalog_files) +
        " files there (is the storage mounted?); check it, then re-run "
        "with --force to confirm");
  }
  if (static_cast<double>(plan.removals()) >
      threshold * static_cast<double>(plan.scope_files)) {
    return Status::FailedPrecondition(
        "refusing to remove " + std::to_string(plan.remove_objects.size()) +
        " objects from storage and drop " +
        std::to_string(plan.drop_records.size()) + " records: that is " +
        std::to_string(plan.removals()) + " of the " +
        std::to_string(plan.scope_files) + " files in " +
        ScopeName(plan.scope) + ", more than the mass-removal threshold of " +
        Percent(threshold) +
        "; check the drift, then re-run with --force "
        "to confirm");
  }
  return Status::Ok();
}

Result<RepairOutcome> ApplyRepair(StorageBackend& backend, CatalogStore& store,
                                  Gateway& gateway, Repository& repo,
                                  const RepairPlan& plan,
                                  const RepairOptions& options) {
  RETURN_IF_ERROR(
      CheckRepairSafety(plan, options.mass_removal_threshold, options.force));
  if (Status root = backend.CheckRoot(); !root.ok()) {
    return Status::Unavailable(
        "the storage of repository '" + repo.name + "' (" + backend.RootUrl() +
        ") cannot be reached: " + root.message() + "; nothing was repaired");
  }
  RepairOutcome outcome;
  for (const DriftItem& item : plan.deferred) {
    outcome.skipped.push_back(
        {RepairAction::kDropRecord, item.path, plan.deferred_reason});
  }
  RETURN_IF_ERROR(
      AdoptAndRefresh(backend, store, gateway, repo, plan, options, outcome));
  RETURN_IF_ERROR(SettlePlannedLeftovers(backend, store, repo, plan, outcome));
  if (plan.removals() == 0) return outcome;

  ASSIGN_OR_RETURN(SyncOperation op,
                   gateway.BeginOperation(repo.id, OperationType::kRepair));
  auto catalog_failed = [&](const Status& why) -> Status {
    op.status = OperationStatus::kFailed;
    op.error_message = why.message();
    (void)gateway.FinishOperation(op);
    return why;
  };
  const size_t skipped_before = outcome.skipped.size();
  if (Status s =
          RemoveObjects(backend, store, repo, plan, options, op, outcome);
      !s.ok()) {
    return catalog_failed(s);
  }
  if (Status s =
          DropRecords(backend, gateway, repo, plan, options, op, outcome);
      !s.ok()) {
    return catalog_failed(s);
  }
  const size_t skipped = outcome.skipped.size() - skipped_before;
  op.status =
      skipped > 0 ? OperationStatus::kPartial : OperationStatus::kCompleted;
  op.error_message = "repair: removed " +
                     std::to_string(outcome.objects_removed) +
                     " objects from storage, dropped " +
                     std::to_string(outcome.records_dropped) + " records" +
                     (skipped > 0 ? "; " + std::to_string(skipped) +
                                        " skipped as they changed since the "
                                        "check or could not be looked at"
                                  : std::string());
  RETURN_IF_ERROR(gateway.FinishOperation(op));
  outcome.operations.push_back(op);
  return outcome;
}

}  // namespace tidemark
