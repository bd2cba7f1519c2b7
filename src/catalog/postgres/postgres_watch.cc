#include "catalog/postgres/postgres_watch.h"

#include <string>
#include <utility>

namespace tidemark {
namespace {

#define TM_WATCH_COLUMNS \
  "repository_id, mode, reason, holder, updated_at_ns, lease_token"
#define TM_REQUEST_COLUMNS                                                \
  "id, repository_id, type, requested_by, requested_at_ns, taken_at_ns, " \
  "taken_by, operation_id, finished_at_ns"

constexpr char kPutWatchStatus[] =
    "INSERT INTO repository_watch (" TM_WATCH_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (repository_id) DO UPDATE "
    "SET mode = EXCLUDED.mode, reason = EXCLUDED.reason, "
    "holder = EXCLUDED.holder, updated_at_ns = EXCLUDED.updated_at_ns, "
    "lease_token = EXCLUDED.lease_token";
constexpr char kListWatchStatuses[] =
    "SELECT " TM_WATCH_COLUMNS " FROM repository_watch ORDER BY repository_id";
constexpr char kInsertRequest[] =
    "INSERT INTO sync_requests (repository_id, type, requested_by, "
    "requested_at_ns, taken_at_ns, taken_by, operation_id, finished_at_ns) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
constexpr char kUpdateRequest[] =
    "UPDATE sync_requests SET taken_at_ns = $2, taken_by = $3, "
    "operation_id = $4, finished_at_ns = $5 WHERE id = $1";
constexpr char kSelectRequests[] =
    "SELECT " TM_REQUEST_COLUMNS " FROM sync_requests WHERE true";

#undef TM_WATCH_COLUMNS
#undef TM_REQUEST_COLUMNS

Status ReadWatchRow(const PgResult& res, int row, WatchStatus* s) {
  s->repository_id = res.Int64(row, 0);
  RETURN_IF_ERROR(DecodeColumn(ParseWatchMode(res.Bytes(row, 1)), &s->mode,
                               "repository_watch", s->repository_id));
  s->reason.assign(res.Bytes(row, 2));
  s->holder.assign(res.Bytes(row, 3));
  s->updated_at_ns = res.Int64(row, 4);
  s->lease_token = res.Int64(row, 5);
  return Status::Ok();
}

Status ReadRequestRow(const PgResult& res, int row, SyncRequest* r) {
  r->id = res.Int64(row, 0);
  r->repository_id = res.Int64(row, 1);
  RETURN_IF_ERROR(DecodeColumn(ParseOperationType(res.Bytes(row, 2)), &r->type,
                               "sync_requests", r->id));
  r->requested_by.assign(res.Bytes(row, 3));
  r->requested_at_ns = res.Int64(row, 4);
  r->taken_at_ns = res.Int64(row, 5);
  r->taken_by.assign(res.Bytes(row, 6));
  r->operation_id = res.Int64(row, 7);
  r->finished_at_ns = res.Int64(row, 8);
  return Status::Ok();
}

Result<std::vector<SyncRequest>> QueryRequests(PgConnection& conn,
                                               const std::string& sql,
                                               const PgParams& params) {
  ASSIGN_OR_RETURN(PgResult rows,
                   conn.Query(sql.c_str(), params, "listing sync requests"));
  std::vector<SyncRequest> out(static_cast<size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) {
    RETURN_IF_ERROR(ReadRequestRow(rows, i, &out[i]));
  }
  return out;
}

}  // namespace

Status PgPutWatchStatus(PgConnection& writer, const WatchStatus& s) {
  PgParams params;
  params.Int64(s.repository_id).Text(WatchModeName(s.mode));
  params.Text(s.reason).Text(s.holder).Int64(s.updated_at_ns);
  params.Int64(s.lease_token);
  return writer
      .Query(kPutWatchStatus, params,
             "writing the watch status of repository " +
                 std::to_string(s.repository_id))
      .status();
}

Result<int64_t> PgInsertRequest(PgConnection& writer, const SyncRequest& r) {
  PgParams params;
  params.Int64(r.repository_id).Text(OperationTypeName(r.type));
  params.Text(r.requested_by).Int64(r.requested_at_ns);
  params.Int64(r.taken_at_ns).Text(r.taken_by);
  params.Int64(r.operation_id).Int64(r.finished_at_ns);
  ASSIGN_OR_RETURN(PgResult inserted,
                   writer.Query(kInsertRequest, params,
                                "requesting a sync of repository " +
                                    std::to_string(r.repository_id)));
  return inserted.Int64(0, 0);
}

Status PgUpdateRequest(PgConnection& writer, const SyncRequest& r) {
  PgParams params;
  params.Int64(r.id).Int64(r.taken_at_ns).Text(r.taken_by);
  params.Int64(r.operation_id).Int64(r.finished_at_ns);
  ASSIGN_OR_RETURN(PgResult updated, writer.Query(kUpdateRequest, params,
                                                  "updating sync request " +
                                                      std::to_string(r.id)));
  if (updated.AffectedRows() == 0) {
    return Status::NotFound("sync request " + std::to_string(r.id) +
                            " does not exist");
  }
  return Status::Ok();
}

Result<std::vector<WatchStatus>> PgListWatchStatuses(PgConnection& reader) {
  ASSIGN_OR_RETURN(PgResult rows, reader.Query(kListWatchStatuses, PgParams(),
                                               "listing watch statuses"));
  std::vector<WatchStatus> out(static_cast<size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) {
    RETURN_IF_ERROR(ReadWatchRow(rows, i, &out[i]));
  }
  return out;
}

Result<std::vector<SyncRequest>> PgListRequests(PgConnection& reader,
                                                int64_t repository_id,
                                                bool pending_only) {
  // Written out per case so that a repository's pending requests are one
  // seek into (repository_id, taken_at_ns).
  std::string sql = kSelectRequests;
  PgParams params;
  if (repository_id != 0) {
    sql += " AND repository_id = $1";
    params.Int64(repository_id);
  }
  if (pending_only) sql += " AND taken_at_ns = 0";
  sql += " ORDER BY id";
  return QueryRequests(reader, sql, params);
}

Result<std::optional<SyncRequest>> PgFindRequest(PgConnection& reader,
                                                 int64_t id) {
  PgParams params;
  params.Int64(id);
  ASSIGN_OR_RETURN(
      std::vector<SyncRequest> found,
      QueryRequests(reader, std::string(kSelectRequests) + " AND id = $1",
                    params));
  if (found.empty()) return std::optional<SyncRequest>();
  return std::optional<SyncRequest>(std::move(found.front()));
}

}  // namespace tidemark
