// Bringing a PostgreSQL schema to the catalog version this tidemark knows:
// the check that a `schema_version` table is tidemark's, the version read,
// the migration runner (catalog/migrations.h) and the indexes a bulk load may
// suspend (private to the PostgreSQL catalog).
//
// Every migration runs in its own transaction under a transaction-scoped
// advisory lock keyed on the current schema, and re-reads the version inside
// it, so several workers opening a fresh database at once apply each
// migration exactly once. A database whose version table is foreign or whose
// schema is newer than LatestSchemaVersion() is refused before anything is
// written (the transaction is rolled back). Functions take the connection
// they use; not thread-safe beyond that.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_SCHEMA_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_SCHEMA_H_

#include "catalog/postgres/postgres_connection.h"
#include "common/result.h"
#include "common/status.h"

namespace tidemark {

// The version recorded in the current schema: 0 when it has no
// `schema_version` table. FailedPrecondition for a table that tidemark did
// not write (other columns, versions that are not 1..N, descriptions that
// are not tidemark's). Reads only.
Result<int> ReadSchemaVersion(PgConnection& conn);

// Applies every pending migration; returns the resulting version.
// FailedPrecondition for a schema newer than this binary.
Result<int> MigrateSchema(PgConnection& conn);

// Creates the secondary indexes that a bulk load suspends, if they are
// missing (after a crash during one). Reads only when they exist.
Status EnsureIndexes(PgConnection& conn);

// Drops the indexes that EnsureIndexes recreates.
Status SuspendIndexes(PgConnection& conn);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_SCHEMA_H_
