// SqliteStatement: an owned, reusable sqlite3_stmt.
//
// Move-only RAII wrapper; the statement is finalized on destruction. Text and
// blob parameters are bound with SQLITE_STATIC, so the bound bytes must stay
// alive until the statement is reset: bind, step, read and Reset in one scope
// (ScopedReset makes that automatic). Column views returned by Column*View
// point into SQLite's memory and are valid until the next Step or Reset.
// Not thread-safe: guarded by the owning connection's mutex.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_STATEMENT_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <string_view>

namespace tidemark {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters are 1-based, as in SQLite.
  void BindInt64(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
  }
  // uint64 stored as the int64 with the same bits.
  void BindUint64(int index, uint64_t value) {
    sqlite3_bind_int64(stmt_, index, static_cast<int64_t>(value));
  }
  void BindText(int index, std::string_view value);
  // Always a BLOB, even when empty, so comparisons with BLOB columns hold.
  void BindBlob(int index, std::string_view value);
  // NULL when empty.
  void BindBlobOrNull(int index, std::string_view value);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  void Reset() { sqlite3_reset(stmt_); }

  // Columns are 0-based, as in SQLite.
  int64_t ColumnInt64(int index) const {
    return sqlite3_column_int64(stmt_, index);
  }
  uint64_t ColumnUint64(int index) const {
    return static_cast<uint64_t>(sqlite3_column_int64(stmt_, index));
  }
  std::string_view ColumnTextView(int index) const;
  std::string_view ColumnBlobView(int index) const;

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when the scope ends, whatever the path out.
class ScopedReset {
 public:
  explicit ScopedReset(SqliteStatement* stmt) : stmt_(stmt) {}
  ~ScopedReset() { stmt_->Reset(); }
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;

 private:
  SqliteStatement* stmt_;
};

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_STATEMENT_H_
