#include "sync/removals.h"

#include <algorithm>
#include <utility>

namespace tidemark {
namespace {

constexpr size_t kRemovalBatch = 5000;

}  // namespace

std::string RemovalOutcome::DeferredReason() const {
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

}  // namespace tidemark
