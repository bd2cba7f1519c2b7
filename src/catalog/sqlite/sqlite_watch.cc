#include "catalog/sqlite/sqlite_watch.h"

#include <string>
#include <string_view>
#include <utility>

namespace tidemark {
namespace {

constexpr std::string_view kWatchColumns =
    "repository_id, mode, reason, holder, updated_at_ns, lease_token";
constexpr std::string_view kRequestColumns =
    "id, repository_id, type, requested_by, requested_at_ns, taken_at_ns, "
    "taken_by, operation_id, finished_at_ns";

Status ReadWatchRow(const SqliteStatement& stmt, WatchStatus* s) {
  s->repository_id = stmt.ColumnInt64(0);
  RETURN_IF_ERROR(DecodeColumn(ParseWatchMode(stmt.ColumnTextView(1)), &s->mode,
                               "repository_watch", s->repository_id));
  s->reason.assign(stmt.ColumnTextView(2));
  s->holder.assign(stmt.ColumnTextView(3));
  s->updated_at_ns = stmt.ColumnInt64(4);
  s->lease_token = stmt.ColumnInt64(5);
  return Status::Ok();
}

Status ReadRequestRow(const SqliteStatement& stmt, SyncRequest* r) {
  r->id = stmt.ColumnInt64(0);
  r->repository_id = stmt.ColumnInt64(1);
  RETURN_IF_ERROR(DecodeColumn(ParseOperationType(stmt.ColumnTextView(2)),
                               &r->type, "sync_requests", r->id));
  r->requested_by.assign(stmt.ColumnTextView(3));
  r->requested_at_ns = stmt.ColumnInt64(4);
  r->taken_at_ns = stmt.ColumnInt64(5);
  r->taken_by.assign(stmt.ColumnTextView(6));
  r->operation_id = stmt.ColumnInt64(7);
  r->finished_at_ns = stmt.ColumnInt64(8);
  return Status::Ok();
}

// Appends every request `stmt` (already bound) yields to `out`.
Status CollectRequests(SqliteConnection& conn, SqliteStatement& stmt,
                       std::vector<SyncRequest>* out) {
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    RETURN_IF_ERROR(ReadRequestRow(stmt, &out->emplace_back()));
  }
  if (rc != SQLITE_DONE) return conn.Error(rc, "listing sync requests");
  return Status::Ok();
}

}  // namespace

Status SqlitePutWatchStatus(SqliteConnection& writer, const WatchStatus& s) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      writer.Prepare(
          "INSERT INTO repository_watch (" + std::string(kWatchColumns) +
          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (repository_id) "
          "DO UPDATE SET mode = excluded.mode, reason = "
          "excluded.reason, holder = excluded.holder, "
          "updated_at_ns = excluded.updated_at_ns, "
          "lease_token = excluded.lease_token"));
  stmt.BindInt64(1, s.repository_id);
  stmt.BindText(2, WatchModeName(s.mode));
  stmt.BindText(3, s.reason);
  stmt.BindText(4, s.holder);
  stmt.BindInt64(5, s.updated_at_ns);
  stmt.BindInt64(6, s.lease_token);
  return writer.StepDone(&stmt, "writing the watch status of repository " +
                                    std::to_string(s.repository_id));
}

Result<int64_t> SqliteInsertRequest(SqliteConnection& writer,
                                    const SyncRequest& r) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      writer.Prepare("INSERT INTO sync_requests (repository_id, type, "
                     "requested_by, requested_at_ns, taken_at_ns, taken_by, "
                     "operation_id, finished_at_ns) VALUES (?1, ?2, ?3, ?4, "
                     "?5, ?6, ?7, ?8)"));
  stmt.BindInt64(1, r.repository_id);
  stmt.BindText(2, OperationTypeName(r.type));
  stmt.BindText(3, r.requested_by);
  stmt.BindInt64(4, r.requested_at_ns);
  stmt.BindInt64(5, r.taken_at_ns);
  stmt.BindText(6, r.taken_by);
  stmt.BindInt64(7, r.operation_id);
  stmt.BindInt64(8, r.finished_at_ns);
  RETURN_IF_ERROR(writer.StepDone(&stmt, "requesting a sync of repository " +
                                             std::to_string(r.repository_id)));
  return writer.LastInsertId();
}

Status SqliteUpdateRequest(SqliteConnection& writer, const SyncRequest& r) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      writer.Prepare("UPDATE sync_requests SET taken_at_ns = ?2, taken_by = "
                     "?3, operation_id = ?4, finished_at_ns = ?5 WHERE id = "
                     "?1"));
  stmt.BindInt64(1, r.id);
  stmt.BindInt64(2, r.taken_at_ns);
  stmt.BindText(3, r.taken_by);
  stmt.BindInt64(4, r.operation_id);
  stmt.BindInt64(5, r.finished_at_ns);
  RETURN_IF_ERROR(
      writer.StepDone(&stmt, "updating sync request " + std::to_string(r.id)));
  if (writer.Changes() == 0) {
    return Status::NotFound("sync request " + std::to_string(r.id) +
                            " does not exist");
  }
  return Status::Ok();
}

Result<std::vector<WatchStatus>> SqliteListWatchStatuses(
    SqliteConnection& reader) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   reader.Prepare("SELECT " + std::string(kWatchColumns) +
                                  " FROM repository_watch ORDER BY "
                                  "repository_id"));
  std::vector<WatchStatus> out;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    RETURN_IF_ERROR(ReadWatchRow(stmt, &out.emplace_back()));
  }
  if (rc != SQLITE_DONE) return reader.Error(rc, "listing watch statuses");
  return out;
}

Result<std::vector<SyncRequest>> SqliteListRequests(SqliteConnection& reader,
                                                    int64_t repository_id,
                                                    bool pending_only) {
  // Written out per case so that a repository's pending requests are one
  // seek into (repository_id, taken_at_ns).
  std::string sql =
      "SELECT " + std::string(kRequestColumns) + " FROM sync_requests WHERE 1";
  if (repository_id != 0) sql += " AND repository_id = ?1";
  if (pending_only) sql += " AND taken_at_ns = 0";
  sql += " ORDER BY id";
  ASSIGN_OR_RETURN(SqliteStatement stmt, reader.Prepare(sql));
  if (repository_id != 0) stmt.BindInt64(1, repository_id);
  std::vector<SyncRequest> out;
  RETURN_IF_ERROR(CollectRequests(reader, stmt, &out));
  return out;
}

Result<std::optional<SyncRequest>> SqliteFindRequest(SqliteConnection& reader,
                                                     int64_t id) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   reader.Prepare("SELECT " + std::string(kRequestColumns) +
                                  " FROM sync_requests WHERE id = ?1"));
  stmt.BindInt64(1, id);
  std::vector<SyncRequest> found;
  RETURN_IF_ERROR(CollectRequests(reader, stmt, &found));
  if (found.empty()) return std::optional<SyncRequest>();
  return std::optional<SyncRequest>(std::move(found.front()));
}

}  // namespace tidemark
