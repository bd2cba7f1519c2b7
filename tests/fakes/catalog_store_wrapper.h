// CatalogStoreWrapper and CatalogTransactionWrapper: a CatalogStore and a
// CatalogTransaction that forward every call to another one, as leveldb's
// EnvWrapper does for Env. A test wrapper derives from them and overrides
// only the calls it changes (a failing commit, a hook after a read), so it
// need not forward the rest by hand and stays correct when the seam grows.
//
// A CatalogStoreWrapper borrows its target, which must outlive it; its
// transactions are the target's own unless a subclass overrides
// BeginTransaction (and typically wraps them in a CatalogTransactionWrapper,
// which owns the transaction it wraps). Thread-safe as far as the target
// is; a subclass adds its own rules.
#ifndef TIDEMARK_TESTS_FAKES_CATALOG_STORE_WRAPPER_H_
#define TIDEMARK_TESTS_FAKES_CATALOG_STORE_WRAPPER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/catalog_store.h"

namespace tidemark {

class CatalogStoreWrapper : public CatalogStore {
 public:
  explicit CatalogStoreWrapper(CatalogStore& target) : target_(target) {}

  CatalogStore& target() const { return target_; }

  int SchemaVersion() const override { return target_.SchemaVersion(); }
  Result<Lease> RenewLease(const WriteFence& fence, int64_t ttl_ms) override {
    return target_.RenewLease(fence, ttl_ms);
  }
  Status ReleaseLease(const WriteFence& fence) override {
    return target_.ReleaseLease(fence);
  }
  Result<std::vector<Lease>> ListLeases() override {
    return target_.ListLeases();
  }
  Result<std::optional<Repository>> FindRepository(
      std::string_view name) override {
    return target_.FindRepository(name);
  }
  Result<std::vector<Repository>> ListRepositories() override {
    return target_.ListRepositories();
  }
  Result<std::vector<FileRecord>> ReadRecords(const RecordRange& range,
                                              size_t limit) override {
    return target_.ReadRecords(range, limit);
  }
  Result<std::optional<FileRecord>> FindRecord(int64_t repository_id,
                                               std::string_view path) override {
    return target_.FindRecord(repository_id, path);
  }
  Result<std::vector<FileRecord>> FindRecordsByInode(int64_t repository_id,
                                                     uint64_t device,
                                                     uint64_t inode) override {
    return target_.FindRecordsByInode(repository_id, device, inode);
  }
  Result<std::vector<Entity>> ListEntities(const EntityQuery& q) override {
    return target_.ListEntities(q);
  }
  Result<RepositoryTotals> Totals(int64_t repository_id) override {
    return target_.Totals(repository_id);
  }
  Result<std::vector<SyncOperation>> ListOperations(int64_t repository_id,
                                                    size_t limit) override {
    return target_.ListOperations(repository_id, limit);
  }
  Result<std::vector<WatchStatus>> ListWatchStatuses() override {
    return target_.ListWatchStatuses();
  }
  Result<std::vector<SyncRequest>> ListRequests(int64_t repository_id,
                                                bool pending_only) override {
    return target_.ListRequests(repository_id, pending_only);
  }
  Result<std::optional<SyncRequest>> FindRequest(int64_t id) override {
    return target_.FindRequest(id);
  }
  Result<int64_t> ChangeStamp() override { return target_.ChangeStamp(); }
  Status BeginBulkLoad() override { return target_.BeginBulkLoad(); }
  Status EndBulkLoad() override { return target_.EndBulkLoad(); }

 protected:
  Result<std::unique_ptr<CatalogTransaction>> BeginTransaction(
      const WriteFence* fence) override {
    return fence != nullptr ? target_.Begin(*fence) : target_.Begin();
  }
  Result<LeaseAcquisition> ClaimLease(int64_t repository_id,
                                      const LeaseClaim& claim,
                                      int64_t ttl_ms) override {
    return target_.AcquireLease(repository_id, claim, ttl_ms);
  }

 private:
  CatalogStore& target_;
};

class CatalogTransactionWrapper : public CatalogTransaction {
 public:
  explicit CatalogTransactionWrapper(std::unique_ptr<CatalogTransaction> target)
      : target_(std::move(target)) {}

  Status InsertRecords(std::span<FileRecord> records) override {
    return target_->InsertRecords(records);
  }
  Status UpdateRecords(std::span<const FileRecord> records) override {
    return target_->UpdateRecords(records);
  }
  Result<int64_t> RemoveRecords(std::span<const RecordKey> keys) override {
    return target_->RemoveRecords(keys);
  }
  Result<std::vector<FileRecord>> ReadRecords(const RecordRange& range,
                                              size_t limit) override {
    return target_->ReadRecords(range, limit);
  }
  Status UpsertEntities(std::span<Entity> entities) override {
    return target_->UpsertEntities(entities);
  }
  Status SetEntityBusiness(int64_t id, std::string_view business_json,
                           int64_t updated_at_ns) override {
    return target_->SetEntityBusiness(id, business_json, updated_at_ns);
  }
  Result<int64_t> DeleteEntities(std::span<const int64_t> ids) override {
    return target_->DeleteEntities(ids);
  }
  Result<std::vector<Entity>> ListEntities(const EntityQuery& q) override {
    return target_->ListEntities(q);
  }
  Result<int64_t> InsertRepository(const Repository& repo) override {
    return target_->InsertRepository(repo);
  }
  Status UpdateRepository(const Repository& repo) override {
    return target_->UpdateRepository(repo);
  }
  Status SetRepositoryDetached(int64_t repository_id, bool detached) override {
    return target_->SetRepositoryDetached(repository_id, detached);
  }
  Status DeleteRepository(int64_t repository_id) override {
    return target_->DeleteRepository(repository_id);
  }
  Result<int64_t> InsertOperation(const SyncOperation& op) override {
    return target_->InsertOperation(op);
  }
  Status UpdateOperation(const SyncOperation& op) override {
    return target_->UpdateOperation(op);
  }
  Status PutWatchStatus(const WatchStatus& s) override {
    return target_->PutWatchStatus(s);
  }
  Result<int64_t> InsertRequest(const SyncRequest& r) override {
    return target_->InsertRequest(r);
  }
  Status UpdateRequest(const SyncRequest& r) override {
    return target_->UpdateRequest(r);
  }
  Status Commit() override { return target_->Commit(); }

 protected:
  // Rolls the transaction back: it is dropped without a commit.
  void Abandon() { target_.reset(); }

 private:
  std::unique_ptr<CatalogTransaction> target_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_CATALOG_STORE_WRAPPER_H_
