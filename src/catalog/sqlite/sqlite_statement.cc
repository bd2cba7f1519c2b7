#include "catalog/sqlite/sqlite_statement.h"

#include <utility>

namespace tidemark {
namespace {

// A non-null pointer for zero-length values: SQLite binds NULL for a null
// pointer, and an empty path or blob must stay a (zero-length) BLOB.
constexpr char kEmpty[1] = {0};

}  // namespace

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void SqliteStatement::BindText(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.empty() ? kEmpty : value.data(),
                    static_cast<int>(value.size()), SQLITE_STATIC);
}

void SqliteStatement::BindBlob(int index, std::string_view value) {
  sqlite3_bind_blob(stmt_, index, value.empty() ? kEmpty : value.data(),
                    static_cast<int>(value.size()), SQLITE_STATIC);
}

void SqliteStatement::BindBlobOrNull(int index, std::string_view value) {
  if (value.empty()) {
    sqlite3_bind_null(stmt_, index);
  } else {
    BindBlob(index, value);
  }
}

std::string_view SqliteStatement::ColumnTextView(int index) const {
  const auto* p = sqlite3_column_text(stmt_, index);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, index))};
}

std::string_view SqliteStatement::ColumnBlobView(int index) const {
  const void* p = sqlite3_column_blob(stmt_, index);
  if (p == nullptr) return {};
  return {static_cast<const char*>(p),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, index))};
}

}  // namespace tidemark
