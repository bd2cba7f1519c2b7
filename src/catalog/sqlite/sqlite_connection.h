// SqliteConnection: one sqlite3 handle, the database path it was opened on,
// and the statements prepared on it.
//
// The connection owns the handle and every statement it prepared; statements
// are prepared on first use and kept until the connection closes, so a hot
// loop pays for binding and stepping only. Errors come back as Status through
// SqliteStatus (sqlite_error.h).
//
// Not thread-safe: the handle is opened with SQLITE_OPEN_NOMUTEX and the owner
// (SqliteCatalog) guards each connection with its own mutex.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_CONNECTION_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_CONNECTION_H_

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "catalog/sqlite/sqlite_queries.h"
#include "catalog/sqlite/sqlite_statement.h"
#include "common/result.h"
#include "common/status.h"

namespace tidemark {

class SqliteConnection {
 public:
  // Opens `path` with `flags` (SQLITE_OPEN_*; NOMUTEX and extended result
  // codes are added) and sets the busy timeout.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                        int flags,
                                                        int busy_timeout_ms);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // The cached statement for `id`, prepared on first use.
  Result<SqliteStatement*> Statement(SqlId id);
  // A one-off statement, finalized by its destructor.
  Result<SqliteStatement> Prepare(std::string_view sql);

  // Runs one or more statements that return no rows the caller needs.
  Status Exec(std::string_view sql, std::string_view doing);
  // Steps a cached statement that takes no parameters to completion.
  Status Run(SqlId id, std::string_view doing);
  // Steps `stmt` once, expecting SQLITE_DONE.
  Status StepDone(SqliteStatement* stmt, std::string_view doing);

  // The Status for `rc`, which the last call on this connection returned.
  Status Error(int rc, std::string_view doing) const;

  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int64_t Changes() const { return sqlite3_changes64(db_); }
  // True outside an explicit transaction (SQLite may roll one back on its
  // own after I/O errors, which this reveals).
  bool InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

  sqlite3* db() const { return db_; }
  const std::string& path() const { return path_; }
  int busy_timeout_ms() const { return busy_timeout_ms_; }

 private:
  SqliteConnection(sqlite3* db, std::string path, int busy_timeout_ms)
      : db_(db), path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms) {}

  sqlite3* db_;
  std::string path_;
  int busy_timeout_ms_;
  // Finalized before db_ is closed (see the destructor).
  std::array<SqliteStatement, kSqlIdCount> statements_;
};

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_CONNECTION_H_
