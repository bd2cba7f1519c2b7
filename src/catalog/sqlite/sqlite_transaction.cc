#include "catalog/sqlite/sqlite_transaction.h"

#include <string>

#include "catalog/sqlite/sqlite_entities.h"
#include "catalog/sqlite/sqlite_record_reads.h"
#include "catalog/sqlite/sqlite_watch.h"
#include "common/paths.h"

namespace tidemark {

SqliteTransaction::~SqliteTransaction() {
  if (open_ && !conn_->InAutocommit()) {
    // Nothing useful can be done with a failed rollback in a destructor; the
    // connection's next BEGIN reports the problem.
    (void)conn_->Run(SqlId::kRollback, "rolling back");
  }
}

Status SqliteTransaction::CheckUsable() const {
  if (!open_) {
    return Status::FailedPrecondition(
        "catalog transaction already committed or rolled back");
  }
  return broken_;
}

Status SqliteTransaction::Failed(Status status) {
  if (conn_->InAutocommit()) {
    broken_ = Status::Aborted(
        "catalog transaction was rolled back by SQLite after an error: " +
        status.ToString());
  }
  return status;
}

Status SqliteTransaction::Atomically(const std::function<Status()>& body) {
  RETURN_IF_ERROR(conn_->Run(SqlId::kSavepoint, "starting a savepoint"));
  Status status = body();
  if (status.ok()) {
    status = conn_->Run(SqlId::kReleaseSavepoint, "releasing a savepoint");
    return status.ok() ? status : Failed(status);
  }
  if (conn_->InAutocommit()) return Failed(status);
  // ROLLBACK TO keeps the savepoint open; RELEASE then pops it.
  Status undo = conn_->Run(SqlId::kRollbackToSavepoint, "undoing a call");
  if (undo.ok()) undo = conn_->Run(SqlId::kReleaseSavepoint, "undoing a call");
  if (!undo.ok()) {
    broken_ = Status::Aborted("catalog transaction cannot be used after " +
                              status.ToString() + ": " + undo.ToString());
  }
  return status;
}

Status SqliteTransaction::InsertRecords(std::span<FileRecord> records) {
  RETURN_IF_ERROR(CheckUsable());
  if (records.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   conn_->Statement(SqlId::kInsertRecord));
  // No savepoint here: it costs ~10% of bulk-insert speed, because every page
  // first touched after it is copied to the savepoint journal. A failing
  // INSERT undoes itself; the rows this call inserted before it are deleted
  // by id below, which costs nothing on the (common) success path.
  for (size_t done = 0; done < records.size(); ++done) {
    FileRecord& r = records[done];
    Status status;
    {
      ScopedReset reset(stmt);
      BindRecordFields(*stmt, r);
      int rc = stmt->Step();
      if (rc == SQLITE_DONE) {
        r.id = conn_->LastInsertId();
        continue;
      }
      // Read the error before the reset, which may replace it.
      status = conn_->Error(rc, "inserting record '" + DisplayPath(r.path) +
                                    "' into repository " +
                                    std::to_string(r.repository_id));
    }
    if (conn_->InAutocommit()) return Failed(status);
    return UndoInserts(records.first(done), status);
  }
  return Status::Ok();
}

Status SqliteTransaction::UndoInserts(std::span<FileRecord> inserted,
                                      Status status) {
  Result<SqliteStatement*> del = conn_->Statement(SqlId::kDeleteRecordById);
  Status undo = del.status();
  for (FileRecord& r : inserted) {
    if (!undo.ok()) break;
    ScopedReset reset(*del);
    (*del)->BindInt64(1, r.id);
    int rc = (*del)->Step();
    if (rc != SQLITE_DONE) undo = conn_->Error(rc, "undoing an insert");
    r.id = 0;  // names nothing now
  }
  if (!undo.ok()) {
    broken_ = Status::Aborted("catalog transaction cannot be used after " +
                              status.ToString() + ": " + undo.ToString());
  }
  return status;
}

Status SqliteTransaction::UpdateRecords(std::span<const FileRecord> records) {
  RETURN_IF_ERROR(CheckUsable());
  if (records.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   conn_->Statement(SqlId::kUpdateRecord));
  return Atomically([&]() -> Status {
    for (const FileRecord& r : records) {
      ScopedReset reset(stmt);
      BindRecordFields(*stmt, r);
      stmt->BindInt64(15, r.id);
      int rc = stmt->Step();
      if (rc != SQLITE_DONE) {
        return conn_->Error(rc, "updating record " + std::to_string(r.id) +
                                    " to '" + DisplayPath(r.path) + "'");
      }
      if (conn_->Changes() == 0) {
        return Status::NotFound("catalog record " + std::to_string(r.id) +
                                " ('" + DisplayPath(r.path) +
                                "') does not exist");
      }
    }
    return Status::Ok();
  });
}

Result<int64_t> SqliteTransaction::RemoveRecords(
    std::span<const RecordKey> keys) {
  RETURN_IF_ERROR(CheckUsable());
  if (keys.empty()) return int64_t{0};
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   conn_->Statement(SqlId::kRemoveRecord));
  int64_t removed = 0;
  RETURN_IF_ERROR(Atomically([&]() -> Status {
    for (const RecordKey& key : keys) {
      ScopedReset reset(stmt);
      stmt->BindInt64(1, key.id);
      stmt->BindBlob(2, key.path);
      int rc = stmt->Step();
      if (rc != SQLITE_DONE) {
        return conn_->Error(rc, "removing record " + std::to_string(key.id));
      }
      removed += conn_->Changes();
    }
    return Status::Ok();
  }));
  return removed;
}

Result<std::vector<FileRecord>> SqliteTransaction::ReadRecords(
    const RecordRange& range, size_t limit) {
  RETURN_IF_ERROR(CheckUsable());
  // Inside BEGIN IMMEDIATE: one snapshot, this transaction's own.
  std::vector<FileRecord> out;
  if (limit == 0) return out;
  Status status = SqliteReadRecords(*conn_, range, limit, &out);
  if (!status.ok()) return Failed(status);
  return out;
}

Status SqliteTransaction::UpsertEntities(std::span<Entity> entities) {
  RETURN_IF_ERROR(CheckUsable());
  if (entities.empty()) return Status::Ok();
  return Atomically(
      [&]() -> Status { return SqliteUpsertEntities(*conn_, entities); });
}

Status SqliteTransaction::SetEntityBusiness(int64_t id,
                                            std::string_view business_json,
                                            int64_t updated_at_ns) {
  RETURN_IF_ERROR(CheckUsable());
  // One statement: a failed one undoes itself.
  Status status =
      SqliteSetEntityBusiness(*conn_, id, business_json, updated_at_ns);
  return status.ok() ? status : Failed(status);
}

Result<int64_t> SqliteTransaction::DeleteEntities(
    std::span<const int64_t> ids) {
  RETURN_IF_ERROR(CheckUsable());
  if (ids.empty()) return int64_t{0};
  int64_t deleted = 0;
  RETURN_IF_ERROR(Atomically([&]() -> Status {
    ASSIGN_OR_RETURN(deleted, SqliteDeleteEntities(*conn_, ids));
    return Status::Ok();
  }));
  return deleted;
}

Result<std::vector<Entity>> SqliteTransaction::ListEntities(
    const EntityQuery& q) {
  RETURN_IF_ERROR(CheckUsable());
  Result<std::vector<Entity>> listed = SqliteListEntities(*conn_, q);
  if (!listed.ok()) return Failed(listed.status());
  return listed;
}

Result<int64_t> SqliteTransaction::InsertRepository(const Repository& repo) {
  RETURN_IF_ERROR(CheckUsable());
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   conn_->Statement(SqlId::kInsertRepository));
  ScopedReset reset(stmt);
  BindRepositoryInsert(*stmt, repo);
  int rc = stmt->Step();
  if (rc != SQLITE_DONE) {
    Status status = conn_->Error(rc, "adding repository '" + repo.name + "'");
    if (status.code() == StatusCode::kAlreadyExists) {
      status = Status::AlreadyExists("a repository named '" + repo.name +
                                     "' already exists: choose another name");
    }
    return Failed(status);
  }
  return conn_->LastInsertId();
}

Status SqliteTransaction::SetRepositoryDetached(int64_t repository_id,
                                                bool detached) {
  RETURN_IF_ERROR(CheckUsable());
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   conn_->Statement(SqlId::kSetRepositoryDetached));
  ScopedReset reset(stmt);
  stmt->BindInt64(1, detached ? 1 : 0);
  stmt->BindInt64(2, repository_id);
  int rc = stmt->Step();
  if (rc != SQLITE_DONE) {
    return Failed(conn_->Error(
        rc, "detaching repository " + std::to_string(repository_id)));
  }
  if (conn_->Changes() == 0) {
    return Status::NotFound("repository " + std::to_string(repository_id) +
                            " does not exist");
  }
  return Status::Ok();
}

Status SqliteTransaction::UpdateRepository(const Repository& repo) {
  RETURN_IF_ERROR(CheckUsable());
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   conn_->Statement(SqlId::kUpdateRepository));
  ScopedReset reset(stmt);
  BindRepositoryUpdate(*stmt, repo);
  int rc = stmt->Step();
  if (rc != SQLITE_DONE) {
    return Failed(conn_->Error(rc, "updating repository '" + repo.name + "'"));
  }
  if (conn_->Changes() == 0) {
    return Status::NotFound("repository " + std::to_string(repo.id) + " ('" +
                            repo.name + "') does not exist");
  }
  return Status::Ok();
}

Status SqliteTransaction::DeleteRepository(int64_t repository_id) {
  RETURN_IF_ERROR(CheckUsable());
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   conn_->Statement(SqlId::kDeleteRepository));
  ScopedReset reset(stmt);
  stmt->BindInt64(1, repository_id);
  int rc = stmt->Step();
  if (rc != SQLITE_DONE) {
    return Failed(conn_->Error(
        rc, "deleting repository " + std::to_string(repository_id)));
  }
  if (conn_->Changes() == 0) {
    return Status::NotFound("repository " + std::to_string(repository_id) +
                            " does not exist");
  }
  return Status::Ok();
}

Result<int64_t> SqliteTransaction::InsertOperation(const SyncOperation& op) {
  RETURN_IF_ERROR(CheckUsable());
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   conn_->Statement(SqlId::kInsertOperation));
  ScopedReset reset(stmt);
  BindOperationFields(*stmt, op);
  int rc = stmt->Step();
  if (rc != SQLITE_DONE) {
    return Failed(conn_->Error(rc, "recording an operation for repository " +
                                       std::to_string(op.repository_id)));
  }
  return conn_->LastInsertId();
}

Status SqliteTransaction::UpdateOperation(const SyncOperation& op) {
  RETURN_IF_ERROR(CheckUsable());
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   conn_->Statement(SqlId::kUpdateOperation));
  ScopedReset reset(stmt);
  BindOperationFields(*stmt, op);
  stmt->BindInt64(15, op.id);
  int rc = stmt->Step();
  if (rc != SQLITE_DONE) {
    return Failed(
        conn_->Error(rc, "updating operation " + std::to_string(op.id)));
  }
  if (conn_->Changes() == 0) {
    return Status::NotFound("operation " + std::to_string(op.id) +
                            " does not exist");
  }
  return Status::Ok();
}

// One statement each: a failed one undoes itself, so no savepoint.
Status SqliteTransaction::PutWatchStatus(const WatchStatus& s) {
  RETURN_IF_ERROR(CheckUsable());
  Status status = SqlitePutWatchStatus(*conn_, s);
  return status.ok() ? status : Failed(status);
}

Result<int64_t> SqliteTransaction::InsertRequest(const SyncRequest& r) {
  RETURN_IF_ERROR(CheckUsable());
  Result<int64_t> id = SqliteInsertRequest(*conn_, r);
  if (!id.ok()) return Failed(id.status());
  return id;
}

Status SqliteTransaction::UpdateRequest(const SyncRequest& r) {
  RETURN_IF_ERROR(CheckUsable());
  Status status = SqliteUpdateRequest(*conn_, r);
  return status.ok() ? status : Failed(status);
}

Status SqliteTransaction::Commit() {
  RETURN_IF_ERROR(CheckUsable());
  open_ = false;
  Status status = conn_->Run(SqlId::kCommit, "committing");
  if (!status.ok() && !conn_->InAutocommit()) {
    // A failed COMMIT can leave the transaction open; make sure nothing of it
    // lands later.
    (void)conn_->Run(SqlId::kRollback, "rolling back a failed commit");
  }
  lock_.unlock();
  return status;
}

}  // namespace tidemark
