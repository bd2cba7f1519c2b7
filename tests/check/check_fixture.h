// The fixture of the check and repair suites: one storage backend and one
// catalog store (every real and fake combination), a Gateway, and a
// repository "repo" over the backend, with helpers to seed the catalog by a
// scan and to snapshot both sides. One fixture per test; not thread-safe.
#ifndef TIDEMARK_TESTS_CHECK_CHECK_FIXTURE_H_
#define TIDEMARK_TESTS_CHECK_CHECK_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "catalog/store_factories.h"
#include "check/drift.h"
#include "fakes/fake_clock.h"
#include "storage/backend_factories.h"
#include "sync/gateway.h"
#include "sync/reconciler.h"

namespace tidemark {

using Combo = std::tuple<BackendFactory, CatalogStoreFactory>;

// What a record or an object is, for before/after comparisons.
struct Snapshot {
  std::map<std::string, std::string> records;  // path -> fields
  std::map<std::string, std::string> objects;  // path -> size/mtime/inode
  std::vector<int64_t> operations;             // ids, newest first

  bool operator==(const Snapshot&) const = default;
};

class CheckFixture : public ::testing::TestWithParam<Combo> {
 protected:
  void SetUp() override {
    if (const auto& skip = std::get<1>(GetParam()).skip_reason) {
      GTEST_SKIP() << *skip;
    }
    storage_dir_ = MakeTempDir();
    auto backend = std::get<0>(GetParam()).open(storage_dir_);
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    auto store = std::get<1>(GetParam()).open(catalog_dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    gateway_ = std::make_unique<Gateway>(*store_, clock_);
    auto repo = gateway_->AddRepository("repo", backend_->RootUrl(), "{}");
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
  }
  void TearDown() override {
    gateway_.reset();
    store_.reset();
    backend_.reset();
    if (!storage_dir_.empty()) RemoveTree(storage_dir_);
  }

  void Put(const std::string& path, const std::string& content) {
    ASSERT_TRUE(backend_->Write(path, content).ok()) << path;
  }
  void Remove(const std::string& path) {
    ASSERT_TRUE(backend_->Remove(path).ok()) << path;
  }

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

  std::map<std::string, FileRecord> Records() {
    RecordRange range;
    range.repository_id = repo_.id;
    auto records = store_->ReadRecords(range, 1'000'000);
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    std::map<std::string, FileRecord> out;
    if (records.ok()) {
      for (FileRecord& r : *records) out[r.path] = r;
    }
    return out;
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

  std::string storage_dir_;
  ScopedTempDir catalog_dir_;
  FakeClock clock_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<Gateway> gateway_;
  Repository repo_;
};

inline std::string ComboName(const ::testing::TestParamInfo<Combo>& info) {
  return std::get<0>(info.param).name + "_" + std::get<1>(info.param).name;
}

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_CHECK_CHECK_FIXTURE_H_
