// The fixture of the check and repair suites: BackendCatalogTest (one
// storage backend and one catalog store, every real and fake combination, a
// Gateway, and a repository "repo" over the backend), with helpers to seed
// the catalog by a scan, to check, and to snapshot both sides. One fixture
// per test; not thread-safe.
#ifndef TIDEMARK_TESTS_CHECK_CHECK_FIXTURE_H_
#define TIDEMARK_TESTS_CHECK_CHECK_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "check/drift.h"
#include "sync/reconciler.h"
#include "testing/backend_catalog_fixture.h"

namespace tidemark {

// What a record or an object is, for before/after comparisons.
struct Snapshot {
  std::map<std::string, std::string> records;  // path -> fields
  std::map<std::string, std::string> objects;  // path -> size/mtime/inode
  std::vector<int64_t> operations;             // ids, newest first

  bool operator==(const Snapshot&) const = default;
};

class CheckFixture : public BackendCatalogTest {
 protected:
  // A full scan: the catalog then matches storage.
  void Scan() {
    Reconciler reconciler(*backend_, *store_, *gateway_);
    ReconcileOptions options;
    options.type = OperationType::kOnDemand;
    auto report = reconciler.Run(repo_, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_EQ(report->operation.status, OperationStatus::kCompleted)
        << report->operation.error_message;
  }

  Result<DriftReport> Check(const DriftOptions& options = {}) {
    return CheckDrift(*backend_, *store_, repo_, options);
  }
  // A check that must succeed.
  DriftReport MustCheck(const DriftOptions& options = {}) {
    auto report = Check(options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? std::move(report).value() : DriftReport{};
  }

  Snapshot Snap() {
    Snapshot s;
    for (const auto& [path, r] : Records()) {
      s.records[path] = std::to_string(r.id) + "/" + std::to_string(r.size) +
                        "/" + std::to_string(r.mtime_ns) + "/" +
                        std::to_string(r.inode) + "/" + r.content_hash + "/" +
                        std::string(RecordStateName(r.state));
    }
    auto listing = backend_->List({});
    EXPECT_TRUE(listing.ok());
    if (listing.ok()) {
      ListItem item;
      for (;;) {
        auto more = (*listing)->Next(&item);
        EXPECT_TRUE(more.ok());
        if (!more.ok() || !*more) break;
        const StorageEntry& e = item.entry;
        s.objects[e.path] = std::to_string(e.size) + "/" +
                            std::to_string(e.mtime_ns) + "/" +
                            std::to_string(e.inode);
      }
    }
    auto ops = store_->ListOperations(repo_.id, 1000);
    EXPECT_TRUE(ops.ok());
    if (ops.ok()) {
      for (const SyncOperation& op : *ops) s.operations.push_back(op.id);
    }
    return s;
  }

  // The paths of `report`'s items of one kind, in order.
  static std::vector<std::string> PathsOf(const DriftReport& report,
                                          DriftKind kind) {
    std::vector<std::string> out;
    for (const DriftItem& item : report.items) {
      if (item.kind == kind) out.push_back(item.path);
    }
    return out;
  }
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_CHECK_CHECK_FIXTURE_H_
