// MemoryCatalog: an in-memory CatalogStore for tests of the catalog's callers.
//
// It passes the same contract suite as the SQLite store (tests/catalog):
// records of a repository are kept in a std::map keyed by path bytes, so reads
// come back in the same unsigned byte order; one transaction at a time may be
// open (Begin waits up to 5 s for the previous one, then Unavailable), and it
// buffers its writes, which Commit applies all at once. A failed call leaves
// the transaction as it was before the call; a transaction destroyed without
// Commit changes nothing.
//
// Fault injection: FailCommitsAfter makes later commits fail and apply
// nothing; SetUnavailable makes Begin and every read return Unavailable, like
// a locked or unreachable database. rows_written() counts what commits did.
//
// Leases follow the contract: a takeover (AcquireLease) waits for the open
// transaction, and a fenced Begin checks the committed token.
//
// Entities are kept by id per repository; a transaction's ReadRecords and
// ListEntities see its own pending writes merged over the committed state.
//
// Thread-safe: reads may run on any thread while a transaction is open on
// another. Transactions must not outlive the catalog.
#ifndef TIDEMARK_TESTS_FAKES_MEMORY_CATALOG_H_
#define TIDEMARK_TESTS_FAKES_MEMORY_CATALOG_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "catalog/catalog_store.h"
#include "common/clock.h"

namespace tidemark {

class MemoryCatalog final : public CatalogStore {
 public:
  // Lease times come from `clock` (null: the system clock), which must
  // outlive the catalog.
  explicit MemoryCatalog(Clock* clock = nullptr);
  MemoryCatalog(const MemoryCatalog&) = delete;
  MemoryCatalog& operator=(const MemoryCatalog&) = delete;

  // The first `n` commits from now on succeed; every later one fails with
  // `status` and applies nothing. A negative `n` turns this off.
  void FailCommitsAfter(int n, Status status);
  // While true, Begin and every read return Unavailable.
  void SetUnavailable(bool unavailable);
  // Records inserted + updated + removed (by RemoveRecords) by successful
  // commits. Records that DeleteRepository cascades away are not counted.
  int64_t rows_written() const;

  int SchemaVersion() const override;
  Result<Lease> RenewLease(const WriteFence& fence, int64_t ttl_ms) override;
  Status ReleaseLease(const WriteFence& fence) override;
  Result<std::vector<Lease>> ListLeases() override;
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
  Result<std::vector<Entity>> ListEntities(const EntityQuery& q) override;
  Result<RepositoryTotals> Totals(int64_t repository_id) override;
  Result<std::vector<SyncOperation>> ListOperations(int64_t repository_id,
                                                    size_t limit) override;
  Result<std::vector<WatchStatus>> ListWatchStatuses() override;
  Result<std::vector<SyncRequest>> ListRequests(int64_t repository_id,
                                                bool pending_only) override;
  Result<std::optional<SyncRequest>> FindRequest(int64_t id) override;

  // What is committed. Public so the transaction (in the .cc) can name it;
  // not part of the test-facing API.
  struct RepositoryData {
    Repository repo;
    std::map<std::string, FileRecord, std::less<>> records;  // by path bytes
    std::map<int64_t, SyncOperation> operations;             // by id
    std::optional<Lease> lease;  // goes with the repository, like a cascade
    std::optional<WatchStatus> watch;         // likewise
    std::map<int64_t, SyncRequest> requests;  // by id; likewise
    std::map<int64_t, Entity> entities;       // by id; likewise
    // (kind, key) -> id of every entity in `entities`.
    std::map<std::pair<std::string, std::string>, int64_t> entity_keys;
  };
  struct State {
    std::map<int64_t, RepositoryData> repositories;  // by id
    std::map<std::string, int64_t, std::less<>> names;
    // id -> (repository id, path) of every committed record.
    std::unordered_map<int64_t, std::pair<int64_t, std::string>> record_ids;
    // operation id -> repository id.
    std::unordered_map<int64_t, int64_t> operation_ids;
    // request id -> repository id.
    std::unordered_map<int64_t, int64_t> request_ids;
    // entity id -> repository id.
    std::unordered_map<int64_t, int64_t> entity_ids;
  };

 protected:
  Result<std::unique_ptr<CatalogTransaction>> BeginTransaction(
      const WriteFence* fence) override;
  Result<LeaseAcquisition> ClaimLease(int64_t repository_id,
                                      const LeaseClaim& claim,
                                      int64_t ttl_ms) override;

 private:
  friend class MemoryTransaction;

  Status CheckAvailable() const;
  // The committed lease of `fence`'s repository, checked under mu_.
  Status CheckFenceLocked(const WriteFence& fence) const;

  // Held by a transaction from Begin until Commit or destruction.
  std::timed_mutex writer_mu_;
  Clock& clock_;
  mutable std::mutex mu_;  // guards everything below
  State state_;
  int64_t next_id_ = 1;           // ids for records, repositories, operations,
                                  // requests and entities
  int64_t last_lease_token_ = 0;  // the catalog-wide token counter
  int commits_allowed_ = -1;
  Status commit_failure_;
  bool unavailable_ = false;
  int64_t rows_written_ = 0;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_MEMORY_CATALOG_H_
