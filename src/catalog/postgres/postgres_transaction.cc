#include "catalog/postgres/postgres_transaction.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "catalog/postgres/pg_binary.h"
#include "catalog/postgres/postgres_leases.h"
#include "catalog/postgres/postgres_queries.h"
#include "catalog/postgres/postgres_watch.h"
#include "common/paths.h"

namespace tidemark {
namespace {

std::string RecordsInto(size_t count, int64_t repository_id) {
  return std::to_string(count) + " record(s) of repository " +
         std::to_string(repository_id);
}

// Indexes into `records` with one entry per id, the last one where an id
// repeats: applying them at once then equals applying all in order.
std::vector<size_t> LastPerId(std::span<const FileRecord> records) {
  std::vector<size_t> rows(records.size());
  std::iota(rows.begin(), rows.end(), 0);
  std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
    return records[a].id < records[b].id;
  });
  std::vector<size_t> keep;
  keep.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i + 1 == rows.size() ||
        records[rows[i]].id != records[rows[i + 1]].id) {
      keep.push_back(rows[i]);
    }
  }
  return keep;
}

}  // namespace

PostgresTransaction::~PostgresTransaction() {
  if (open_ && !conn_->broken() && conn_->TransactionStatus() != PQTRANS_IDLE) {
    // Nothing useful can be done with a failed rollback in a destructor; a
    // broken session is replaced by the next Begin.
    (void)conn_->Exec(pgsql::kRollback, "rolling back");
  }
}

Status PostgresTransaction::CheckUsable() const {
  if (!open_) {
    return Status::FailedPrecondition(
        "catalog transaction already committed or rolled back");
  }
  return broken_;
}

Status PostgresTransaction::Failed(Status status) {
  if (!broken_.ok()) return status;
  if (conn_->broken()) {
    broken_ = Status::Unavailable(
        "the catalog transaction lost its connection and the server "
        "discarded all of it (" +
        status.message() + "): start a new transaction");
  } else if (conn_->TransactionStatus() != PQTRANS_INTRANS) {
    broken_ = Status::Aborted("catalog transaction cannot be used after " +
                              status.ToString());
  }
  return status;
}

Status PostgresTransaction::Atomically(const std::function<Status()>& body) {
  Status status = conn_->Exec(pgsql::kSavepoint, "starting a savepoint");
  if (!status.ok()) return Failed(status);
  status = body();
  if (status.ok()) {
    Status released =
        conn_->Exec(pgsql::kReleaseSavepoint, "releasing a savepoint");
    return released.ok() ? released : Failed(released);
  }
  if (conn_->broken()) return Failed(status);
  Status undo =
      conn_->Exec(pgsql::kRollbackToSavepoint, "undoing a failed call");
  if (!undo.ok()) {
    (void)Failed(undo);
    if (broken_.ok()) {
      broken_ = Status::Aborted("catalog transaction cannot be used after " +
                                status.ToString() + ": " + undo.ToString());
    }
  }
  return status;
}

Status PostgresTransaction::LockRepositories(
    std::span<const FileRecord> records) {
  std::vector<int64_t> ids;
  for (const FileRecord& r : records) {
    // A batch nearly always belongs to one repository.
    if (std::find(ids.begin(), ids.end(), r.repository_id) == ids.end()) {
      ids.push_back(r.repository_id);
    }
  }
  PgParams params;
  params.Owned(PgInt64Array(ids), kPgInt8ArrayOid);
  ASSIGN_OR_RETURN(PgResult found,
                   conn_->Query(pgsql::kLockRepositoriesShared, params,
                                "checking the repositories of records"));
  if (found.rows() == static_cast<int>(ids.size())) return Status::Ok();
  for (int64_t id : ids) {
    bool exists = false;
    for (int i = 0; i < found.rows() && !exists; ++i) {
      exists = found.Int64(i, 0) == id;
    }
    if (!exists) {
      return Status::NotFound("no repository with id " + std::to_string(id));
    }
  }
  return Status::Internal(
      "checking the repositories of records: " + std::to_string(found.rows()) +
      " rows for " + std::to_string(ids.size()) + " ids");
}

Status PostgresTransaction::InsertRecords(std::span<FileRecord> records) {
  RETURN_IF_ERROR(CheckUsable());
  if (records.empty()) return Status::Ok();
  const std::string what =
      RecordsInto(records.size(), records.front().repository_id);
  Status status = Atomically([&]() -> Status {
    RETURN_IF_ERROR(LockRepositories(records));
    PgParams count;
    count.Int64(static_cast<int64_t>(records.size()));
    ASSIGN_OR_RETURN(PgResult ids,
                     conn_->Query(pgsql::kAllocateRecordIds, count,
                                  "allocating ids for " + what));
    if (ids.rows() != static_cast<int>(records.size())) {
      return Status::Internal("allocating ids for " + what + ": got " +
                              std::to_string(ids.rows()));
    }
    for (size_t i = 0; i < records.size(); ++i) {
      records[i].id = ids.Int64(static_cast<int>(i), 0);
    }
    return conn_->CopyIn(
        pgsql::kCopyRecords, records.size(),
        [&](size_t i, PgCopyEncoder& e) {
          EncodeRecordRow(records[i].id, records[i], e);
        },
        "inserting " + what);
  });
  if (!status.ok()) {
    for (FileRecord& r : records) r.id = 0;  // names nothing now
  }
  return status;
}

Status PostgresTransaction::UpdateRecords(std::span<const FileRecord> records) {
  RETURN_IF_ERROR(CheckUsable());
  if (records.empty()) return Status::Ok();
  return Atomically([&] { return StageAndUpdate(records); });
}

Status PostgresTransaction::StageAndUpdate(
    std::span<const FileRecord> records) {
  RETURN_IF_ERROR(LockRepositories(records));
  const std::vector<size_t> rows = LastPerId(records);
  const std::string what =
      RecordsInto(rows.size(), records.front().repository_id);
  RETURN_IF_ERROR(conn_->CopyIn(
      pgsql::kCopyStaging, rows.size(),
      [&](size_t i, PgCopyEncoder& e) {
        const FileRecord& r = records[rows[i]];
        EncodeRecordRow(r.id, r, e);
      },
      "staging updates of " + what));
  ASSIGN_OR_RETURN(
      PgResult updated,
      conn_->Query(pgsql::kUpdateFromStaging, PgParams(), "updating " + what));
  if (updated.AffectedRows() == static_cast<int64_t>(rows.size())) {
    return Status::Ok();
  }
  std::vector<int64_t> ids;
  ids.reserve(rows.size());
  for (size_t i : rows) ids.push_back(records[i].id);
  PgParams params;
  params.Owned(PgInt64Array(ids), kPgInt8ArrayOid);
  ASSIGN_OR_RETURN(PgResult missing,
                   conn_->Query(pgsql::kFirstMissingId, params,
                                "finding the records missing from " + what));
  if (missing.rows() == 0) {
    return Status::Internal("updating " + what + ": only " +
                            std::to_string(updated.AffectedRows()) +
                            " were updated, yet all exist");
  }
  const int64_t id = missing.Int64(0, 0);
  const auto it = std::find_if(records.begin(), records.end(),
                               [&](const FileRecord& r) { return r.id == id; });
  return Status::NotFound("catalog record " + std::to_string(id) + " ('" +
                          DisplayPath(it->path) + "') does not exist");
}

Result<int64_t> PostgresTransaction::RemoveRecords(
    std::span<const RecordKey> keys) {
  RETURN_IF_ERROR(CheckUsable());
  if (keys.empty()) return int64_t{0};
  std::vector<int64_t> ids;
  std::vector<std::string_view> paths;
  ids.reserve(keys.size());
  paths.reserve(keys.size());
  for (const RecordKey& key : keys) {
    ids.push_back(key.id);
    paths.push_back(key.path);
  }
  PgParams params;
  params.Owned(PgInt64Array(ids), kPgInt8ArrayOid);
  params.Owned(PgByteaArray(paths), kPgByteaArrayOid);
  Result<PgResult> removed =
      conn_->Query(pgsql::kRemoveRecords, params,
                   "removing " + std::to_string(keys.size()) + " record(s)");
  if (!removed.ok()) return Failed(removed.status());
  return removed->AffectedRows();
}

Result<int64_t> PostgresTransaction::InsertRepository(const Repository& repo) {
  RETURN_IF_ERROR(CheckUsable());
  PgParams params;
  AddRepositoryParams(repo, params);
  Result<PgResult> inserted =
      conn_->Query(pgsql::kInsertRepository, params,
                   "adding repository '" + repo.name + "'");
  if (!inserted.ok()) return Failed(inserted.status());
  if (inserted->rows() == 0) {
    return Status::AlreadyExists("a repository named '" + repo.name +
                                 "' already exists: choose another name");
  }
  return inserted->Int64(0, 0);
}

Status PostgresTransaction::SetRepositoryDetached(int64_t repository_id,
                                                  bool detached) {
  RETURN_IF_ERROR(CheckUsable());
  PgParams params;
  params.Int64(repository_id).Int64(detached ? 1 : 0);
  Result<PgResult> updated =
      conn_->Query(pgsql::kSetRepositoryDetached, params,
                   "detaching repository " + std::to_string(repository_id));
  if (!updated.ok()) return Failed(updated.status());
  if (updated->AffectedRows() == 0) {
    return Status::NotFound("repository " + std::to_string(repository_id) +
                            " does not exist");
  }
  return Status::Ok();
}

Status PostgresTransaction::UpdateRepository(const Repository& repo) {
  RETURN_IF_ERROR(CheckUsable());
  PgParams params;
  params.Int64(repo.id);
  AddRepositoryUpdateParams(repo, params);
  Result<PgResult> updated =
      conn_->Query(pgsql::kUpdateRepository, params,
                   "updating repository '" + repo.name + "'");
  if (!updated.ok()) return Failed(updated.status());
  if (updated->AffectedRows() == 0) {
    return Status::NotFound("repository " + std::to_string(repo.id) + " ('" +
                            repo.name + "') does not exist");
  }
  return Status::Ok();
}

Status PostgresTransaction::DeleteRepository(int64_t repository_id) {
  RETURN_IF_ERROR(CheckUsable());
  // The delete takes the lease row with it: check the fence while it is
  // there, locked until the end, instead of at Commit.
  RETURN_IF_ERROR(CheckFenceNow());
  const std::string doing =
      "deleting repository " + std::to_string(repository_id);
  PgParams params;
  params.Int64(repository_id);
  // The lock waits for transactions that are writing records into it, so
  // the DELETE below sees their rows; later writers find it gone.
  Result<PgResult> locked =
      conn_->Query(pgsql::kLockRepositoryForDelete, params, doing);
  if (!locked.ok()) return Failed(locked.status());
  if (locked->rows() == 0) {
    return Status::NotFound("repository " + std::to_string(repository_id) +
                            " does not exist");
  }
  // Entities, operations, leases, watch status and requests go by ON
  // DELETE CASCADE; records have no foreign key.
  for (const char* sql :
       {pgsql::kDeleteRepositoryRecords, pgsql::kDeleteRepository}) {
    Result<PgResult> deleted = conn_->Query(sql, params, doing);
    if (!deleted.ok()) return Failed(deleted.status());
  }
  return Status::Ok();
}

Result<int64_t> PostgresTransaction::InsertOperation(const SyncOperation& op) {
  RETURN_IF_ERROR(CheckUsable());
  int64_t id = 0;
  // Under a savepoint: an unknown repository is NotFound, and the caller
  // may go on with the transaction.
  RETURN_IF_ERROR(Atomically([&]() -> Status {
    PgParams params;
    AddOperationParams(op, params);
    ASSIGN_OR_RETURN(PgResult inserted,
                     conn_->Query(pgsql::kInsertOperation, params,
                                  "recording an operation for repository " +
                                      std::to_string(op.repository_id)));
    id = inserted.Int64(0, 0);
    return Status::Ok();
  }));
  return id;
}

Status PostgresTransaction::UpdateOperation(const SyncOperation& op) {
  RETURN_IF_ERROR(CheckUsable());
  PgParams params;
  params.Int64(op.id);
  AddOperationParams(op, params);
  Result<PgResult> updated =
      conn_->Query(pgsql::kUpdateOperation, params,
                   "updating operation " + std::to_string(op.id));
  if (!updated.ok()) return Failed(updated.status());
  if (updated->AffectedRows() == 0) {
    return Status::NotFound("operation " + std::to_string(op.id) +
                            " does not exist");
  }
  return Status::Ok();
}

// The two inserts run under a savepoint: an unknown repository is NotFound,
// and the caller may go on with the transaction.
Status PostgresTransaction::PutWatchStatus(const WatchStatus& s) {
  RETURN_IF_ERROR(CheckUsable());
  return Atomically([&] { return PgPutWatchStatus(*conn_, s); });
}

Result<int64_t> PostgresTransaction::InsertRequest(const SyncRequest& r) {
  RETURN_IF_ERROR(CheckUsable());
  int64_t id = 0;
  RETURN_IF_ERROR(Atomically([&]() -> Status {
    ASSIGN_OR_RETURN(id, PgInsertRequest(*conn_, r));
    return Status::Ok();
  }));
  return id;
}

Status PostgresTransaction::UpdateRequest(const SyncRequest& r) {
  RETURN_IF_ERROR(CheckUsable());
  Status status = PgUpdateRequest(*conn_, r);
  return status.ok() ? status : Failed(status);
}

Status PostgresTransaction::CheckFenceNow() {
  if (!fence_ || fence_checked_) return Status::Ok();
  RETURN_IF_ERROR(CheckFence(*conn_, *fence_, /*lock_row=*/true));
  fence_checked_ = true;
  return Status::Ok();
}

Status PostgresTransaction::Commit() {
  RETURN_IF_ERROR(CheckUsable());
  open_ = false;
  Status status;
  if (conn_->TransactionStatus() == PQTRANS_INTRANS) {
    status = CheckFenceNow();
    if (status.ok()) {
      status = conn_->Exec(pgsql::kCommit, "committing");
    } else if (!conn_->broken()) {
      (void)conn_->Exec(pgsql::kRollback, "rolling back a fenced-off write");
    }
  } else {
    // A COMMIT of a failed transaction would "succeed" as a ROLLBACK.
    status = Status::Aborted(
        "catalog transaction is no longer open on the server (it failed "
        "earlier): nothing of it was applied");
    if (!conn_->broken()) (void)conn_->Exec(pgsql::kRollback, "rolling back");
  }
  lock_.unlock();
  return status;
}

}  // namespace tidemark
