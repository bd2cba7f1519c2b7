// The fixture of the ConsistentWriter suites: BackendCatalogTest (every
// storage backend × every catalog store, a Gateway, one repository, helpers
// that read both sides back) with a FaultyStorage over the backend and a
// FailingCatalog between the Gateway and the store (both transparent until
// a test injects a fault). One fixture per test; single-threaded.
#ifndef TIDEMARK_TESTS_WRITES_WRITER_FIXTURE_H_
#define TIDEMARK_TESTS_WRITES_WRITER_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "fakes/failing_catalog.h"
#include "fakes/faulty_storage.h"
#include "sync/path_filter.h"
#include "sync/reconciler.h"
#include "testing/backend_catalog_fixture.h"
#include "writes/consistent_writer.h"

namespace tidemark {

class WriterTest : public BackendCatalogTest {
 protected:
  void SetUp() override {
    BackendCatalogTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    faulty_ = std::make_unique<FaultyStorage>(*backend_);
    auto filter = PathFilterRules::Create(FilterConfig{});
    ASSERT_TRUE(filter.ok());
    filter_ = std::make_unique<PathFilterRules>(std::move(filter).value());
    options_.filter = filter_.get();
  }
  // The Gateway writes through a FailingCatalog over the store.
  CatalogStore& GatewayStore(CatalogStore& store) override {
    failing_ = std::make_unique<FailingCatalog>(store);
    return *failing_;
  }
  void TearDown() override {
    gateway_.reset();
    failing_.reset();
    faulty_.reset();
    BackendCatalogTest::TearDown();
  }

  ConsistentWriter Writer() {
    return ConsistentWriter(*faulty_, *failing_, *gateway_, repo_, options_);
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

  std::unique_ptr<FaultyStorage> faulty_;
  std::unique_ptr<FailingCatalog> failing_;
  std::unique_ptr<PathFilterRules> filter_;
  WriteOptions options_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_WRITES_WRITER_FIXTURE_H_
