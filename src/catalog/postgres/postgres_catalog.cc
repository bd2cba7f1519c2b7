#include "catalog/postgres/postgres_catalog.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>

#include "catalog/postgres/postgres_connection.h"
#include "catalog/postgres/postgres_entities.h"
#include "catalog/postgres/postgres_leases.h"
#include "catalog/postgres/postgres_queries.h"
#include "catalog/postgres/postgres_record_reads.h"
#include "catalog/postgres/postgres_schema.h"
#include "catalog/postgres/postgres_transaction.h"
#include "catalog/postgres/postgres_watch.h"
#include "common/paths.h"

namespace tidemark {
namespace {

// What the reader runs after connecting (besides the timeouts that
// PgConnection sets). It never writes. A keyset page must walk UNIQUE
// (repository_id, path) in order and stop after `limit` rows; with stale
// statistics (a repository just imported, before autovacuum analyzed it)
// the planner prefers a bitmap scan that reads and sorts every remaining
// row of the repository for every page, which makes a rescan quadratic.
// No reader query needs a bitmap scan, so the reader does without them.
constexpr char kReaderSession[] =
    "SET default_transaction_read_only = on; SET enable_bitmapscan = off";

bool IsOk(const Status& s) { return s.ok(); }
template <typename T>
bool IsOk(const Result<T>& r) {
  return r.ok();
}

// What the writer runs after connecting: the staging table of UpdateRecords
// lives as long as the session. The writer joins a batch (the staging
// table, unnested arrays) with file_records by primary key; with statistics
// that lag behind a large import the planner hashes the whole of
// file_records for every batch instead of probing the index per row, so the
// writer does without hash and merge joins.
constexpr char kWriterSession[] =
    "SET enable_hashjoin = off; SET enable_mergejoin = off; ";

class PostgresCatalog final : public CatalogStore {
 public:
  PostgresCatalog(const PostgresCatalogOptions& options,
                  std::unique_ptr<PgConnection> writer,
                  std::unique_ptr<PgConnection> reader,
                  std::unique_ptr<PgConnection> leases, int schema_version)
      : options_(options),
        schema_version_(schema_version),
        writer_(std::move(writer)),
        reader_(std::move(reader)),
        leases_(std::move(leases)) {}

  int SchemaVersion() const override { return schema_version_; }

  Result<Lease> RenewLease(const WriteFence& fence, int64_t ttl_ms) override {
    return OnConnection(leases_mu_, *leases_, [&](PgConnection& conn) {
      return tidemark::RenewLease(conn, fence, ttl_ms);
    });
  }
  Status ReleaseLease(const WriteFence& fence) override {
    return OnConnection(leases_mu_, *leases_, [&](PgConnection& conn) {
      return tidemark::ReleaseLease(conn, fence);
    });
  }
  Result<std::vector<Lease>> ListLeases() override {
    return OnConnection(leases_mu_, *leases_, [&](PgConnection& conn) {
      return tidemark::ListLeases(conn);
    });
  }

  Result<std::optional<Repository>> FindRepository(
      std::string_view name) override;
  Result<std::vector<Repository>> ListRepositories() override;
  Result<std::vector<FileRecord>> ReadRecords(const RecordRange& range,
                                              size_t limit) override;
  Result<std::optional<FileRecord>> FindRecord(int64_t repository_id,
                                               std::string_view path) override;
  Result<std::vector<FileRecord>> FindRecordsByInode(int64_t repository_id,
                                                     uint64_t device,
                                                     uint64_t inode) override;
  Result<std::vector<Entity>> ListEntities(const EntityQuery& q) override {
    return OnConnection(reader_mu_, *reader_, [&](PgConnection& conn) {
      return PgListEntities(conn, q);
    });
  }
  Result<RepositoryTotals> Totals(int64_t repository_id) override;
  Result<std::vector<SyncOperation>> ListOperations(int64_t repository_id,
                                                    size_t limit) override;
  Result<std::vector<WatchStatus>> ListWatchStatuses() override {
    return OnConnection(reader_mu_, *reader_, [&](PgConnection& conn) {
      return PgListWatchStatuses(conn);
    });
  }
  Result<std::vector<SyncRequest>> ListRequests(int64_t repository_id,
                                                bool pending_only) override {
    return OnConnection(reader_mu_, *reader_, [&](PgConnection& conn) {
      return PgListRequests(conn, repository_id, pending_only);
    });
  }
  Result<std::optional<SyncRequest>> FindRequest(int64_t id) override {
    return OnConnection(reader_mu_, *reader_, [&](PgConnection& conn) {
      return PgFindRequest(conn, id);
    });
  }
  Status BeginBulkLoad() override;
  Status EndBulkLoad() override;

 protected:
  Result<LeaseAcquisition> ClaimLease(int64_t repository_id,
                                      const LeaseClaim& claim,
                                      int64_t ttl_ms) override {
    return OnConnection(leases_mu_, *leases_, [&](PgConnection& conn) {
      return tidemark::AcquireLease(conn, repository_id, claim, ttl_ms);
    });
  }
  Result<std::unique_ptr<CatalogTransaction>> BeginTransaction(
      const WriteFence* fence) override;

 private:
  // Runs `body` on `conn` under `mu`, opening a new session first if the
  // last one broke. When the session turns out to be gone only now (it died
  // while idle: a server restart, a killed backend), `body` runs once more
  // on a new one: every caller is safe to repeat.
  template <typename Body>
  auto OnConnection(std::mutex& mu, PgConnection& conn, const Body& body)
      -> decltype(body(conn)) {
    std::lock_guard<std::mutex> lock(mu);
    Result<bool> fresh = conn.EnsureConnected();
    if (!fresh.ok()) return fresh.status();
    auto result = body(conn);
    if (!IsOk(result) && conn.broken() && !*fresh) {
      fresh = conn.EnsureConnected();
      if (!fresh.ok()) return result;
      result = body(conn);
    }
    return result;
  }
  // Locks the writer like BeginTransaction; Unavailable after lock_timeout.
  Result<std::unique_lock<std::timed_mutex>> LockWriter();

  const PostgresCatalogOptions options_;
  const int schema_version_;
  // Held by a PostgresTransaction from Begin until Commit or destruction.
  std::timed_mutex writer_mu_;
  std::unique_ptr<PgConnection> writer_;  // guarded by writer_mu_
  std::mutex reader_mu_;
  std::unique_ptr<PgConnection> reader_;  // guarded by reader_mu_
  std::mutex leases_mu_;
  std::unique_ptr<PgConnection> leases_;  // guarded by leases_mu_
  bool bulk_loading_ = false;             // guarded by writer_mu_
  bool indexes_suspended_ = false;        // guarded by writer_mu_
};

// The inode index is shared by every repository and every worker; a bulk
// load drops it only while the whole catalog is this small, so rebuilding it
// costs little more than the rows of the import itself.
constexpr int64_t kBulkLoadMaxExistingRecords = 100'000;

Result<std::unique_lock<std::timed_mutex>> PostgresCatalog::LockWriter() {
  std::unique_lock<std::timed_mutex> lock(writer_mu_, std::defer_lock);
  if (!lock.try_lock_for(std::chrono::milliseconds(options_.lock_timeout_ms))) {
    return Status::Unavailable(
        "the catalog at " + writer_->target().redacted_url +
        " is busy with another transaction in this process (waited " +
        std::to_string(options_.lock_timeout_ms) +
        " ms): retry when it finishes");
  }
  return lock;
}

Status PostgresCatalog::BeginBulkLoad() {
  ASSIGN_OR_RETURN(auto lock, LockWriter());
  if (bulk_loading_) return Status::Ok();
  ASSIGN_OR_RETURN(bool fresh, writer_->EnsureConnected());
  (void)fresh;
  PgParams cap;
  cap.Int64(kBulkLoadMaxExistingRecords + 1);
  ASSIGN_OR_RETURN(PgResult count,
                   writer_->Query("SELECT count(*) FROM (SELECT 1 FROM "
                                  "file_records LIMIT $1) r",
                                  cap, "counting records before a bulk load"));
  // Dropping the index locks file_records for every worker: only when no
  // other worker holds a live lease (the importer holds one itself).
  ASSIGN_OR_RETURN(PgResult others,
                   writer_->Query(pgsql::kCountLiveLeases, PgParams(),
                                  "counting workers before a bulk load"));
  if (count.Int64(0, 0) <= kBulkLoadMaxExistingRecords &&
      others.Int64(0, 0) <= 1) {
    RETURN_IF_ERROR(SuspendIndexes(*writer_));
    indexes_suspended_ = true;
  }
  // The import's commits need not wait for their WAL flush: a server crash
  // can lose only the last batches, which the next scan adds again, and
  // EndBulkLoad's synchronous commits flush everything before them.
  RETURN_IF_ERROR(writer_->Exec("SET synchronous_commit = off",
                                "relaxing commits for a bulk load"));
  bulk_loading_ = true;
  return Status::Ok();
}

Status PostgresCatalog::EndBulkLoad() {
  ASSIGN_OR_RETURN(auto lock, LockWriter());
  if (!bulk_loading_) return Status::Ok();
  ASSIGN_OR_RETURN(bool fresh, writer_->EnsureConnected());
  (void)fresh;
  // Whatever happens next, this bulk load is over; a missing index is
  // rebuilt when a store next opens. Commits are synchronous again first:
  // the next one (the index, ANALYZE) flushes the import's WAL.
  bulk_loading_ = false;
  RETURN_IF_ERROR(writer_->Exec("RESET synchronous_commit",
                                "restoring commits after a bulk load"));
  if (indexes_suspended_) {
    indexes_suspended_ = false;
    RETURN_IF_ERROR(EnsureIndexes(*writer_));
  }
  // Autovacuum analyzes the import only a while later; until then the
  // planner takes the new repository for a handful of rows.
  return writer_->Exec("ANALYZE file_records",
                       "updating statistics after a bulk load");
}

Result<std::unique_ptr<CatalogTransaction>> PostgresCatalog::BeginTransaction(
    const WriteFence* fence) {
  ASSIGN_OR_RETURN(auto lock, LockWriter());
  ASSIGN_OR_RETURN(bool fresh, writer_->EnsureConnected());
  Status begun = writer_->Exec(pgsql::kBegin, "starting a write transaction");
  if (!begun.ok() && writer_->broken() && !fresh) {
    // The session died while idle; nothing was started, so start again.
    ASSIGN_OR_RETURN(fresh, writer_->EnsureConnected());
    begun = writer_->Exec(pgsql::kBegin, "starting a write transaction");
  }
  RETURN_IF_ERROR(begun);
  std::optional<WriteFence> fenced;
  if (fence != nullptr) {
    // Fail early without a lock; Commit checks again, locked.
    if (Status valid = CheckFence(*writer_, *fence, false); !valid.ok()) {
      if (!writer_->broken()) {
        (void)writer_->Exec(pgsql::kRollback, "rolling back a fenced write");
      }
      return valid;
    }
    fenced = *fence;
  }
  return std::unique_ptr<CatalogTransaction>(
      new PostgresTransaction(writer_.get(), std::move(lock), fenced));
}

Result<std::optional<Repository>> PostgresCatalog::FindRepository(
    std::string_view name) {
  return OnConnection(
      reader_mu_, *reader_,
      [&](PgConnection& conn) -> Result<std::optional<Repository>> {
        PgParams params;
        params.Text(name);
        ASSIGN_OR_RETURN(
            PgResult rows,
            conn.Query(pgsql::kFindRepository, params,
                       "finding repository '" + std::string(name) + "'"));
        if (rows.rows() == 0) return std::optional<Repository>();
        Repository repo;
        RETURN_IF_ERROR(ReadRepositoryRow(rows, 0, &repo));
        return std::optional<Repository>(std::move(repo));
      });
}

Result<std::vector<Repository>> PostgresCatalog::ListRepositories() {
  return OnConnection(
      reader_mu_, *reader_,
      [&](PgConnection& conn) -> Result<std::vector<Repository>> {
        ASSIGN_OR_RETURN(PgResult rows,
                         conn.Query(pgsql::kListRepositories, PgParams(),
                                    "listing repositories"));
        std::vector<Repository> out(static_cast<size_t>(rows.rows()));
        for (int i = 0; i < rows.rows(); ++i) {
          RETURN_IF_ERROR(ReadRepositoryRow(rows, i, &out[i]));
        }
        return out;
      });
}

Result<std::vector<FileRecord>> PostgresCatalog::ReadRecords(
    const RecordRange& range, size_t limit) {
  return OnConnection(
      reader_mu_, *reader_,
      [&](PgConnection& conn) -> Result<std::vector<FileRecord>> {
        std::vector<FileRecord> out;
        RETURN_IF_ERROR(PgReadRecords(conn, range, limit, &out));
        return out;
      });
}

Result<std::optional<FileRecord>> PostgresCatalog::FindRecord(
    int64_t repository_id, std::string_view path) {
  PgParams params;
  params.Int64(repository_id).Bytea(path);
  return OnConnection(
      reader_mu_, *reader_,
      [&](PgConnection& conn) -> Result<std::optional<FileRecord>> {
        std::vector<FileRecord> found;
        RETURN_IF_ERROR(PgCollectRecords(
            conn, pgsql::kFindRecord, params,
            "finding record '" + DisplayPath(path) + "'", &found));
        if (found.empty()) return std::optional<FileRecord>();
        return std::optional<FileRecord>(std::move(found.front()));
      });
}

Result<std::vector<FileRecord>> PostgresCatalog::FindRecordsByInode(
    int64_t repository_id, uint64_t device, uint64_t inode) {
  PgParams params;
  params.Int64(repository_id)
      .Int64(static_cast<int64_t>(inode))
      .Int64(static_cast<int64_t>(device));
  return OnConnection(
      reader_mu_, *reader_,
      [&](PgConnection& conn) -> Result<std::vector<FileRecord>> {
        std::vector<FileRecord> out;
        RETURN_IF_ERROR(PgCollectRecords(conn, pgsql::kFindRecordsByInode,
                                         params, "finding records by inode",
                                         &out));
        return out;
      });
}

Result<RepositoryTotals> PostgresCatalog::Totals(int64_t repository_id) {
  PgParams params;
  params.Int64(repository_id)
      .Text(RecordStateName(RecordState::kPresent))
      .Text(RecordStateName(RecordState::kMissing))
      .Text(RecordStateName(RecordState::kOffline));
  return OnConnection(reader_mu_, *reader_,
                      [&](PgConnection& conn) -> Result<RepositoryTotals> {
                        ASSIGN_OR_RETURN(PgResult row,
                                         conn.Query(pgsql::kTotals, params,
                                                    "counting records"));
                        RepositoryTotals totals;
                        totals.files = row.Int64(0, 0);
                        totals.bytes = row.Int64(0, 1);
                        totals.present = row.Int64(0, 2);
                        totals.missing = row.Int64(0, 3);
                        totals.offline = row.Int64(0, 4);
                        return totals;
                      });
}

Result<std::vector<SyncOperation>> PostgresCatalog::ListOperations(
    int64_t repository_id, size_t limit) {
  PgParams params;
  params.Int64(repository_id)
      .Int64(static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  return OnConnection(
      reader_mu_, *reader_,
      [&](PgConnection& conn) -> Result<std::vector<SyncOperation>> {
        ASSIGN_OR_RETURN(
            PgResult rows,
            conn.Query(pgsql::kListOperations, params, "listing operations"));
        std::vector<SyncOperation> out(static_cast<size_t>(rows.rows()));
        for (int i = 0; i < rows.rows(); ++i) {
          RETURN_IF_ERROR(ReadOperationRow(rows, i, &out[i]));
        }
        return out;
      });
}

}  // namespace

Result<std::unique_ptr<CatalogStore>> OpenPostgresCatalog(
    const std::string& url, const PostgresCatalogOptions& options) {
  ASSIGN_OR_RETURN(PostgresTarget target, ParsePostgresUrl(url));
  ASSIGN_OR_RETURN(auto writer, PgConnection::Open(target, options,
                                                   std::string(kWriterSession) +
                                                       pgsql::kCreateStaging));
  ASSIGN_OR_RETURN(int version, MigrateSchema(*writer));
  // A bulk load cut short by a crash leaves its suspended index missing.
  // Another worker may be in the middle of one: then it rebuilds the index
  // itself, and reads are correct without it meanwhile.
  if (Status s = EnsureIndexes(*writer); !s.ok() && !s.IsUnavailable()) {
    return s;
  }
  ASSIGN_OR_RETURN(auto reader,
                   PgConnection::Open(target, options, kReaderSession));
  auto leases = PgConnection::Deferred(target, options, "");
  return std::unique_ptr<CatalogStore>(
      new PostgresCatalog(options, std::move(writer), std::move(reader),
                          std::move(leases), version));
}

}  // namespace tidemark
