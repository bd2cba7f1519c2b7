#include "fakes/failing_catalog.h"

#include <utility>

namespace tidemark {
namespace {

// Passes every call through and notes the record writes for the Commit.
class FailingTransaction final : public CatalogTransactionWrapper {
 public:
  FailingTransaction(FailingCatalog& owner,
                     std::unique_ptr<CatalogTransaction> base)
      : CatalogTransactionWrapper(std::move(base)), owner_(owner) {}

  Status InsertRecords(std::span<FileRecord> records) override {
    RETURN_IF_ERROR(CatalogTransactionWrapper::InsertRecords(records));
    summary_.inserted.insert(summary_.inserted.end(), records.begin(),
                             records.end());
    return Status::Ok();
  }
  Status UpdateRecords(std::span<const FileRecord> records) override {
    RETURN_IF_ERROR(CatalogTransactionWrapper::UpdateRecords(records));
    summary_.updated.insert(summary_.updated.end(), records.begin(),
                            records.end());
    return Status::Ok();
  }
  Result<int64_t> RemoveRecords(std::span<const RecordKey> keys) override {
    ASSIGN_OR_RETURN(int64_t removed,
                     CatalogTransactionWrapper::RemoveRecords(keys));
    summary_.removed.insert(summary_.removed.end(), keys.begin(), keys.end());
    return removed;
  }
  Result<int64_t> InsertOperation(const SyncOperation& op) override {
    ++summary_.operations;
    return CatalogTransactionWrapper::InsertOperation(op);
  }
  Status UpdateOperation(const SyncOperation& op) override {
    ++summary_.operations;
    return CatalogTransactionWrapper::UpdateOperation(op);
  }
  Status Commit() override {
    if (std::optional<Status> failure = owner_.ShouldFail(summary_)) {
      Abandon();  // rolls back
      return *failure;
    }
    return CatalogTransactionWrapper::Commit();
  }

 private:
  FailingCatalog& owner_;
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
  ASSIGN_OR_RETURN(std::unique_ptr<CatalogTransaction> base,
                   CatalogStoreWrapper::BeginTransaction(fence));
  return std::unique_ptr<CatalogTransaction>(
      std::make_unique<FailingTransaction>(*this, std::move(base)));
}

}  // namespace tidemark
