// FailingCatalog: wraps any CatalogStore and makes chosen commits fail, for
// tests of callers that must undo their storage work when the catalog write
// fails (the consistent writes). Everything else is passed through.
//
// FailCommits(match, status, times) fails the next `times` commits (-1: all)
// whose writes `match` accepts: the wrapped transaction is dropped without
// committing (so nothing is applied) and Commit returns `status`. The match
// sees what the transaction wrote to records and operations.
//
// The wrapped store must outlive this. Thread-safe like the wrapped store;
// configure before use.
#ifndef TIDEMARK_TESTS_FAKES_FAILING_CATALOG_H_
#define TIDEMARK_TESTS_FAKES_FAILING_CATALOG_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_store.h"

namespace tidemark {

// What one transaction wrote, as its Commit is about to apply it.
struct CommitSummary {
  std::vector<FileRecord> inserted;
  std::vector<FileRecord> updated;
  std::vector<RecordKey> removed;
  int operations = 0;  // operation rows inserted or updated

  bool writes_records() const {
    return !inserted.empty() || !updated.empty() || !removed.empty();
  }
};

class FailingCatalog final : public CatalogStore {
 public:
  using Match = std::function<bool(const CommitSummary&)>;

  explicit FailingCatalog(CatalogStore& base) : base_(base) {}

  void FailCommits(Match match, Status status, int times = -1);
  // Stops failing commits.
  void Clear();
  // Commits failed so far.
  int failures() const { return failures_.load(); }

  // Called by the transaction's Commit: the status to fail it with, if any.
  std::optional<Status> ShouldFail(const CommitSummary& summary);

  int SchemaVersion() const override { return base_.SchemaVersion(); }
  Result<Lease> RenewLease(const WriteFence& fence, int64_t ttl_ms) override {
    return base_.RenewLease(fence, ttl_ms);
  }
  Status ReleaseLease(const WriteFence& fence) override {
    return base_.ReleaseLease(fence);
  }
  Result<std::vector<Lease>> ListLeases() override {
    return base_.ListLeases();
  }
  Result<std::optional<Repository>> FindRepository(
      std::string_view name) override {
    return base_.FindRepository(name);
  }
  Result<std::vector<Repository>> ListRepositories() override {
    return base_.ListRepositories();
  }
  Result<std::vector<FileRecord>> ReadRecords(const RecordRange& range,
                                              size_t limit) override {
    return base_.ReadRecords(range, limit);
  }
  Result<std::optional<FileRecord>> FindRecord(int64_t repository_id,
                                               std::string_view path) override {
    return base_.FindRecord(repository_id, path);
  }
  Result<std::vector<FileRecord>> FindRecordsByInode(int64_t repository_id,
                                                     uint64_t device,
                                                     uint64_t inode) override {
    return base_.FindRecordsByInode(repository_id, device, inode);
  }
  Result<std::vector<Entity>> ListEntities(const EntityQuery& q) override {
    return base_.ListEntities(q);
  }
  Result<RepositoryTotals> Totals(int64_t repository_id) override {
    return base_.Totals(repository_id);
  }
  Result<std::vector<SyncOperation>> ListOperations(int64_t repository_id,
                                                    size_t limit) override {
    return base_.ListOperations(repository_id, limit);
  }
  Result<std::vector<WatchStatus>> ListWatchStatuses() override {
    return base_.ListWatchStatuses();
  }
  Result<std::vector<SyncRequest>> ListRequests(int64_t repository_id,
                                                bool pending_only) override {
    return base_.ListRequests(repository_id, pending_only);
  }
  Result<std::optional<SyncRequest>> FindRequest(int64_t id) override {
    return base_.FindRequest(id);
  }
  Status BeginBulkLoad() override { return base_.BeginBulkLoad(); }
  Status EndBulkLoad() override { return base_.EndBulkLoad(); }

 protected:
  Result<LeaseAcquisition> ClaimLease(int64_t repository_id,
                                      const LeaseClaim& claim,
                                      int64_t ttl_ms) override {
    return base_.AcquireLease(repository_id, claim, ttl_ms);
  }
  Result<std::unique_ptr<CatalogTransaction>> BeginTransaction(
      const WriteFence* fence) override;

 private:
  CatalogStore& base_;
  std::mutex mu_;  // guards the three below
  Match match_;
  Status status_;
  int remaining_ = 0;
  std::atomic<int> failures_{0};
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_FAILING_CATALOG_H_
