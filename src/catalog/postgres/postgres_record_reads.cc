#include "catalog/postgres/postgres_record_reads.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "catalog/postgres/postgres_queries.h"
#include "common/paths.h"

namespace tidemark {
namespace {

// Reads allocate at most this many records up front; larger pages grow.
constexpr size_t kMaxReserve = 8192;

}  // namespace

Status PgCollectRecords(PgConnection& conn, const char* sql,
                        const PgParams& params, std::string_view doing,
                        std::vector<FileRecord>* out) {
  ASSIGN_OR_RETURN(PgResult rows, conn.Query(sql, params, doing));
  const size_t base = out->size();
  out->resize(base + static_cast<size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) {
    RETURN_IF_ERROR(ReadRecordRow(rows, i, &(*out)[base + i]));
  }
  return Status::Ok();
}

Status PgReadRecords(PgConnection& conn, const RecordRange& range, size_t limit,
                     std::vector<FileRecord>* out) {
  out->clear();
  if (limit == 0) return Status::Ok();
  // Everything is folded into one inclusive lower bound so that the scan
  // starts with one seek into UNIQUE (repository_id, path): keyset paging
  // stays O(page) however deep it goes. after + '\0' is the least string
  // greater than after.
  std::string lower;
  if (range.after) {
    lower = *range.after;
    lower.push_back('\0');
  }
  std::string upper;  // exclusive; empty = unbounded
  bool with_scope_itself = false;
  if (!range.scope.empty()) {
    // The scope itself sorts before everything below it ("a" < "a/..."),
    // but entries like "a.txt" sort between them, so it is a point lookup
    // plus the range ["a/", "a0").
    with_scope_itself = !range.after || *range.after < range.scope;
    std::string below = range.scope + "/";
    upper = PrefixSuccessor(below);
    lower = std::max(lower, below);
  }
  const auto page = static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX));
  PgParams params;
  params.Int64(range.repository_id);
  const char* sql = pgsql::kReadRecordsFrom;
  if (with_scope_itself) {
    sql = pgsql::kReadRecordsScope;
    params.Bytea(range.scope).Bytea(lower).Bytea(upper).Int64(page);
  } else if (!upper.empty()) {
    sql = pgsql::kReadRecordsBounded;
    params.Bytea(lower).Bytea(upper).Int64(page);
  } else {
    params.Bytea(lower).Int64(page);
  }
  out->reserve(std::min(limit, kMaxReserve));
  return PgCollectRecords(conn, sql, params, "reading records", out);
}

}  // namespace tidemark
