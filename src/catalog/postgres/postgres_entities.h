// Entities (records.h) on the PostgreSQL catalog (private to the PostgreSQL
// store).
//
// The rows live in `entities` (migration v4). Every call is one statement
// over arrays, whatever the batch size: an upsert is one INSERT ... SELECT
// FROM unnest(...) ON CONFLICT DO UPDATE, a delete one recursive DELETE.
// The writes run inside the caller's open transaction on the writer
// connection; a failed one leaves the server transaction failed, so the
// caller runs them under a savepoint where it wants to go on. ListEntities
// runs on whichever connection it is given (the reader for the store, the
// writer inside a transaction, to see its own writes).
// Not thread-safe: the caller holds the connection's lock.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_ENTITIES_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_ENTITIES_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "catalog/postgres/postgres_connection.h"
#include "catalog/records.h"
#include "common/result.h"

namespace tidemark {

// See CatalogTransaction::UpsertEntities: writes the ids back on success.
// An unknown repository or parent fails the foreign key (NotFound, without
// saying which): after rolling back, PgExplainMissing says which.
Status PgUpsertEntities(PgConnection& writer, std::span<Entity> entities);
// The NotFound naming the first repository or parent of `entities` that
// does not exist; `fallback` if all do (or the check fails).
Status PgExplainMissing(PgConnection& writer, std::span<const Entity> entities,
                        Status fallback);
// See CatalogTransaction::SetEntityBusiness and DeleteEntities.
Status PgSetEntityBusiness(PgConnection& writer, int64_t id,
                           std::string_view business_json,
                           int64_t updated_at_ns);
Result<int64_t> PgDeleteEntities(PgConnection& writer,
                                 std::span<const int64_t> ids);

// See CatalogStore::ListEntities.
Result<std::vector<Entity>> PgListEntities(PgConnection& conn,
                                           const EntityQuery& q);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_ENTITIES_H_
