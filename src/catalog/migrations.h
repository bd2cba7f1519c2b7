// The catalog's versioned schema: one Migration per version, with the SQL for
// every database tidemark supports.
//
// Versions start at 1 and are dense. A store applies, in order and each in its
// own transaction, every migration newer than the version recorded in the
// database's `schema_version` table, then records the new version there. A
// database whose recorded version exceeds LatestSchemaVersion() was written by
// a newer tidemark and is refused (FailedPrecondition). Migrations are never
// edited once released; a schema change is a new version.
//
// The PostgreSQL text is kept next to the SQLite text so both stores share the
// same version numbers. All data here is static and immutable: thread-safe.
#ifndef TIDEMARK_CATALOG_MIGRATIONS_H_
#define TIDEMARK_CATALOG_MIGRATIONS_H_

#include <span>
#include <string_view>

namespace tidemark {

struct Migration {
  int version;
  std::string_view description;
  // One or more statements separated by ';'. They do not touch
  // `schema_version` rows: the runner inserts (version, description) itself.
  std::string_view sqlite_sql;
  std::string_view postgres_sql;
};

// Every migration, ascending by version; element i has version i + 1.
std::span<const Migration> AllMigrations();

// The version of the last migration: the schema this binary reads and writes.
int LatestSchemaVersion();

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_MIGRATIONS_H_
