#include "sync/removals.h"

#include <algorithm>
#include <utility>

#include "common/paths.h"

namespace tidemark {
namespace {

constexpr size_t kRemovalBatch = 5000;

}  // namespace

void UnlistedSubtrees::Add(const std::string& path, uint64_t device) {
  if (count_++ == 0) first_ = path;
  if (device == 0) {
    any_device_ = true;
  } else {
    devices_.insert(device);
  }
}

bool UnlistedSubtrees::MayHide(uint64_t device) const {
  return count_ > 0 &&
         (any_device_ || device == 0 || devices_.contains(device));
}

std::string UnlistedSubtrees::DeferredReason(int64_t deferred) const {
  std::string where = "'" + DisplayPath(first_) + "'";
  if (count_ > 1) {
    where += " or one of " + std::to_string(count_ - 1) + " more directories";
  }
  return std::to_string(deferred) +
         " removals deferred: the files may have been moved into " + where +
         ", which this sync could not look into; their records stay until a "
         "sync can look there";
}

MassRemovalDecision DecideMassRemoval(const MassRemovalCheck& check) {
  MassRemovalDecision decision;
  if (check.removing <= 0 || check.allowed) return decision;
  const auto share =
      static_cast<double>(check.removing + check.recently_removed);
  const auto whole =
      static_cast<double>(check.repository_records + check.recently_removed);
  decision.pause = check.listed_empty || share > check.threshold * whole;
  if (!decision.pause) return decision;
  decision.reason = "mass removal paused: " + std::to_string(check.removing) +
                    " of " + std::to_string(check.repository_records) +
                    " records would be removed";
  if (check.listed_empty) {
    decision.reason +=
        check.scoped ? " (the scope listed empty)" : " (the root listed empty)";
  } else if (check.recently_removed > 0) {
    decision.reason +=
        " (after " + std::to_string(check.recently_removed) + " just before)";
  }
  decision.reason += "; " + check.how_to_confirm;
  return decision;
}

void PrependReason(const std::string& reason, std::string& reasons) {
  reasons = reasons.empty() ? reason : reason + "; " + reasons;
}

std::string RemovalOutcome::DeferredReason() const {
  if (!pause_reason.empty()) return pause_reason;
  if (deferred == 0) return "";
  return std::to_string(deferred) +
         " removals deferred: their paths could not be checked again";
}

Result<RemovalOutcome> RemoveConfirmed(StorageBackend& backend,
                                       Gateway& gateway, int64_t repository_id,
                                       std::vector<RecordKey> gone,
                                       SyncOperation& op) {
  RemovalOutcome outcome;
  for (size_t i = 0; i < gone.size(); i += kRemovalBatch) {
    ChangeSet set;
    set.repository_id = repository_id;
    const size_t end = std::min(gone.size(), i + kRemovalBatch);
    for (size_t k = i; k < end; ++k) {
      auto now = backend.Stat(gone[k].path);
      if (now.ok()) continue;
      if (!now.status().IsNotFound()) {
        ++outcome.deferred;
        continue;
      }
      set.removed.push_back(std::move(gone[k]));
    }
    SyncOperation progress_row = op;
    progress_row.counters.removed += static_cast<int64_t>(set.removed.size());
    set.progress = &progress_row;
    ASSIGN_OR_RETURN(ApplyResult applied, gateway.Apply(set));
    op.counters.removed += applied.removed;
    outcome.rows_written += applied.rows_written;
  }
  return outcome;
}

Result<RemovalOutcome> RemoveUnlessMass(StorageBackend& backend,
                                        Gateway& gateway, int64_t repository_id,
                                        std::vector<RecordKey> gone,
                                        MassRemovalCheck check,
                                        SyncOperation& op) {
  check.removing = static_cast<int64_t>(gone.size());
  MassRemovalDecision mass = DecideMassRemoval(check);
  if (!mass.pause) {
    return RemoveConfirmed(backend, gateway, repository_id, std::move(gone),
                           op);
  }
  RemovalOutcome paused;
  paused.deferred = check.removing;
  paused.pause_reason = std::move(mass.reason);
  return paused;
}

}  // namespace tidemark
