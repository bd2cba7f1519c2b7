// The fixture of the ConsistentWriter suites: every storage backend × every
// catalog store, with a FaultyStorage over the backend and a FailingCatalog
// over the store (both transparent until a test injects a fault), a Gateway,
// and one repository. Helpers read both sides back. One fixture per test;
// single-threaded.
#ifndef TIDEMARK_TESTS_WRITES_WRITER_FIXTURE_H_
#define TIDEMARK_TESTS_WRITES_WRITER_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "catalog/store_factories.h"
#include "fakes/failing_catalog.h"
#include "fakes/fake_clock.h"
#include "fakes/faulty_storage.h"
#include "fakes/memory_storage.h"
#include "storage/backend_factories.h"
#include "sync/gateway.h"
#include "sync/path_filter.h"
#include "sync/reconciler.h"
#include "writes/consistent_writer.h"

namespace tidemark {

using WriterCombo = std::tuple<BackendFactory, CatalogStoreFactory>;

class WriterTest : public ::testing::TestWithParam<WriterCombo> {
 protected:
  void SetUp() override {
    if (const auto& skip = std::get<1>(GetParam()).skip_reason) {
      GTEST_SKIP() << *skip;
    }
    storage_dir_ = MakeTempDir();
    auto backend = std::get<0>(GetParam()).open(storage_dir_);
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    faulty_ = std::make_unique<FaultyStorage>(*backend_);
    auto store = std::get<1>(GetParam()).open(catalog_dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    failing_ = std::make_unique<FailingCatalog>(*store_);
    gateway_ = std::make_unique<Gateway>(*failing_, clock_);
    auto repo = gateway_->AddRepository("repo", backend_->RootUrl(), "{}");
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
    auto filter = PathFilterRules::Create(FilterConfig{});
    ASSERT_TRUE(filter.ok());
    filter_ = std::make_unique<PathFilterRules>(std::move(filter).value());
    options_.filter = filter_.get();
  }
  void TearDown() override {
    gateway_.reset();
    failing_.reset();
    store_.reset();
    faulty_.reset();
    backend_.reset();
    if (!storage_dir_.empty()) RemoveTree(storage_dir_);
  }

  bool local() const { return std::get<0>(GetParam()).name == "local"; }

  ConsistentWriter Writer() {
    return ConsistentWriter(*faulty_, *failing_, *gateway_, repo_, options_);
  }

  void Put(const std::string& path, const std::string& content) {
    ASSERT_TRUE(backend_->Write(path, content).ok()) << path;
  }
  // The content of the object at `path`, or "<none>".
  std::string Content(const std::string& path) {
    auto stream = backend_->Open(path);
    if (!stream.ok()) return "<none>";
    std::string out;
    char buf[4096];
    for (;;) {
      auto n = (*stream)->Read(buf, sizeof(buf));
      if (!n.ok() || *n == 0) break;
      out.append(buf, *n);
    }
    return out;
  }
  bool Exists(const std::string& path) { return backend_->Stat(path).ok(); }
  // Every object on storage, hidden ones included, in path order.
  std::vector<std::string> Objects() {
    std::vector<std::string> out;
    auto listing = backend_->List(ListOptions{});
    EXPECT_TRUE(listing.ok()) << listing.status().ToString();
    if (!listing.ok()) return out;
    ListItem item;
    for (;;) {
      auto more = (*listing)->Next(&item);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      out.push_back(item.entry.path);
    }
    return out;
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
  std::vector<std::string> RecordPaths() {
    std::vector<std::string> out;
    for (const auto& [path, record] : Records()) out.push_back(path);
    return out;
  }
  // Newest first.
  std::vector<SyncOperation> Operations() {
    auto ops = store_->ListOperations(repo_.id, 1000);
    EXPECT_TRUE(ops.ok()) << ops.status().ToString();
    return ops.ok() ? *ops : std::vector<SyncOperation>{};
  }
  SyncOperation LastOperation() {
    auto ops = Operations();
    EXPECT_FALSE(ops.empty());
    return ops.empty() ? SyncOperation{} : ops.front();
  }
  // A full scan with the default filters and the writer's hash algorithm
  // (the catalog's backstop).
  ReconcileReport Scan() {
    Reconciler reconciler(*backend_, *store_, *gateway_);
    ReconcileOptions options;
    options.filter = filter_.get();
    options.hash = options_.hash;
    auto report = reconciler.Run(repo_, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : ReconcileReport{};
  }
  // Fails the next `times` commits that write records.
  void FailRecordCommits(int times = 1) {
    failing_->FailCommits(
        [](const CommitSummary& s) { return s.writes_records(); },
        Status::Unavailable("injected: database is locked"), times);
  }

  std::string storage_dir_;
  ScopedTempDir catalog_dir_;
  FakeClock clock_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<FaultyStorage> faulty_;
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<FailingCatalog> failing_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<PathFilterRules> filter_;
  Repository repo_;
  WriteOptions options_;
};

#define INSTANTIATE_WRITER_TEST_SUITE_P(fixture)                           \
  INSTANTIATE_TEST_SUITE_P(                                                \
      BackendsAndStores, fixture,                                          \
      ::testing::Combine(::testing::ValuesIn(AllBackendFactories()),       \
                         ::testing::ValuesIn(AllCatalogStoreFactories())), \
      [](const auto& info) {                                               \
        return std::get<0>(info.param).name + "_" +                        \
               std::get<1>(info.param).name;                               \
      })

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_WRITES_WRITER_FIXTURE_H_
