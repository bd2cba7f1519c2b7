#include "catalog/sqlite/sqlite_connection.h"

#include <string>
#include <utility>

#include "catalog/sqlite/sqlite_error.h"
#include "catalog/sqlite/sqlite_vfs.h"

namespace tidemark {
Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, int flags, int busy_timeout_ms) {
  // Journals that outgrow memory must spill through this VFS (sqlite_vfs.h).
  ASSIGN_OR_RETURN(const char* vfs, CatalogVfs());
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, vfs);
  if (rc != SQLITE_OK) {
    Status status = SqliteStatus(rc, db, path, "opening the catalog");
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<SqliteConnection>(
      new SqliteConnection(db, path, busy_timeout_ms));
}

SqliteConnection::~SqliteConnection() {
  for (auto& stmt : statements_) stmt = SqliteStatement();
  sqlite3_close_v2(db_);
}

Result<SqliteStatement*> SqliteConnection::Statement(SqlId id) {
  SqliteStatement& slot = statements_[static_cast<size_t>(id)];
  if (slot.get() == nullptr) {
    ASSIGN_OR_RETURN(slot, Prepare(SqlText(id)));
  }
  return &slot;
}

Result<SqliteStatement> SqliteConnection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Error(rc, "preparing '" + std::string(sql.substr(0, 60)) + "'");
  }
  return SqliteStatement(stmt);
}

Status SqliteConnection::Exec(std::string_view sql, std::string_view doing) {
  // sqlite3_exec needs a NUL-terminated string.
  const std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, doing);
  return Status::Ok();
}

Status SqliteConnection::Run(SqlId id, std::string_view doing) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(id));
  return StepDone(stmt, doing);
}

Status SqliteConnection::StepDone(SqliteStatement* stmt,
                                  std::string_view doing) {
  ScopedReset reset(stmt);
  int rc = stmt->Step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Error(rc, doing);
  return Status::Ok();
}

Status SqliteConnection::Error(int rc, std::string_view doing) const {
  return SqliteStatus(rc, db_, path_, doing);
}

}  // namespace tidemark
