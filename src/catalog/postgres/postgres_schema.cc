#include "catalog/postgres/postgres_schema.h"

#include <string>
#include <vector>

#include "catalog/migrations.h"
#include "catalog/postgres/postgres_queries.h"

namespace tidemark {
namespace {

// The columns of a table named schema_version in the current schema.
constexpr char kVersionTableColumns[] =
    "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) "
    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relname = 'schema_version' AND n.nspname = current_schema() "
    "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
constexpr char kVersionRows[] =
    "SELECT version::bigint, description FROM schema_version ORDER BY version";
// Serializes migrations of one schema across processes; released at the
// end of the transaction. The first key marks the lock as tidemark's.
constexpr char kMigrationLock[] =
    "SELECT pg_advisory_xact_lock(1953328485, "
    "hashtext(coalesce(current_schema(), '')))";
constexpr char kRecordVersion[] =
    "INSERT INTO schema_version (version, description) VALUES ($1::bigint, "
    "$2)";
constexpr char kInodeIndexExists[] =
    "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND "
    "indexname = 'file_records_inode'";

Status NotOurs(const PgConnection& conn, const std::string& why) {
  return Status::FailedPrecondition(
      "the PostgreSQL schema at " + conn.target().redacted_url +
      " has a schema_version table that tidemark did not write (" + why +
      "): point tidemark at an empty database or schema (e.g. "
      "?options=-csearch_path%3Dtidemark after CREATE SCHEMA tidemark)");
}

Status CheckNotNewer(const PgConnection& conn, int version) {
  if (version <= LatestSchemaVersion()) return Status::Ok();
  return Status::FailedPrecondition(
      "catalog schema v" + std::to_string(version) +
      " is newer than this tidemark (v" +
      std::to_string(LatestSchemaVersion()) +
      "); upgrade tidemark to use the catalog at " +
      conn.target().redacted_url);
}

}  // namespace

Result<int> ReadSchemaVersion(PgConnection& conn) {
  ASSIGN_OR_RETURN(PgResult columns,
                   conn.Query(kVersionTableColumns, PgParams(),
                              "reading the catalog schema version"));
  if (columns.rows() == 0) return 0;
  std::string found;
  for (int i = 0; i < columns.rows(); ++i) {
    if (i > 0) found += ", ";
    found += std::string(columns.Bytes(i, 0)) + " " +
             std::string(columns.Bytes(i, 1));
  }
  if (found != "version integer, description text") {
    return NotOurs(conn, "its columns are " + found);
  }
  ASSIGN_OR_RETURN(PgResult rows,
                   conn.Query(kVersionRows, PgParams(),
                              "reading the catalog schema version"));
  if (rows.rows() == 0) return NotOurs(conn, "it is empty");
  const auto migrations = AllMigrations();
  for (int i = 0; i < rows.rows(); ++i) {
    const int64_t version = rows.Int64(i, 0);
    if (version != i + 1) {
      return NotOurs(conn,
                     "its versions are not 1.." + std::to_string(rows.rows()));
    }
    // Only versions this binary knows can be checked; newer ones are
    // reported as such by the caller.
    if (version <= static_cast<int64_t>(migrations.size()) &&
        rows.Bytes(i, 1) != migrations[i].description) {
      return NotOurs(conn, "version " + std::to_string(version) + " is '" +
                               std::string(rows.Bytes(i, 1)) + "'");
    }
  }
  return rows.rows();
}

Result<int> MigrateSchema(PgConnection& conn) {
  const auto migrations = AllMigrations();
  for (;;) {
    RETURN_IF_ERROR(conn.Exec(pgsql::kBegin, "starting a migration"));
    Status status = conn.Exec(kMigrationLock, "waiting for the migration lock");
    Result<int> version = status.ok() ? ReadSchemaVersion(conn) : status;
    if (version.ok()) status = CheckNotNewer(conn, *version);
    if (version.ok() && status.ok() && *version == LatestSchemaVersion()) {
      RETURN_IF_ERROR(conn.Exec(pgsql::kCommit, "ending the migrations"));
      return *version;
    }
    if (!version.ok()) status = version.status();
    if (status.ok()) {
      const Migration& m = migrations[static_cast<size_t>(*version)];
      const std::string doing = "applying catalog migration " +
                                std::to_string(m.version) + " (" +
                                std::string(m.description) + ")";
      const std::string sql(m.postgres_sql);
      status = conn.Exec(sql.c_str(), doing);
      if (status.ok()) {
        PgParams params;
        params.Int64(m.version).Text(m.description);
        status = conn.Query(kRecordVersion, params, doing).status();
      }
      if (status.ok()) status = conn.Exec(pgsql::kCommit, doing);
    }
    if (!status.ok()) {
      if (!conn.broken() && conn.TransactionStatus() != PQTRANS_IDLE) {
        (void)conn.Exec(pgsql::kRollback, "rolling back a migration");
      }
      return status;
    }
  }
}

Status EnsureIndexes(PgConnection& conn) {
  // CREATE INDEX IF NOT EXISTS would take a SHARE lock on file_records even
  // when the index exists, and wait for every open write of other workers.
  ASSIGN_OR_RETURN(PgResult exists, conn.Query(kInodeIndexExists, PgParams(),
                                               "checking the inode index"));
  if (exists.rows() > 0) return Status::Ok();
  return conn.Exec(
      "CREATE INDEX IF NOT EXISTS file_records_inode ON file_records "
      "(repository_id, inode)",
      "building the inode index");
}

Status SuspendIndexes(PgConnection& conn) {
  return conn.Exec("DROP INDEX IF EXISTS file_records_inode",
                   "suspending the inode index for a bulk load");
}

}  // namespace tidemark
