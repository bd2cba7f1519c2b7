// Bringing a SQLite file to the schema this tidemark knows: the header check
// that refuses foreign files before SQLite touches them, the version read, the
// connection settings and the migration runner (catalog/migrations.h).
//
// Nothing here writes to a file that is not a tidemark catalog or whose schema
// is newer than LatestSchemaVersion(). Each migration runs in its own
// BEGIN IMMEDIATE transaction and re-reads the version inside it, so two
// processes opening the same new file do not both apply it.
// Functions take the connection they use; not thread-safe beyond that.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_SCHEMA_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_SCHEMA_H_

#include <string>

#include "catalog/sqlite/sqlite_connection.h"
#include "common/result.h"
#include "common/status.h"

namespace tidemark {

// OK for a missing or empty file or one that starts with the SQLite header;
// DataLoss naming the path and the fix otherwise. Reads only.
Status CheckDatabaseHeader(const std::string& path);

// The version recorded in the file: 0 for an empty database.
// FailedPrecondition for a database with other tables but no schema_version
// (some other program's SQLite file). Reads only.
Result<int> ReadSchemaVersion(SqliteConnection& conn);

// FailedPrecondition when `version` is newer than this binary knows.
Status CheckSchemaNotNewer(const std::string& path, int version);

// Sets WAL journaling, synchronous=NORMAL, foreign keys and caches on the
// connection that writes. FailedPrecondition if WAL cannot be enabled.
Status ConfigureWriter(SqliteConnection& conn);

// Applies every pending migration; returns the resulting version.
Result<int> MigrateSchema(SqliteConnection& conn);

// Creates the secondary indexes that a bulk load may have suspended, if they
// are missing (after a crash during a bulk load). Cheap when they exist.
Status EnsureIndexes(SqliteConnection& conn);

// Drops the indexes that EnsureIndexes recreates.
Status SuspendIndexes(SqliteConnection& conn);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_SCHEMA_H_
