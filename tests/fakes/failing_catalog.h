// FailingCatalog: wraps any CatalogStore and makes chosen commits fail, for
// tests of callers that must undo their storage work when the catalog write
// fails (the consistent writes). Everything else is passed through
// (CatalogStoreWrapper).
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
#include "fakes/catalog_store_wrapper.h"

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

class FailingCatalog final : public CatalogStoreWrapper {
 public:
  using Match = std::function<bool(const CommitSummary&)>;

  explicit FailingCatalog(CatalogStore& base) : CatalogStoreWrapper(base) {}

  void FailCommits(Match match, Status status, int times = -1);
  // Stops failing commits.
  void Clear();
  // Commits failed so far.
  int failures() const { return failures_.load(); }

  // Called by the transaction's Commit: the status to fail it with, if any.
  std::optional<Status> ShouldFail(const CommitSummary& summary);

 protected:
  Result<std::unique_ptr<CatalogTransaction>> BeginTransaction(
      const WriteFence* fence) override;

 private:
  std::mutex mu_;  // guards the three below
  Match match_;
  Status status_;
  int remaining_ = 0;
  std::atomic<int> failures_{0};
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_FAILING_CATALOG_H_
