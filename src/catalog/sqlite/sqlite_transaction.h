// SqliteTransaction: a CatalogTransaction on the SQLite catalog's writer
// connection (private to the SQLite store).
//
// It is created by SqliteCatalog::Begin after BEGIN IMMEDIATE succeeded and
// holds the store's writer lock for its whole life, so one transaction at a
// time uses the writer connection. A call that fails leaves the transaction as
// it was before the call (updates, removals and entity writes run under a
// SAVEPOINT; a failed insert batch deletes the rows it inserted). Its reads
// (ReadRecords, ListEntities) run on the writer connection, so they see its
// own uncommitted writes.
// Destroying it without Commit rolls back. It must not outlive its store.
// Used by one thread, like every CatalogTransaction.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_TRANSACTION_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_TRANSACTION_H_

#include <functional>
#include <mutex>

#include "catalog/catalog_store.h"
#include "catalog/sqlite/sqlite_connection.h"

namespace tidemark {

class SqliteTransaction final : public CatalogTransaction {
 public:
  // `conn` has an open BEGIN IMMEDIATE transaction; `lock` holds the store's
  // writer mutex.
  SqliteTransaction(SqliteConnection* conn,
                    std::unique_lock<std::timed_mutex> lock)
      : conn_(conn), lock_(std::move(lock)) {}
  ~SqliteTransaction() override;

  Status InsertRecords(std::span<FileRecord> records) override;
  Status UpdateRecords(std::span<const FileRecord> records) override;
  Result<int64_t> RemoveRecords(std::span<const RecordKey> keys) override;
  Result<std::vector<FileRecord>> ReadRecords(const RecordRange& range,
                                              size_t limit) override;
  Status UpsertEntities(std::span<Entity> entities) override;
  Status SetEntityBusiness(int64_t id, std::string_view business_json,
                           int64_t updated_at_ns) override;
  Result<int64_t> DeleteEntities(std::span<const int64_t> ids) override;
  Result<std::vector<Entity>> ListEntities(const EntityQuery& q) override;
  Result<int64_t> InsertRepository(const Repository& repo) override;
  Status UpdateRepository(const Repository& repo) override;
  Status SetRepositoryDetached(int64_t repository_id, bool detached) override;
  Status DeleteRepository(int64_t repository_id) override;
  Result<int64_t> InsertOperation(const SyncOperation& op) override;
  Status UpdateOperation(const SyncOperation& op) override;
  Status PutWatchStatus(const WatchStatus& s) override;
  Result<int64_t> InsertRequest(const SyncRequest& r) override;
  Status UpdateRequest(const SyncRequest& r) override;
  Status Commit() override;

 private:
  // FailedPrecondition once committed, Aborted after SQLite rolled back.
  Status CheckUsable() const;
  // Runs `body` under a savepoint, undoing its writes if it fails.
  Status Atomically(const std::function<Status()>& body);
  // Deletes rows this call inserted before `status` stopped it; returns
  // `status`.
  Status UndoInserts(std::span<FileRecord> inserted, Status status);
  // After a failed write: notices when SQLite rolled the whole transaction
  // back on its own (I/O error, disk full), so Commit cannot pretend.
  Status Failed(Status status);

  SqliteConnection* conn_;
  std::unique_lock<std::timed_mutex> lock_;
  bool open_ = true;
  Status broken_;  // not ok once the transaction can no longer commit
};

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_TRANSACTION_H_
