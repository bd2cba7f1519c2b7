#include "fakes/failing_catalog.h"

#include <utility>

namespace tidemark {
namespace {

// Passes every call through and notes the record writes for the Commit.
class FailingTransaction final : public CatalogTransaction {
 public:
  FailingTransaction(FailingCatalog& owner,
                     std::unique_ptr<CatalogTransaction> base)
      : owner_(owner), base_(std::move(base)) {}

  Status InsertRecords(std::span<FileRecord> records) override {
    RETURN_IF_ERROR(base_->InsertRecords(records));
    summary_.inserted.insert(summary_.inserted.end(), records.begin(),
                             records.end());
    return Status::Ok();
  }
  Status UpdateRecords(std::span<const FileRecord> records) override {
    RETURN_IF_ERROR(base_->UpdateRecords(records));
    summary_.updated.insert(summary_.updated.end(), records.begin(),
                            records.end());
    return Status::Ok();
  }
  Result<int64_t> RemoveRecords(std::span<const RecordKey> keys) override {
    ASSIGN_OR_RETURN(int64_t removed, base_->RemoveRecords(keys));
    summary_.removed.insert(summary_.removed.end(), keys.begin(), keys.end());
    return removed;
  }
  Result<std::vector<FileRecord>> ReadRecords(const RecordRange& range,
                                              size_t limit) override {
    return base_->ReadRecords(range, limit);
  }
  Status UpsertEntities(std::span<Entity> entities) override {
    return base_->UpsertEntities(entities);
  }
  Status SetEntityBusiness(int64_t id, std::string_view business_json,
                           int64_t updated_at_ns) override {
    return base_->SetEntityBusiness(id, business_json, updated_at_ns);
  }
  Result<int64_t> DeleteEntities(std::span<const int64_t> ids) override {
    return base_->DeleteEntities(ids);
  }
  Result<std::vector<Entity>> ListEntities(const EntityQuery& q) override {
    return base_->ListEntities(q);
  }
  Result<int64_t> InsertRepository(const Repository& repo) override {
    return base_->InsertRepository(repo);
  }
  Status UpdateRepository(const Repository& repo) override {
    return base_->UpdateRepository(repo);
  }
  Status SetRepositoryDetached(int64_t repository_id, bool detached) override {
    return base_->SetRepositoryDetached(repository_id, detached);
  }
  Status DeleteRepository(int64_t repository_id) override {
    return base_->DeleteRepository(repository_id);
  }
  Result<int64_t> InsertOperation(const SyncOperation& op) override {
    ++summary_.operations;
    return base_->InsertOperation(op);
  }
  Status UpdateOperation(const SyncOperation& op) override {
    ++summary_.operations;
    return base_->UpdateOperation(op);
  }
  Status PutWatchStatus(const WatchStatus& s) override {
    return base_->PutWatchStatus(s);
  }
  Result<int64_t> InsertRequest(const SyncRequest& r) override {
    return base_->InsertRequest(r);
  }
  Status UpdateRequest(const SyncRequest& r) override {
    return base_->UpdateRequest(r);
  }
  Status Commit() override {
    if (std::optional<Status> failure = owner_.ShouldFail(summary_)) {
      base_.reset();  // rolls back
      return *failure;
    }
    return base_->Commit();
  }

 private:
  FailingCatalog& owner_;
  std::unique_ptr<CatalogTransaction> base_;
  CommitSummary summary_;
};

}  // namespace

void FailingCatalog::FailCommits(Match match, Status status, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  match_ = std::move(match);
  status_ = std::move(status);
  remaining_ = times;
}

void FailingCatalog::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  match_ = nullptr;
  remaining_ = 0;
}

std::optional<Status> FailingCatalog::ShouldFail(const CommitSummary& summary) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!match_ || remaining_ == 0 || !match_(summary)) return std::nullopt;
  if (remaining_ > 0) --remaining_;
  ++failures_;
  return status_;
}

Result<std::unique_ptr<CatalogTransaction>> FailingCatalog::BeginTransaction(
    const WriteFence* fence) {
  Result<std::unique_ptr<CatalogTransaction>> base =
      fence != nullptr ? base_.Begin(*fence) : base_.Begin();
  if (!base.ok()) return base.status();
  return std::unique_ptr<CatalogTransaction>(
      std::make_unique<FailingTransaction>(*this, std::move(base).value()));
}

}  // namespace tidemark
