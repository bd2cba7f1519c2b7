// Entities (records.h) on the SQLite catalog (private to the SQLite store).
//
// The rows live in `entities` (migration v4). The writes run inside the
// caller's open transaction on the writer connection, with the statements
// the connection keeps prepared; ListEntities runs on whichever connection
// it is given (the reader for the store, the writer inside a transaction, to
// see its own writes), as one statement and so one snapshot. An unknown
// repository or parent is NotFound. Multi-row writes are not atomic on their
// own: the transaction runs them under a savepoint.
// Not thread-safe: the caller holds the connection's lock.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_ENTITIES_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_ENTITIES_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "catalog/records.h"
#include "catalog/sqlite/sqlite_connection.h"
#include "common/result.h"

namespace tidemark {

// See CatalogTransaction::UpsertEntities, SetEntityBusiness, DeleteEntities.
// On failure the ids already written back into `entities` are left as they
// were before the call.
Status SqliteUpsertEntities(SqliteConnection& writer,
                            std::span<Entity> entities);
Status SqliteSetEntityBusiness(SqliteConnection& writer, int64_t id,
                               std::string_view business_json,
                               int64_t updated_at_ns);
Result<int64_t> SqliteDeleteEntities(SqliteConnection& writer,
                                     std::span<const int64_t> ids);

// See CatalogStore::ListEntities.
Result<std::vector<Entity>> SqliteListEntities(SqliteConnection& conn,
                                               const EntityQuery& q);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_ENTITIES_H_
