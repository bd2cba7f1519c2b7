// CatalogStore: the seam between tidemark and the database that holds the
// catalog: SqliteCatalog when embedded, PostgresCatalog in production (and
// the in-memory fake of the tests).
//
// A store owns its connection(s). Opening a store applies the versioned schema
// migrations (catalog/migrations.h); a database whose schema is newer than the
// binary knows fails with FailedPrecondition.
//
// Reads are methods on the store, each its own consistent snapshot. Writes
// happen only inside a CatalogTransaction, and only the sync Gateway opens
// transactions (see sync/gateway.h): no other code writes the catalog.
//
// Besides the catalog proper, the store keeps what the real-time daemon
// shares with other processes (on other machines too, with PostgreSQL): the
// watch status of each repository it holds, and a mailbox of sync requests
// that any process may leave for the daemon holding a repository's lease.
// They are written in ordinary (fenced or unfenced) transactions.
//
// Error codes: NotFound (unknown repository), AlreadyExists (duplicate name or
// path), Unavailable (database locked or unreachable; retry may succeed),
// PermissionDenied (read-only database file or refused credentials), DataLoss
// (not a database or corrupt), FailedPrecondition (schema version mismatch),
// Aborted (a fenced write whose lease was lost).
//
// Leases: at most one holder syncs a repository at a time. The holder takes
// the lease with AcquireLease, renews it before it expires, and opens every
// write for that repository with Begin(fence). A fenced Begin fails with
// Aborted once another holder has taken the lease, and no fenced
// transaction commits after a takeover: either the takeover waits for it
// (SQLite, the fake), or its Commit fails Aborted and applies nothing
// (PostgreSQL, which checks the fence at COMMIT so that a stalled holder
// cannot hold up a takeover).
//
// Thread-safety: a store is thread-safe; reads may run while a transaction is
// open on another thread. A transaction is used by one thread.
#ifndef TIDEMARK_CATALOG_CATALOG_STORE_H_
#define TIDEMARK_CATALOG_CATALOG_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/records.h"
#include "common/result.h"
#include "common/status.h"

namespace tidemark {

// A slice of one repository's records in path byte order.
struct RecordRange {
  int64_t repository_id = 0;
  // Only paths in this scope: equal to it or below it ("" = all).
  std::string scope;
  // When set, only paths strictly greater than this (keyset paging).
  std::optional<std::string> after;
};

class CatalogTransaction {
 public:
  // Destroying an uncommitted transaction rolls it back.
  virtual ~CatalogTransaction() = default;

  // Inserts new records and writes their assigned ids back into `records`.
  // AlreadyExists if a (repository, path) is taken.
  virtual Status InsertRecords(std::span<FileRecord> records) = 0;

  // Rewrites records by id, all fields including path (a move).
  // NotFound if an id does not exist.
  virtual Status UpdateRecords(std::span<const FileRecord> records) = 0;

  // Removes each record whose id still has the given path; returns how many
  // were removed. A key that no longer matches is skipped, not an error.
  virtual Result<int64_t> RemoveRecords(std::span<const RecordKey> keys) = 0;

  // Up to `limit` records of `range` as this transaction sees them (its own
  // writes included), ascending by path bytes: for recomputing entities in
  // the transaction that changed their files.
  virtual Result<std::vector<FileRecord>> ReadRecords(const RecordRange& range,
                                                      size_t limit) = 0;

  // Entities (records.h). UpsertEntities inserts each entity whose
  // (repository_id, kind, key) is new and rewrites the one that exists;
  // either way the entity's id is written back. A rewrite keeps id,
  // created_at_ns and business_json and sets every other field as given
  // (deleted_at_ns too: 0 brings a soft-deleted entity back). NotFound for
  // an unknown repository or parent_id.
  virtual Status UpsertEntities(std::span<Entity> entities) = 0;
  // Sets only business_json (and updated_at_ns) of entity `id`. NotFound if
  // absent.
  virtual Status SetEntityBusiness(int64_t id, std::string_view business_json,
                                   int64_t updated_at_ns) = 0;
  // Hard-deletes the entities of `ids` and their descendants; returns how
  // many rows went. Unknown ids are skipped.
  virtual Result<int64_t> DeleteEntities(std::span<const int64_t> ids) = 0;
  // ListEntities as this transaction sees them.
  virtual Result<std::vector<Entity>> ListEntities(const EntityQuery& q) = 0;

  // Inserts a repository and returns its id. AlreadyExists for a taken name.
  virtual Result<int64_t> InsertRepository(const Repository& repo) = 0;
  // Rewrites a repository by id (url, options, state, reason, generations,
  // updated_at). NotFound if absent.
  virtual Status UpdateRepository(const Repository& repo) = 0;
  // Sets only the detached flag, which UpdateRepository leaves alone, so a
  // lease holder rewriting its repository never undoes a detach made by
  // another process. NotFound for an unknown id.
  virtual Status SetRepositoryDetached(int64_t repository_id,
                                       bool detached) = 0;
  // Deletes a repository with its records, entities, operations, lease,
  // watch status and requests. NotFound if absent.
  virtual Status DeleteRepository(int64_t repository_id) = 0;

  // Inserts an operation row and returns its id.
  virtual Result<int64_t> InsertOperation(const SyncOperation& op) = 0;
  // Rewrites an operation by id. NotFound if absent.
  virtual Status UpdateOperation(const SyncOperation& op) = 0;

  // Writes the watch status of s.repository_id, replacing the one before
  // (every field as given). NotFound for an unknown repository.
  virtual Status PutWatchStatus(const WatchStatus& s) = 0;

  // Adds a request to the mailbox and returns its id (r.id is ignored).
  // NotFound for an unknown repository.
  virtual Result<int64_t> InsertRequest(const SyncRequest& r) = 0;
  // Rewrites what happened to request r.id: taken_at_ns, taken_by,
  // operation_id and finished_at_ns (the rest stays as inserted). NotFound
  // when there is no such request.
  virtual Status UpdateRequest(const SyncRequest& r) = 0;

  // Makes every change visible at once. After an error nothing was applied.
  virtual Status Commit() = 0;
};

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  // The schema version this store is at after its migrations.
  virtual int SchemaVersion() const = 0;

  // Starts a write transaction. Unavailable when another writer holds the
  // database past the busy timeout.
  Result<std::unique_ptr<CatalogTransaction>> Begin() {
    return BeginTransaction(nullptr);
  }
  // Starts a write transaction fenced by a lease (see above). Aborted if the
  // lease of fence.repository_id no longer has fence.token.
  Result<std::unique_ptr<CatalogTransaction>> Begin(const WriteFence& fence) {
    return BeginTransaction(&fence);
  }

  // Leases (see above). AcquireLease takes the lease for claim.holder when
  // it is free, released or expired (or live with the token
  // claim.gone_holder_token), with a new token, and stores claim.process
  // with it; otherwise it reports the live holder. It never extends a live
  // lease, not even the caller's own. NotFound for an unknown repository.
  // ttl_ms must be positive.
  Result<LeaseAcquisition> AcquireLease(int64_t repository_id,
                                        const LeaseClaim& claim,
                                        int64_t ttl_ms) {
    return ClaimLease(repository_id, claim, ttl_ms);
  }
  // A claim by `holder` with no process identity: only expiry frees it.
  Result<LeaseAcquisition> AcquireLease(int64_t repository_id,
                                        std::string_view holder,
                                        int64_t ttl_ms) {
    return ClaimLease(repository_id, LeaseClaim{std::string(holder), {}, 0},
                      ttl_ms);
  }
  // Extends the lease to now + ttl_ms if it still has fence.token (also if
  // it expired meanwhile and nobody took it). Aborted when it was taken.
  virtual Result<Lease> RenewLease(const WriteFence& fence, int64_t ttl_ms) = 0;
  // Releases the lease if it still has fence.token; otherwise does nothing.
  virtual Status ReleaseLease(const WriteFence& fence) = 0;
  // Every lease row, live or not, ascending by repository id.
  virtual Result<std::vector<Lease>> ListLeases() = 0;

  // Repositories.
  virtual Result<std::optional<Repository>> FindRepository(
      std::string_view name) = 0;
  virtual Result<std::vector<Repository>> ListRepositories() = 0;

  // Up to `limit` records of `range`, ascending by path bytes.
  virtual Result<std::vector<FileRecord>> ReadRecords(const RecordRange& range,
                                                      size_t limit) = 0;
  // One record by exact path, or nullopt.
  virtual Result<std::optional<FileRecord>> FindRecord(
      int64_t repository_id, std::string_view path) = 0;
  // Records carrying this device+inode fingerprint (move detection).
  virtual Result<std::vector<FileRecord>> FindRecordsByInode(
      int64_t repository_id, uint64_t device, uint64_t inode) = 0;
  // Entities matching `q` (records.h), ascending by id.
  virtual Result<std::vector<Entity>> ListEntities(const EntityQuery& q) = 0;

  // Counts and bytes of one repository's records.
  virtual Result<RepositoryTotals> Totals(int64_t repository_id) = 0;

  // Newest first, at most `limit`.
  virtual Result<std::vector<SyncOperation>> ListOperations(
      int64_t repository_id, size_t limit) = 0;

  // Every watch status row, ascending by repository id.
  virtual Result<std::vector<WatchStatus>> ListWatchStatuses() = 0;

  // Requests of `repository_id` (0: of every repository), ascending by id;
  // with `pending_only`, only those not taken yet (taken_at_ns == 0).
  virtual Result<std::vector<SyncRequest>> ListRequests(int64_t repository_id,
                                                        bool pending_only) = 0;
  // One request by id, or nullopt.
  virtual Result<std::optional<SyncRequest>> FindRequest(int64_t id) = 0;

  // A number that differs from the previous call's whenever a write was
  // committed to the catalog in between, by this process or another one.
  // Read caches compare it to tell whether what they keep may be stale.
  // The default (a store that cannot tell cheaply) is Unavailable, and
  // then nothing may be cached.
  virtual Result<int64_t> ChangeStamp() {
    return Status::Unavailable("this catalog has no change stamp");
  }

  // Hints around a first import into an empty repository. Between them a
  // store may suspend secondary indexes (the inode lookup) and rebuild them
  // in EndBulkLoad, which costs far less than maintaining them row by row.
  // Every read stays correct meanwhile, if slower. A BeginBulkLoad that
  // returned ok must be followed by EndBulkLoad, also after failures; a
  // crash in between is repaired when the store next opens. These write, so
  // only the Gateway calls them. The defaults do nothing.
  virtual Status BeginBulkLoad() { return Status::Ok(); }
  virtual Status EndBulkLoad() { return Status::Ok(); }

 protected:
  // `fence` is null for an unfenced transaction.
  virtual Result<std::unique_ptr<CatalogTransaction>> BeginTransaction(
      const WriteFence* fence) = 0;
  // AcquireLease.
  virtual Result<LeaseAcquisition> ClaimLease(int64_t repository_id,
                                              const LeaseClaim& claim,
                                              int64_t ttl_ms) = 0;
};

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_CATALOG_STORE_H_
