#include "catalog/sqlite/sqlite_schema.h"

#include <cstring>
#include <fstream>
#include <string>

#include "catalog/migrations.h"
#include "catalog/sqlite/sqlite_error.h"

namespace tidemark {

// The writer's page cache: 24 MiB.
constexpr char kWriterCacheSize[] = "PRAGMA cache_size = -24576";
namespace {

// The first 16 bytes of every SQLite 3 database; the header is 100 bytes.
constexpr char kSqliteMagic[16] = "SQLite format 3";
constexpr std::streamsize kHeaderSize = 100;

Result<int64_t> QueryInt(SqliteConnection& conn, std::string_view sql,
                         std::string_view doing) {
  ASSIGN_OR_RETURN(SqliteStatement stmt, conn.Prepare(sql));
  int rc = stmt.Step();
  if (rc != SQLITE_ROW) return conn.Error(rc, doing);
  return stmt.ColumnInt64(0);
}

}  // namespace

Status CheckDatabaseHeader(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  // Unreadable or absent: SQLite reports that better, with errno.
  if (!in) return Status::Ok();
  char header[kHeaderSize];
  in.read(header, kHeaderSize);
  const std::streamsize got = in.gcount();
  if (got == 0) return Status::Ok();  // an empty file is a new database
  if (got < kHeaderSize) {
    return NotADatabaseStatus(path, "file is not a database: too short");
  }
  if (std::memcmp(header, kSqliteMagic, sizeof(kSqliteMagic)) != 0) {
    return NotADatabaseStatus(path, "file is not a database");
  }
  return Status::Ok();
}

Result<int> ReadSchemaVersion(SqliteConnection& conn) {
  ASSIGN_OR_RETURN(
      int64_t has_table,
      QueryInt(conn,
               "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
               "name = 'schema_version'",
               "reading the schema version"));
  if (has_table == 0) {
    ASSIGN_OR_RETURN(int64_t objects,
                     QueryInt(conn, "SELECT count(*) FROM sqlite_master",
                              "reading the schema version"));
    if (objects != 0) {
      return Status::FailedPrecondition(
          conn.path() +
          " is a SQLite database but not a tidemark catalog (it has no "
          "schema_version table): move it aside or pass a different --db");
    }
    return 0;
  }
  ASSIGN_OR_RETURN(
      int64_t version,
      QueryInt(conn, "SELECT coalesce(max(version), 0) FROM schema_version",
               "reading the schema version"));
  return static_cast<int>(version);
}

Status CheckSchemaNotNewer(const std::string& path, int version) {
  if (version <= LatestSchemaVersion()) return Status::Ok();
  return Status::FailedPrecondition(
      path + " has catalog schema version " + std::to_string(version) +
      ", but this tidemark knows versions up to " +
      std::to_string(LatestSchemaVersion()) +
      ": upgrade tidemark to open it (it was written by a newer release)");
}

Status ConfigureWriter(SqliteConnection& conn) {
  RETURN_IF_ERROR(
      conn.Exec("PRAGMA foreign_keys = ON", "enabling foreign keys"));
  {
    ASSIGN_OR_RETURN(SqliteStatement stmt,
                     conn.Prepare("PRAGMA journal_mode = WAL"));
    int rc = stmt.Step();
    if (rc != SQLITE_ROW) return conn.Error(rc, "enabling write-ahead logging");
    if (stmt.ColumnTextView(0) != "wal") {
      return Status::FailedPrecondition(
          conn.path() + ": cannot use write-ahead logging (journal mode is " +
          std::string(stmt.ColumnTextView(0)) +
          "): put the catalog on a local filesystem");
    }
  }
  // NORMAL is durable across application crashes in WAL mode; a power loss
  // can drop the last commits but never corrupts the file. The page cache
  // keeps the (repository_id, path) and inode indexes hot during bulk
  // inserts, within a 24 MiB budget that keeps a 1M-file scan under 64 MiB
  // RSS. Savepoint journals use the default temp_store, so a large update
  // batch spills them to a temporary file instead of growing the heap (with
  // temp_store=MEMORY a 5,000-record update batch held ~90 MB). Checkpointing
  // every 64 MiB of WAL instead of every 4 MiB lets index pages that a bulk
  // insert dirties again and again reach the database file once (about 1.5x
  // faster cold scans); journal_size_limit truncates the WAL back afterwards.
  RETURN_IF_ERROR(conn.Exec(kWriterCacheSize, "configuring the catalog"));
  return conn.Exec(
      "PRAGMA synchronous = NORMAL; "
      "PRAGMA wal_autocheckpoint = 16384; "
      "PRAGMA journal_size_limit = 67108864",
      "configuring the catalog connection");
}

Result<int> MigrateSchema(SqliteConnection& conn) {
  const auto migrations = AllMigrations();
  for (;;) {
    RETURN_IF_ERROR(conn.Run(SqlId::kBeginImmediate, "starting a migration"));
    Result<int> version = ReadSchemaVersion(conn);
    Status status = version.ok() ? CheckSchemaNotNewer(conn.path(), *version)
                                 : version.status();
    if (status.ok() && *version == LatestSchemaVersion()) {
      RETURN_IF_ERROR(conn.Run(SqlId::kRollback, "ending the migrations"));
      return *version;
    }
    if (status.ok()) {
      const Migration& m = migrations[static_cast<size_t>(*version)];
      const std::string doing = "applying catalog migration " +
                                std::to_string(m.version) + " (" +
                                std::string(m.description) + ")";
      status = conn.Exec(m.sqlite_sql, doing);
      if (status.ok()) {
        Result<SqliteStatement> insert = conn.Prepare(
            "INSERT INTO schema_version (version, description) VALUES (?1, "
            "?2)");
        status = insert.status();
        if (insert.ok()) {
          insert->BindInt64(1, m.version);
          insert->BindText(2, m.description);
          status = conn.StepDone(&*insert, doing);
        }
      }
      if (status.ok()) status = conn.Run(SqlId::kCommit, doing);
    }
    if (!status.ok()) {
      if (!conn.InAutocommit()) {
        (void)conn.Run(SqlId::kRollback, "rolling back a migration");
      }
      return status;
    }
  }
}

Status EnsureIndexes(SqliteConnection& conn) {
  // The sort behind CREATE INDEX may use as much memory as the page cache;
  // a smaller cache while it runs keeps a cold scan's peak RSS in budget.
  RETURN_IF_ERROR(conn.Exec("PRAGMA cache_size = -4096", "building indexes"));
  Status built = conn.Exec(
      "CREATE INDEX IF NOT EXISTS file_records_inode ON file_records "
      "(repository_id, inode)",
      "building the inode index");
  Status restored = conn.Exec(kWriterCacheSize, "building indexes");
  return built.ok() ? restored : built;
}

Status SuspendIndexes(SqliteConnection& conn) {
  return conn.Exec("DROP INDEX IF EXISTS file_records_inode",
                   "suspending the inode index for a bulk load");
}

}  // namespace tidemark
