#include "catalog/sqlite/sqlite_record_reads.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/paths.h"

namespace tidemark {

Status SqliteCollectRecords(SqliteConnection& conn, SqliteStatement* stmt,
                            std::string_view doing,
                            std::vector<FileRecord>* out) {
  int rc;
  while ((rc = stmt->Step()) == SQLITE_ROW) {
    RETURN_IF_ERROR(ReadRecordRow(*stmt, &out->emplace_back()));
  }
  if (rc != SQLITE_DONE) return conn.Error(rc, doing);
  return Status::Ok();
}

Result<std::optional<FileRecord>> SqliteFindRecord(SqliteConnection& conn,
                                                   int64_t repository_id,
                                                   std::string_view path) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt, conn.Statement(SqlId::kFindRecord));
  ScopedReset reset(stmt);
  stmt->BindInt64(1, repository_id);
  stmt->BindBlob(2, path);
  int rc = stmt->Step();
  if (rc == SQLITE_DONE) return std::optional<FileRecord>();
  if (rc != SQLITE_ROW) {
    return conn.Error(rc, "finding record '" + DisplayPath(path) + "'");
  }
  FileRecord record;
  RETURN_IF_ERROR(ReadRecordRow(*stmt, &record));
  return std::optional<FileRecord>(std::move(record));
}

Status SqliteReadRecords(SqliteConnection& conn, const RecordRange& range,
                         size_t limit, std::vector<FileRecord>* out) {
  if (out->size() >= limit) return Status::Ok();
  // Everything is folded into one inclusive lower bound so that SQLite seeks
  // straight to it in UNIQUE(repository_id, path): keyset paging stays
  // O(page) however deep it goes. after + '\0' is the least string > after.
  std::string lower;
  if (range.after) {
    lower = *range.after;
    lower.push_back('\0');
  }
  std::string upper;  // exclusive; empty = unbounded
  if (!range.scope.empty()) {
    // The scope itself sorts before everything below it ("a" < "a/..."),
    // but entries like "a.txt" sort between them, so it is a point lookup
    // followed by the range ["a/", "a0").
    if (!range.after || *range.after < range.scope) {
      ASSIGN_OR_RETURN(
          auto self, SqliteFindRecord(conn, range.repository_id, range.scope));
      if (self) out->push_back(std::move(*self));
      if (out->size() >= limit) return Status::Ok();
    }
    std::string below = range.scope + "/";
    upper = PrefixSuccessor(below);
    lower = std::max(lower, below);
  }
  const auto remaining = static_cast<int64_t>(limit - out->size());
  SqliteStatement* stmt = nullptr;
  if (upper.empty()) {
    ASSIGN_OR_RETURN(stmt, conn.Statement(SqlId::kReadRecordsFrom));
    stmt->BindInt64(3, remaining);
  } else {
    ASSIGN_OR_RETURN(stmt, conn.Statement(SqlId::kReadRecordsBounded));
    stmt->BindBlob(3, upper);
    stmt->BindInt64(4, remaining);
  }
  ScopedReset reset(stmt);
  stmt->BindInt64(1, range.repository_id);
  stmt->BindBlob(2, lower);
  return SqliteCollectRecords(conn, stmt, "reading records", out);
}

}  // namespace tidemark
