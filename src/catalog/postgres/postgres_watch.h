// The daemon's watch status and the sync request mailbox on PostgreSQL
// (private to the PostgreSQL catalog).
//
// The rows live in `repository_watch` and `sync_requests` (migration v3),
// shared by every worker on every machine. The writes run inside the
// caller's open transaction on the writer connection (the caller wraps
// those that may fail with NotFound in a savepoint); the reads are one
// statement each on the reader connection. An unknown repository is
// NotFound (the foreign key). Rows with a watch mode or operation type this
// binary does not know are DataLoss. Functions take the connection they
// use; not thread-safe beyond that.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_WATCH_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_WATCH_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "catalog/postgres/postgres_connection.h"
#include "catalog/records.h"
#include "common/result.h"

namespace tidemark {

// See CatalogTransaction::PutWatchStatus, InsertRequest, UpdateRequest.
Status PgPutWatchStatus(PgConnection& writer, const WatchStatus& s);
Result<int64_t> PgInsertRequest(PgConnection& writer, const SyncRequest& r);
Status PgUpdateRequest(PgConnection& writer, const SyncRequest& r);

// See CatalogStore::ListWatchStatuses, ListRequests, FindRequest.
Result<std::vector<WatchStatus>> PgListWatchStatuses(PgConnection& reader);
Result<std::vector<SyncRequest>> PgListRequests(PgConnection& reader,
                                                int64_t repository_id,
                                                bool pending_only);
Result<std::optional<SyncRequest>> PgFindRequest(PgConnection& reader,
                                                 int64_t id);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_WATCH_H_
