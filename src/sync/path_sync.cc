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
        ++observed.errors;
        spdlog::warn("could not look at '{}': {}; its record is kept",
                     DisplayPath(record.path), now.status().message());
        if (observed.warnings.size() < kMaxWarnings) {
          observed.warnings.push_back(
              "could not look at '" + DisplayPath(record.path) +
              "': " + now.status().message() + "; its record is kept");
        }
        continue;
      }
      const int64_t id = record.id;
      observed.gone.emplace(id, std::move(record));
    }
    if (page.size() < kRecordPage) return Status::Ok();
  }
}

}  // namespace

PathSync::PathSync(StorageBackend& backend, CatalogStore& store,
                   Gateway& gateway)
    : backend_(backend), store_(store), gateway_(gateway) {}

Result<PathSyncReport> PathSync::Run(Repository& repo,
                                     std::vector<std::string> paths,
                                     const PathSyncOptions& options) {
  PathSyncReport report;
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());

  // Rule 1: an unreachable root never turns records into "gone".
  Status root = backend_.CheckRoot();
  if (!root.ok()) {
    report.offline = true;
    if (repo.state != RepositoryState::kOffline ||
        repo.state_reason != root.message()) {
      RETURN_IF_ERROR(gateway_.SetRepositoryState(
          repo, RepositoryState::kOffline, root.message()));
    }
    return report;
  }

  const CompareOptions compare{backend_.Capabilities().has_inodes};
  Observed observed;
  auto warn = [&](std::string message) {
    spdlog::warn("{}", message);
    if (observed.warnings.size() < kMaxWarnings) {
      observed.warnings.push_back(std::move(message));
    }
  };
  auto cancelled = [&] {
    return options.cancel != nullptr && options.cancel->load();
  };
  for (const std::string& path : paths) {
    if (cancelled()) return Status::Cancelled("stopped before the batch");
    if (path.empty()) continue;  // the root: a rescan's job, not a path's
    auto entry = backend_.Stat(path);
    if (!entry.ok() && !entry.status().IsNotFound()) {
      ++observed.errors;
      warn("could not look at '" + DisplayPath(path) +
           "': " + entry.status().message() + "; its records are kept");
      continue;
    }
    if (!entry.ok()) {
      // Gone, or a directory: its record and those below it that are gone.
      RETURN_IF_ERROR(
          CollectGoneBelow(backend_, store_, repo.id, path, true, observed));
      continue;
    }
    // A file or symlink (a directory stats as not found, above). If it
    // replaced a directory, what was below it is gone.
    RecordRange here;
    here.repository_id = repo.id;
    here.scope = path;
    ASSIGN_OR_RETURN(auto page, store_.ReadRecords(here, 2));
    std::optional<FileRecord> record;
    if (!page.empty() && page.front().path == path) {
      record = std::move(page.front());
    }
    if (page.size() > (record.has_value() ? 1u : 0u)) {
      RETURN_IF_ERROR(
          CollectGoneBelow(backend_, store_, repo.id, path, false, observed));
    }
    if (options.filter != nullptr &&
        !options.filter->AcceptWithParents(path, false)) {
      continue;
    }
    ++observed.scanned;
    if (!record.has_value()) {
      observed.added.push_back(std::move(*entry));
    } else if (!EntryMatchesRecord(*record, *entry, compare)) {
      observed.changed.emplace_back(std::move(*record), std::move(*entry));
    }
  }
  if (observed.empty()) return report;

  if (repo.state != RepositoryState::kOnline) {
    RETURN_IF_ERROR(
        gateway_.SetRepositoryState(repo, RepositoryState::kOnline, ""));
  }
  ASSIGN_OR_RETURN(SyncOperation op,
                   gateway_.BeginOperation(repo.id, options.type));
  report.wrote_operation = true;
  auto catalog_failed = [&](const Status& why) -> Status {
    op.status = OperationStatus::kFailed;
    op.error_message = why.message();
    (void)gateway_.FinishOperation(op);
    return why;
  };
  op.counters.scanned = observed.scanned;
  op.counters.errors = observed.errors;

  WritePipelineOptions pipeline_options;
  pipeline_options.hash = options.hash;
  pipeline_options.batch_size = options.batch_size;
  pipeline_options.hash_threads = options.hash_threads;
  pipeline_options.generation = repo.scan_generation;
  pipeline_options.cancel = options.cancel;
  WritePipeline pipeline(backend_, gateway_, repo.id, op, pipeline_options);
  pipeline.SetScanned(observed.scanned);

  std::unordered_set<int64_t> claimed;  // records that moved
  Status planned = Status::Ok();
  for (auto& [record, entry] : observed.changed) {
    planned = pipeline.Change(record, entry);
    if (!planned.ok()) break;
  }
  // Gone records a new file's contents may match (a copy, then a delete),
  // by size. Only records hashed with the repository's algorithm qualify.
  std::multimap<int64_t, const FileRecord*> gone_by_size;
  for (const auto& [id, record] : observed.gone) {
    if (record.kind == EntryKind::kFile && !record.content_hash.empty() &&
        record.hash_algorithm == options.hash &&
        options.hash != HashAlgorithm::kNone) {
      gone_by_size.emplace(record.size, &record);
    }
  }
  for (const StorageEntry& entry : observed.added) {
    if (!planned.ok()) break;
    if (cancelled()) {
      planned = Status::Cancelled("stopped in the middle of the batch");
      break;
    }
    if (compare.compare_inodes) {
      auto source =
          FindMoveSourceByInode(backend_, store_, repo.id, entry, claimed);
      if (!source.ok()) {
        planned = source.status();
        break;
      }
      if (source->has_value()) {
        claimed.insert((*source)->id);
        planned = pipeline.Move(**source, entry);
        continue;
      }
    }
    auto [first, last] = gone_by_size.equal_range(entry.size);
    const bool may_match = std::any_of(first, last, [&](const auto& kv) {
      return !claimed.contains(kv.second->id);
    });
    if (entry.kind != EntryKind::kFile || !may_match) {
      planned = pipeline.Add(entry);
      continue;
    }
    // Hash it now, once: a match makes it a move, else it is added with
    // this hash.
    auto hashed = HashObject(backend_, entry.path, options.hash);
    if (!hashed.ok()) {
      // Vanished or unreadable: the pipeline records it as a scan would.
      planned = pipeline.Add(entry);
      continue;
    }
    const FileRecord* source = nullptr;
    for (auto it = first; it != last; ++it) {
      if (!claimed.contains(it->second->id) &&
          it->second->content_hash == hashed->digest) {
        source = it->second;
        break;
      }
    }
    if (source != nullptr && !backend_.Stat(source->path).ok()) {
      claimed.insert(source->id);
      planned = pipeline.Move(*source, hashed->entry);
    } else {
      planned = pipeline.AddHashed(std::move(*hashed));
    }
  }
  Status written = pipeline.Finish();
  report.rows_written = pipeline.rows_written();
  report.warnings = std::move(observed.warnings);
  report.warnings.insert(report.warnings.end(), pipeline.warnings().begin(),
                         pipeline.warnings().end());
  if (!written.ok()) return catalog_failed(written);
  if (!planned.ok()) return catalog_failed(planned);
  if (cancelled()) {
    // Some hashing may have been skipped: the batch is not complete, and
    // nothing is removed.
    return catalog_failed(
        Status::Cancelled("stopped in the middle of the batch"));
  }

  // Rule 2: a file gone from here may have moved where the caller cannot
  // see; its record waits until the caller has looked there.
  UnlistedSubtrees unlisted;
  for (const std::string& dir : options.unlisted) unlisted.Add(dir, 0);
  std::vector<RecordKey> gone;
  for (auto& [id, record] : observed.gone) {
    if (claimed.contains(id)) continue;
    if (unlisted.MayHide(record.device)) {
      report.held_back.push_back(std::move(record.path));
    } else {
      gone.push_back({id, std::move(record.path)});
    }
  }
  if (!gone.empty()) {
    // Rule 1 again: the root may have gone while we hashed.
    root = backend_.CheckRoot();
    auto totals = store_.Totals(repo.id);
    if (!totals.ok()) return catalog_failed(totals.status());
    const auto gone_count = static_cast<int64_t>(gone.size());
    if (!root.ok()) {
      report.removals_deferred = gone_count;
      report.removal_pause_reason =
          std::to_string(gone_count) +
          " removals deferred: the root could not be reached (" +
          root.message() + ")";
    } else if (!options.allow_mass_removal &&
               static_cast<double>(gone_count + options.recently_removed) >
                   options.mass_removal_threshold *
                       static_cast<double>(totals->files +
                                           options.recently_removed)) {
      report.removals_deferred = gone_count;
      report.removal_pause_reason =
          "mass removal paused: " + std::to_string(gone_count) + " of " +
          std::to_string(totals->files) + " records would be removed" +
          (options.recently_removed > 0
               ? " (after " + std::to_string(options.recently_removed) +
                     " just before)"
               : std::string()) +
          "; check the storage, then confirm with `tidemark scan " + repo.name +
          " --allow-mass-removal` (stop `tidemark watch` first, or run it "
          "with --allow-mass-removal)";
    } else {
      auto removed =
          RemoveConfirmed(backend_, gateway_, repo.id, std::move(gone), op);
      if (!removed.ok()) return catalog_failed(removed.status());
      report.rows_written += removed->rows_written;
      report.removals_deferred += removed->deferred;
      report.removal_pause_reason = removed->DeferredReason();
    }
  }

  if (!report.held_back.empty()) {
    const auto held = static_cast<int64_t>(report.held_back.size());
    report.removals_deferred += held;
    const std::string why = unlisted.DeferredReason(held);
    report.removal_pause_reason =
        report.removal_pause_reason.empty()
            ? why
            : why + "; " + report.removal_pause_reason;
  }

  const bool partial = op.counters.errors > 0 || report.removals_deferred > 0;
  op.status = partial ? OperationStatus::kPartial : OperationStatus::kCompleted;
  if (!report.removal_pause_reason.empty()) {
    op.error_message = report.removal_pause_reason;
  } else if (op.counters.errors > 0) {
    op.error_message = std::to_string(op.counters.errors) +
                       " paths could not be looked at or hashed";
  }
  RETURN_IF_ERROR(gateway_.FinishOperation(op));
  report.operation = op;
  return report;
}

}  // namespace tidemark
