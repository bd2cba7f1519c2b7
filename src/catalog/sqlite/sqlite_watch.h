// The daemon's watch status and the sync request mailbox on the SQLite
// catalog (private to the SQLite store).
//
// The rows live in `repository_watch` and `sync_requests` (migration v3).
// The writes run inside the caller's open transaction on the writer
// connection; the reads on the reader connection, each one statement and so
// one snapshot. An unknown repository is NotFound (the foreign key). Rows
// with a watch mode or operation type this binary does not know are DataLoss.
// Not thread-safe on their own: the caller holds the connection's lock.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_WATCH_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_WATCH_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "catalog/records.h"
#include "catalog/sqlite/sqlite_connection.h"
#include "common/result.h"

namespace tidemark {

// See CatalogTransaction::PutWatchStatus, InsertRequest, UpdateRequest.
Status SqlitePutWatchStatus(SqliteConnection& writer, const WatchStatus& s);
Result<int64_t> SqliteInsertRequest(SqliteConnection& writer,
                                    const SyncRequest& r);
Status SqliteUpdateRequest(SqliteConnection& writer, const SyncRequest& r);

// See CatalogStore::ListWatchStatuses, ListRequests, FindRequest.
Result<std::vector<WatchStatus>> SqliteListWatchStatuses(
    SqliteConnection& reader);
Result<std::vector<SyncRequest>> SqliteListRequests(SqliteConnection& reader,
                                                    int64_t repository_id,
                                                    bool pending_only);
Result<std::optional<SyncRequest>> SqliteFindRequest(SqliteConnection& reader,
                                                     int64_t id);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_WATCH_H_
