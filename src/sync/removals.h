// Applying removals: the last step of every sync (scan or watcher batch).
// Each candidate is confirmed with a fresh stat right before it is written
// (DESIGN.md rule 2: the observation may be minutes old), and written in
// batches through the Gateway with the operation's counters. Stateless;
// borrows its arguments for the call.
#ifndef TIDEMARK_SYNC_REMOVALS_H_
#define TIDEMARK_SYNC_REMOVALS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/records.h"
#include "common/result.h"
#include "storage/storage_backend.h"
#include "sync/gateway.h"

namespace tidemark {

struct RemovalOutcome {
  int64_t rows_written = 0;
  int64_t deferred = 0;  // paths that could not be checked again: kept

  // Why the operation is partial, for its row; "" when nothing was deferred.
  std::string DeferredReason() const;
};

// Removes the records of `gone` whose paths are still not found; a path
// that is back is kept. Adds what was removed to op.counters.removed (and
// writes the counters with each batch). An error means the catalog failed.
Result<RemovalOutcome> RemoveConfirmed(StorageBackend& backend,
                                       Gateway& gateway, int64_t repository_id,
                                       std::vector<RecordKey> gone,
                                       SyncOperation& op);

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_REMOVALS_H_
