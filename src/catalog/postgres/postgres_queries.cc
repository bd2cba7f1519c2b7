#include "catalog/postgres/postgres_queries.h"

#include <string>

namespace tidemark {
namespace pgsql {

#define TM_RECORD_COLUMNS                                                \
  "id, repository_id, path, kind, size, mtime_ns, device, inode, "       \
  "content_hash, hash_algorithm, state, last_scanned, scan_generation, " \
  "created_at, updated_at"
#define TM_REPOSITORY_COLUMNS                                      \
  "id, name, url, options, state, state_reason, scan_generation, " \
  "last_complete_generation, created_at, updated_at, detached::int"
#define TM_OPERATION_COLUMNS                                                  \
  "id, repository_id, operation_type, files_scanned, files_added, "           \
  "files_updated, files_moved, files_removed, errors, start_time, end_time, " \
  "duration_ms, status, error_message, worker"
#define TM_LEASE_COLUMNS                                                \
  "repository_id, holder, token, acquired_at, renewed_at, expires_at, " \
  "holder_boot_id, holder_pid_namespace, holder_pid, holder_start_ticks"
// The server's clock in nanoseconds (microsecond resolution). Not now():
// that is the transaction's start, and a lease decision must use the time
// after any lock wait.
#define TM_NOW_NS "(extract(epoch FROM clock_timestamp()) * 1000000000)::bigint"

const char kBegin[] = "BEGIN";
const char kCommit[] = "COMMIT";
const char kRollback[] = "ROLLBACK";
const char kSavepoint[] = "SAVEPOINT tm_call";
const char kReleaseSavepoint[] = "RELEASE SAVEPOINT tm_call";
const char kRollbackToSavepoint[] =
    "ROLLBACK TO SAVEPOINT tm_call; RELEASE SAVEPOINT tm_call";

// ON COMMIT DELETE ROWS: a transaction that fails between the COPY and the
// UPDATE leaves nothing behind for the next one.
const char kCreateStaging[] =
    "CREATE TEMP TABLE IF NOT EXISTS tm_staging (id bigint, "
    "repository_id bigint, path bytea, kind text, size bigint, "
    "mtime_ns bigint, device bigint, inode bigint, content_hash bytea, "
    "hash_algorithm text, state text, last_scanned bigint, "
    "scan_generation bigint, created_at bigint, updated_at bigint) "
    "ON COMMIT DELETE ROWS";

const char kAllocateRecordIds[] =
    "SELECT nextval('file_records_id_seq') FROM generate_series(1, $1)";
const char kCopyRecords[] =
    "COPY file_records (" TM_RECORD_COLUMNS ") FROM STDIN (FORMAT binary)";
const char kCopyStaging[] = "COPY pg_temp.tm_staging (" TM_RECORD_COLUMNS
                            ") FROM STDIN (FORMAT binary)";
const char kUpdateFromStaging[] =
    "WITH s AS (DELETE FROM pg_temp.tm_staging RETURNING *) "
    "UPDATE file_records f SET repository_id = s.repository_id, "
    "path = s.path, kind = s.kind, size = s.size, mtime_ns = s.mtime_ns, "
    "device = s.device, inode = s.inode, content_hash = s.content_hash, "
    "hash_algorithm = s.hash_algorithm, state = s.state, "
    "last_scanned = s.last_scanned, scan_generation = s.scan_generation, "
    "created_at = s.created_at, updated_at = s.updated_at "
    "FROM s WHERE f.id = s.id";
const char kFirstMissingId[] =
    "SELECT u.id FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, n) "
    "WHERE NOT EXISTS (SELECT 1 FROM file_records f WHERE f.id = u.id) "
    "ORDER BY u.n LIMIT 1";
const char kRemoveRecords[] =
    "DELETE FROM file_records f USING unnest($1::bigint[], $2::bytea[]) "
    "AS k(id, path) WHERE f.id = k.id AND f.path = k.path";

const char kLockRepositoriesShared[] =
    "SELECT id FROM repositories WHERE id = ANY($1::bigint[]) FOR KEY SHARE";
const char kLockRepositoryForDelete[] =
    "SELECT id FROM repositories WHERE id = $1 FOR UPDATE";
const char kDeleteRepositoryRecords[] =
    "DELETE FROM file_records WHERE repository_id = $1";

const char kInsertRepository[] =
    "INSERT INTO repositories (name, url, options, state, state_reason, "
    "scan_generation, last_complete_generation, created_at, updated_at, "
    "detached) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::int::boolean) "
    "ON CONFLICT (name) DO NOTHING RETURNING id";
const char kUpdateRepository[] =
    "UPDATE repositories SET url = $2, options = $3, state = $4, "
    "state_reason = $5, scan_generation = $6, last_complete_generation = $7, "
    "updated_at = $8 WHERE id = $1";
const char kSetRepositoryDetached[] =
    "UPDATE repositories SET detached = $2::int::boolean WHERE id = $1";
const char kDeleteRepository[] = "DELETE FROM repositories WHERE id = $1";
const char kFindRepository[] =
    "SELECT " TM_REPOSITORY_COLUMNS " FROM repositories WHERE name = $1";
const char kListRepositories[] =
    "SELECT " TM_REPOSITORY_COLUMNS " FROM repositories ORDER BY name";

const char kInsertOperation[] =
    "INSERT INTO sync_operations (repository_id, operation_type, "
    "files_scanned, files_added, files_updated, files_moved, files_removed, "
    "errors, start_time, end_time, duration_ms, status, error_message, "
    "worker) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
    "$14) RETURNING id";
// $2, the repository, is not written: an operation stays with its
// repository.
const char kUpdateOperation[] =
    "UPDATE sync_operations SET operation_type = $3, files_scanned = $4, "
    "files_added = $5, files_updated = $6, files_moved = $7, "
    "files_removed = $8, errors = $9, start_time = $10, end_time = $11, "
    "duration_ms = $12, status = $13, error_message = $14, worker = $15 "
    "WHERE id = $1";
const char kListOperations[] =
    "SELECT " TM_OPERATION_COLUMNS
    " FROM sync_operations WHERE repository_id = $1 ORDER BY id DESC "
    "LIMIT $2";

// Each is one seek into UNIQUE (repository_id, path) and a forward scan.
const char kReadRecordsFrom[] =
    "SELECT " TM_RECORD_COLUMNS
    " FROM file_records WHERE repository_id = $1 AND path >= $2 "
    "ORDER BY path LIMIT $3";
const char kReadRecordsBounded[] =
    "SELECT " TM_RECORD_COLUMNS
    " FROM file_records WHERE repository_id = $1 AND path >= $2 AND "
    "path < $3 ORDER BY path LIMIT $4";
// One statement, so one snapshot: a concurrent move cannot show a record
// twice or not at all.
const char kReadRecordsScope[] =
    "SELECT * FROM ((SELECT " TM_RECORD_COLUMNS
    " FROM file_records WHERE repository_id = $1 AND path = $2) UNION ALL "
    "(SELECT " TM_RECORD_COLUMNS
    " FROM file_records WHERE repository_id = $1 AND path >= $3 AND "
    "path < $4 ORDER BY path LIMIT $5)) r ORDER BY path LIMIT $5";
const char kFindRecord[] = "SELECT " TM_RECORD_COLUMNS
                           " FROM file_records WHERE repository_id = $1 AND "
                           "path = $2";
const char kFindRecordsByInode[] =
    "SELECT " TM_RECORD_COLUMNS
    " FROM file_records WHERE repository_id = $1 AND inode = $2 AND "
    "device = $3 ORDER BY path";
const char kTotals[] =
    "SELECT count(*), coalesce(sum(size), 0)::bigint, "
    "count(*) FILTER (WHERE state = $2), count(*) FILTER (WHERE state = $3), "
    "count(*) FILTER (WHERE state = $4) FROM file_records "
    "WHERE repository_id = $1";

const char kInsertLeaseRow[] =
    "INSERT INTO repository_leases (" TM_LEASE_COLUMNS
    ") VALUES ($1, '', 0, 0, 0, 0, '', 0, 0, 0) ON CONFLICT (repository_id) "
    "DO NOTHING";
const char kLockLease[] =
    "SELECT token FROM repository_leases WHERE repository_id = $1 FOR UPDATE";
const char kWriteLease[] =
    "UPDATE repository_leases SET holder = $2, token = $3, acquired_at = $4, "
    "renewed_at = $5, expires_at = $6, holder_boot_id = $7, "
    "holder_pid_namespace = $8, holder_pid = $9, holder_start_ticks = $10 "
    "WHERE repository_id = $1";
const char kReadLease[] = "SELECT " TM_LEASE_COLUMNS ", " TM_NOW_NS
                          " FROM repository_leases WHERE repository_id = $1";
const char kRenewLease[] =
    "UPDATE repository_leases l SET renewed_at = n.now, "
    "expires_at = n.now + $3 * 1000000 FROM (SELECT " TM_NOW_NS
    " AS now) n WHERE l.repository_id = $1 AND l.token = $2 AND "
    "l.holder <> '' RETURNING l.repository_id, l.holder, l.token, "
    "l.acquired_at, l.renewed_at, l.expires_at, l.holder_boot_id, "
    "l.holder_pid_namespace, l.holder_pid, l.holder_start_ticks, n.now";
const char kReleaseLease[] =
    "UPDATE repository_leases SET holder = '', expires_at = " TM_NOW_NS
    " WHERE repository_id = $1 AND token = $2";
const char kListLeases[] = "SELECT " TM_LEASE_COLUMNS ", " TM_NOW_NS
                           " FROM repository_leases ORDER BY repository_id";
const char kCountLiveLeases[] =
    "SELECT count(*) FROM repository_leases WHERE holder <> '' AND "
    "expires_at > " TM_NOW_NS;
const char kNextLeaseToken[] = "SELECT nextval('lease_tokens')";
const char kFenceLease[] = "SELECT " TM_LEASE_COLUMNS
                           ", 0::bigint FROM repository_leases "
                           "WHERE repository_id = $1 FOR KEY SHARE";

#undef TM_RECORD_COLUMNS
#undef TM_REPOSITORY_COLUMNS
#undef TM_OPERATION_COLUMNS
#undef TM_LEASE_COLUMNS
#undef TM_NOW_NS

}  // namespace pgsql

namespace {

constexpr int16_t kRecordFields = 15;

}  // namespace

void EncodeRecordRow(int64_t id, const FileRecord& r, PgCopyEncoder& e) {
  e.BeginRow(kRecordFields);
  e.AddInt64(id);
  e.AddInt64(r.repository_id);
  e.AddBytes(r.path);
  e.AddBytes(EntryKindName(r.kind));
  e.AddInt64(r.size);
  e.AddInt64(r.mtime_ns);
  e.AddInt64(static_cast<int64_t>(r.device));
  e.AddInt64(static_cast<int64_t>(r.inode));
  if (r.content_hash.empty()) {
    e.AddNull();
  } else {
    e.AddBytes(r.content_hash);
  }
  e.AddBytes(HashAlgorithmName(r.hash_algorithm));
  e.AddBytes(RecordStateName(r.state));
  e.AddInt64(r.last_scanned_ns);
  e.AddInt64(r.scan_generation);
  e.AddInt64(r.created_at_ns);
  e.AddInt64(r.updated_at_ns);
}

Status ReadRecordRow(const PgResult& res, int row, FileRecord* r) {
  r->id = res.Int64(row, 0);
  r->repository_id = res.Int64(row, 1);
  r->path.assign(res.Bytes(row, 2));
  RETURN_IF_ERROR(DecodeColumn(ParseEntryKind(res.Bytes(row, 3)), &r->kind,
                               "file_records", r->id));
  r->size = res.Int64(row, 4);
  r->mtime_ns = res.Int64(row, 5);
  r->device = static_cast<uint64_t>(res.Int64(row, 6));
  r->inode = static_cast<uint64_t>(res.Int64(row, 7));
  r->content_hash.assign(res.Bytes(row, 8));  // NULL reads as ""
  RETURN_IF_ERROR(DecodeColumn(ParseHashAlgorithm(res.Bytes(row, 9)),
                               &r->hash_algorithm, "file_records", r->id));
  RETURN_IF_ERROR(DecodeColumn(ParseRecordState(res.Bytes(row, 10)), &r->state,
                               "file_records", r->id));
  r->last_scanned_ns = res.Int64(row, 11);
  r->scan_generation = res.Int64(row, 12);
  r->created_at_ns = res.Int64(row, 13);
  r->updated_at_ns = res.Int64(row, 14);
  return Status::Ok();
}

void AddRepositoryParams(const Repository& repo, PgParams& p) {
  p.Text(repo.name).Text(repo.url).Text(repo.options_json);
  p.Text(RepositoryStateName(repo.state)).Text(repo.state_reason);
  p.Int64(repo.scan_generation).Int64(repo.last_complete_generation);
  p.Int64(repo.created_at_ns).Int64(repo.updated_at_ns);
  p.Int64(repo.detached ? 1 : 0);
}

void AddRepositoryUpdateParams(const Repository& repo, PgParams& p) {
  p.Text(repo.url).Text(repo.options_json);
  p.Text(RepositoryStateName(repo.state)).Text(repo.state_reason);
  p.Int64(repo.scan_generation).Int64(repo.last_complete_generation);
  p.Int64(repo.updated_at_ns);
}

Status ReadRepositoryRow(const PgResult& res, int row, Repository* repo) {
  repo->id = res.Int64(row, 0);
  repo->name.assign(res.Bytes(row, 1));
  repo->url.assign(res.Bytes(row, 2));
  repo->options_json.assign(res.Bytes(row, 3));
  RETURN_IF_ERROR(DecodeColumn(ParseRepositoryState(res.Bytes(row, 4)),
                               &repo->state, "repositories", repo->id));
  repo->state_reason.assign(res.Bytes(row, 5));
  repo->scan_generation = res.Int64(row, 6);
  repo->last_complete_generation = res.Int64(row, 7);
  repo->created_at_ns = res.Int64(row, 8);
  repo->updated_at_ns = res.Int64(row, 9);
  repo->detached = res.Int64(row, 10) != 0;
  return Status::Ok();
}

void AddOperationParams(const SyncOperation& op, PgParams& p) {
  p.Int64(op.repository_id).Text(OperationTypeName(op.type));
  p.Int64(op.counters.scanned).Int64(op.counters.added);
  p.Int64(op.counters.updated).Int64(op.counters.moved);
  p.Int64(op.counters.removed).Int64(op.counters.errors);
  p.Int64(op.start_ns).Int64(op.end_ns).Int64(op.duration_ms);
  p.Text(OperationStatusName(op.status)).Text(op.error_message);
  p.Text(op.worker);
}

Status ReadOperationRow(const PgResult& res, int row, SyncOperation* op) {
  op->id = res.Int64(row, 0);
  op->repository_id = res.Int64(row, 1);
  RETURN_IF_ERROR(DecodeColumn(ParseOperationType(res.Bytes(row, 2)), &op->type,
                               "sync_operations", op->id));
  op->counters.scanned = res.Int64(row, 3);
  op->counters.added = res.Int64(row, 4);
  op->counters.updated = res.Int64(row, 5);
  op->counters.moved = res.Int64(row, 6);
  op->counters.removed = res.Int64(row, 7);
  op->counters.errors = res.Int64(row, 8);
  op->start_ns = res.Int64(row, 9);
  op->end_ns = res.Int64(row, 10);
  op->duration_ms = res.Int64(row, 11);
  RETURN_IF_ERROR(DecodeColumn(ParseOperationStatus(res.Bytes(row, 12)),
                               &op->status, "sync_operations", op->id));
  op->error_message.assign(res.Bytes(row, 13));
  op->worker.assign(res.Bytes(row, 14));
  return Status::Ok();
}

void ReadLeaseRow(const PgResult& res, int row, Lease* lease) {
  lease->repository_id = res.Int64(row, 0);
  lease->holder.assign(res.Bytes(row, 1));
  lease->token = res.Int64(row, 2);
  lease->acquired_at_ns = res.Int64(row, 3);
  lease->renewed_at_ns = res.Int64(row, 4);
  lease->expires_at_ns = res.Int64(row, 5);
  lease->process.boot_id.assign(res.Bytes(row, 6));
  lease->process.pid_namespace = static_cast<uint64_t>(res.Int64(row, 7));
  lease->process.pid = res.Int64(row, 8);
  lease->process.start_ticks = static_cast<uint64_t>(res.Int64(row, 9));
  lease->observed_at_ns = res.Int64(row, 10);
}

}  // namespace tidemark
