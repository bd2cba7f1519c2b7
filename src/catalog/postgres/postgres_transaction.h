// PostgresTransaction: a CatalogTransaction on the PostgreSQL catalog's
// writer connection (private to the PostgreSQL store).
//
// It is created by PostgresCatalog's BeginTransaction after BEGIN (and, for
// a fenced write, the lease check) succeeded, and holds the store's writer
// lock for its whole life, so one transaction at a time uses the writer
// connection.
//
// Bulk calls are set-based: InsertRecords allocates the ids in one round
// trip and streams the rows with binary COPY; UpdateRecords COPYs into a
// per-session staging table and applies it with one UPDATE; RemoveRecords is
// one DELETE over arrays; entity upserts and deletes are one statement
// each (postgres_entities.h). file_records has no foreign key (see
// migrations.cc): the batch's repositories are locked FOR KEY SHARE instead,
// and DeleteRepository removes the records itself. Reads (ReadRecords,
// ListEntities) run on the writer connection, inside this transaction, so
// they see its own writes.
//
// A call that can fail for a reason the caller handles (a taken path, a
// missing id or repository) runs under a SAVEPOINT, so it leaves the
// transaction as it was; any other failure leaves the transaction unusable
// (every later call and Commit repeat it). When the connection is lost the
// transaction is Unavailable and the server has discarded all of it; only a
// connection lost during COMMIT itself leaves unknown whether the commit
// landed (PostgreSQL cannot tell).
//
// Destroying it without Commit rolls back. It must not outlive its store.
// Used by one thread, like every CatalogTransaction.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_TRANSACTION_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_TRANSACTION_H_

#include <functional>
#include <mutex>
#include <optional>

#include "catalog/catalog_store.h"
#include "catalog/postgres/postgres_connection.h"

namespace tidemark {

class PostgresTransaction final : public CatalogTransaction {
 public:
  // `conn` has an open transaction; `lock` holds the store's writer mutex.
  // With a `fence`, Commit checks it (locked) just before COMMIT.
  PostgresTransaction(PgConnection* conn,
                      std::unique_lock<std::timed_mutex> lock,
                      std::optional<WriteFence> fence)
      : conn_(conn), lock_(std::move(lock)), fence_(fence) {}
  ~PostgresTransaction() override;

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
  // FailedPrecondition after Commit; the failure that broke it, if any.
  Status CheckUsable() const;
  // Returns `status`, first noting whether it left the transaction unusable.
  Status Failed(Status status);
  // Runs `body` under a savepoint: on failure the transaction is as before.
  Status Atomically(const std::function<Status()>& body);
  // NotFound unless every repository the records name exists; the rows
  // stay locked FOR KEY SHARE, so none is deleted before this commits.
  Status LockRepositories(std::span<const FileRecord> records);
  // With a fence: checks it with its row locked FOR KEY SHARE until the
  // transaction ends (once; Commit or DeleteRepository).
  Status CheckFenceNow();
  // The body of UpdateRecords, inside its savepoint.
  Status StageAndUpdate(std::span<const FileRecord> records);

  PgConnection* conn_;
  std::unique_lock<std::timed_mutex> lock_;
  const std::optional<WriteFence> fence_;
  bool fence_checked_ = false;
  bool open_ = true;
  Status broken_;
};

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_TRANSACTION_H_
