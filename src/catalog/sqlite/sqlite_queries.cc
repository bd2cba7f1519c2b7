#include "catalog/sqlite/sqlite_queries.h"

#include <array>
#include <string>

namespace tidemark {
namespace {

#define TM_RECORD_COLUMNS                                                \
  "id, repository_id, path, kind, size, mtime_ns, device, inode, "       \
  "content_hash, hash_algorithm, state, last_scanned, scan_generation, " \
  "created_at, updated_at"
#define TM_REPOSITORY_COLUMNS                                      \
  "id, name, url, options, state, state_reason, scan_generation, " \
  "last_complete_generation, created_at, updated_at, detached"
#define TM_OPERATION_COLUMNS                                                  \
  "id, repository_id, operation_type, files_scanned, files_added, "           \
  "files_updated, files_moved, files_removed, errors, start_time, end_time, " \
  "duration_ms, status, error_message, worker"

constexpr std::array<std::string_view, kSqlIdCount> kSql = {
    "BEGIN IMMEDIATE",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT tm_call",
    "RELEASE tm_call",
    "ROLLBACK TO tm_call",
    // kInsertRecord
    "INSERT INTO file_records (repository_id, path, kind, size, mtime_ns, "
    "device, inode, content_hash, hash_algorithm, state, last_scanned, "
    "scan_generation, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    // kUpdateRecord
    "UPDATE file_records SET repository_id = ?1, path = ?2, kind = ?3, "
    "size = ?4, mtime_ns = ?5, device = ?6, inode = ?7, content_hash = ?8, "
    "hash_algorithm = ?9, state = ?10, last_scanned = ?11, "
    "scan_generation = ?12, created_at = ?13, updated_at = ?14 WHERE id = ?15",
    // kRemoveRecord
    "DELETE FROM file_records WHERE id = ?1 AND path = ?2",
    // kDeleteRecordById
    "DELETE FROM file_records WHERE id = ?1",
    // kInsertRepository
    "INSERT INTO repositories (name, url, options, state, state_reason, "
    "scan_generation, last_complete_generation, created_at, updated_at, "
    "detached) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    // kUpdateRepository
    "UPDATE repositories SET url = ?1, options = ?2, state = ?3, "
    "state_reason = ?4, scan_generation = ?5, last_complete_generation = ?6, "
    "updated_at = ?7 WHERE id = ?8",
    // kSetRepositoryDetached
    "UPDATE repositories SET detached = ?1 WHERE id = ?2",
    // kDeleteRepository (records, entities, operations, the lease, the
    // watch status and requests go by ON DELETE CASCADE)
    "DELETE FROM repositories WHERE id = ?1",
    // kInsertOperation
    "INSERT INTO sync_operations (repository_id, operation_type, "
    "files_scanned, files_added, files_updated, files_moved, files_removed, "
    "errors, start_time, end_time, duration_ms, status, error_message, worker) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    // kUpdateOperation (an operation stays with its repository)
    "UPDATE sync_operations SET operation_type = ?2, files_scanned = ?3, "
    "files_added = ?4, files_updated = ?5, files_moved = ?6, "
    "files_removed = ?7, errors = ?8, start_time = ?9, end_time = ?10, "
    "duration_ms = ?11, status = ?12, error_message = ?13, worker = ?14 WHERE "
    "id = ?15",
    // kUpsertEntity: a rewrite keeps id, created_at_ns and business_json.
    "INSERT INTO entities (repository_id, kind, key, parent_id, path, "
    "attrs_json, status, marker_json, file_count, total_bytes, "
    "business_json, created_at_ns, updated_at_ns, deleted_at_ns) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "ON CONFLICT (repository_id, kind, key) DO UPDATE SET "
    "parent_id = excluded.parent_id, path = excluded.path, "
    "attrs_json = excluded.attrs_json, status = excluded.status, "
    "marker_json = excluded.marker_json, file_count = excluded.file_count, "
    "total_bytes = excluded.total_bytes, "
    "updated_at_ns = excluded.updated_at_ns, "
    "deleted_at_ns = excluded.deleted_at_ns RETURNING id",
    // kSetEntityBusiness
    "UPDATE entities SET business_json = ?2, updated_at_ns = ?3 WHERE id = ?1",
    // kCountEntityTree. UNION (not UNION ALL) ends even on a cycle.
    "WITH RECURSIVE tree(id) AS (SELECT id FROM entities WHERE id = ?1 "
    "UNION SELECT e.id FROM entities e JOIN tree t ON e.parent_id = t.id) "
    "SELECT count(*) FROM tree",
    // kDeleteEntityTree. Counted by kCountEntityTree beforehand: rows that
    // the parent_id cascade deletes do not count as this statement's
    // changes.
    "WITH RECURSIVE tree(id) AS (SELECT id FROM entities WHERE id = ?1 "
    "UNION SELECT e.id FROM entities e JOIN tree t ON e.parent_id = t.id) "
    "DELETE FROM entities WHERE id IN (SELECT id FROM tree)",
    // kFindRepository
    "SELECT " TM_REPOSITORY_COLUMNS " FROM repositories WHERE name = ?1",
    // kListRepositories
    "SELECT " TM_REPOSITORY_COLUMNS " FROM repositories ORDER BY name",
    // kReadRecordsBounded: one seek into UNIQUE(repository_id, path), then a
    // forward scan; the caller folds `after` and the scope into ?2 and ?3.
    "SELECT " TM_RECORD_COLUMNS
    " FROM file_records WHERE repository_id = ?1 AND path >= ?2 AND "
    "path < ?3 ORDER BY path LIMIT ?4",
    // kReadRecordsFrom
    "SELECT " TM_RECORD_COLUMNS
    " FROM file_records WHERE repository_id = ?1 AND path >= ?2 "
    "ORDER BY path LIMIT ?3",
    // kFindRecord
    "SELECT " TM_RECORD_COLUMNS
    " FROM file_records WHERE repository_id = ?1 AND path = ?2",
    // kFindRecordsByInode. "+path": without statistics SQLite would rather
    // walk the (repository_id, path) index to skip the sort than use the
    // inode index, which made every lookup a scan of the repository.
    "SELECT " TM_RECORD_COLUMNS
    " FROM file_records WHERE repository_id = ?1 AND inode = ?2 AND "
    "device = ?3 ORDER BY +path",
    // kTotals
    "SELECT count(*), coalesce(sum(size), 0), "
    "coalesce(sum(state = ?2), 0), coalesce(sum(state = ?3), 0), "
    "coalesce(sum(state = ?4), 0) FROM file_records WHERE repository_id = ?1",
    // kListOperations
    "SELECT " TM_OPERATION_COLUMNS
    " FROM sync_operations WHERE repository_id = ?1 ORDER BY id DESC "
    "LIMIT ?2",
    // kDataVersion
    "PRAGMA data_version",
};

#undef TM_RECORD_COLUMNS
#undef TM_REPOSITORY_COLUMNS
#undef TM_OPERATION_COLUMNS

}  // namespace

std::string_view SqlText(SqlId id) { return kSql[static_cast<size_t>(id)]; }

void BindRecordFields(SqliteStatement& stmt, const FileRecord& r) {
  stmt.BindInt64(1, r.repository_id);
  stmt.BindBlob(2, r.path);
  stmt.BindText(3, EntryKindName(r.kind));
  stmt.BindInt64(4, r.size);
  stmt.BindInt64(5, r.mtime_ns);
  stmt.BindUint64(6, r.device);
  stmt.BindUint64(7, r.inode);
  stmt.BindBlobOrNull(8, r.content_hash);
  stmt.BindText(9, HashAlgorithmName(r.hash_algorithm));
  stmt.BindText(10, RecordStateName(r.state));
  stmt.BindInt64(11, r.last_scanned_ns);
  stmt.BindInt64(12, r.scan_generation);
  stmt.BindInt64(13, r.created_at_ns);
  stmt.BindInt64(14, r.updated_at_ns);
}

Status ReadRecordRow(const SqliteStatement& stmt, FileRecord* r) {
  r->id = stmt.ColumnInt64(0);
  r->repository_id = stmt.ColumnInt64(1);
  r->path.assign(stmt.ColumnBlobView(2));
  RETURN_IF_ERROR(DecodeColumn(ParseEntryKind(stmt.ColumnTextView(3)), &r->kind,
                               "file_records", r->id));
  r->size = stmt.ColumnInt64(4);
  r->mtime_ns = stmt.ColumnInt64(5);
  r->device = stmt.ColumnUint64(6);
  r->inode = stmt.ColumnUint64(7);
  r->content_hash.assign(stmt.ColumnBlobView(8));
  RETURN_IF_ERROR(DecodeColumn(ParseHashAlgorithm(stmt.ColumnTextView(9)),
                               &r->hash_algorithm, "file_records", r->id));
  RETURN_IF_ERROR(DecodeColumn(ParseRecordState(stmt.ColumnTextView(10)),
                               &r->state, "file_records", r->id));
  r->last_scanned_ns = stmt.ColumnInt64(11);
  r->scan_generation = stmt.ColumnInt64(12);
  r->created_at_ns = stmt.ColumnInt64(13);
  r->updated_at_ns = stmt.ColumnInt64(14);
  return Status::Ok();
}

void BindRepositoryInsert(SqliteStatement& stmt, const Repository& repo) {
  stmt.BindText(1, repo.name);
  stmt.BindText(2, repo.url);
  stmt.BindText(3, repo.options_json);
  stmt.BindText(4, RepositoryStateName(repo.state));
  stmt.BindText(5, repo.state_reason);
  stmt.BindInt64(6, repo.scan_generation);
  stmt.BindInt64(7, repo.last_complete_generation);
  stmt.BindInt64(8, repo.created_at_ns);
  stmt.BindInt64(9, repo.updated_at_ns);
  stmt.BindInt64(10, repo.detached ? 1 : 0);
}

void BindRepositoryUpdate(SqliteStatement& stmt, const Repository& repo) {
  stmt.BindText(1, repo.url);
  stmt.BindText(2, repo.options_json);
  stmt.BindText(3, RepositoryStateName(repo.state));
  stmt.BindText(4, repo.state_reason);
  stmt.BindInt64(5, repo.scan_generation);
  stmt.BindInt64(6, repo.last_complete_generation);
  stmt.BindInt64(7, repo.updated_at_ns);
  stmt.BindInt64(8, repo.id);
}

Status ReadRepositoryRow(const SqliteStatement& stmt, Repository* repo) {
  repo->id = stmt.ColumnInt64(0);
  repo->name.assign(stmt.ColumnTextView(1));
  repo->url.assign(stmt.ColumnTextView(2));
  repo->options_json.assign(stmt.ColumnTextView(3));
  RETURN_IF_ERROR(DecodeColumn(ParseRepositoryState(stmt.ColumnTextView(4)),
                               &repo->state, "repositories", repo->id));
  repo->state_reason.assign(stmt.ColumnTextView(5));
  repo->scan_generation = stmt.ColumnInt64(6);
  repo->last_complete_generation = stmt.ColumnInt64(7);
  repo->created_at_ns = stmt.ColumnInt64(8);
  repo->updated_at_ns = stmt.ColumnInt64(9);
  repo->detached = stmt.ColumnInt64(10) != 0;
  return Status::Ok();
}

void BindOperationFields(SqliteStatement& stmt, const SyncOperation& op) {
  stmt.BindInt64(1, op.repository_id);
  stmt.BindText(2, OperationTypeName(op.type));
  stmt.BindInt64(3, op.counters.scanned);
  stmt.BindInt64(4, op.counters.added);
  stmt.BindInt64(5, op.counters.updated);
  stmt.BindInt64(6, op.counters.moved);
  stmt.BindInt64(7, op.counters.removed);
  stmt.BindInt64(8, op.counters.errors);
  stmt.BindInt64(9, op.start_ns);
  stmt.BindInt64(10, op.end_ns);
  stmt.BindInt64(11, op.duration_ms);
  stmt.BindText(12, OperationStatusName(op.status));
  stmt.BindText(13, op.error_message);
  stmt.BindText(14, op.worker);
}

Status ReadOperationRow(const SqliteStatement& stmt, SyncOperation* op) {
  op->id = stmt.ColumnInt64(0);
  op->repository_id = stmt.ColumnInt64(1);
  RETURN_IF_ERROR(DecodeColumn(ParseOperationType(stmt.ColumnTextView(2)),
                               &op->type, "sync_operations", op->id));
  op->counters.scanned = stmt.ColumnInt64(3);
  op->counters.added = stmt.ColumnInt64(4);
  op->counters.updated = stmt.ColumnInt64(5);
  op->counters.moved = stmt.ColumnInt64(6);
  op->counters.removed = stmt.ColumnInt64(7);
  op->counters.errors = stmt.ColumnInt64(8);
  op->start_ns = stmt.ColumnInt64(9);
  op->end_ns = stmt.ColumnInt64(10);
  op->duration_ms = stmt.ColumnInt64(11);
  RETURN_IF_ERROR(DecodeColumn(ParseOperationStatus(stmt.ColumnTextView(12)),
                               &op->status, "sync_operations", op->id));
  op->error_message.assign(stmt.ColumnTextView(13));
  op->worker.assign(stmt.ColumnTextView(14));
  return Status::Ok();
}

}  // namespace tidemark
