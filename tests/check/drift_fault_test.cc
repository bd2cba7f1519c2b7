// CheckDrift when storage misbehaves (rules 1 and 2 of DESIGN.md): an
// unreadable folder, an unreachable root, a listing that dies part-way, and
// a stop request. Over the in-memory storage and every catalog store.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "catalog/store_factories.h"
#include "check/drift.h"
#include "check/repair.h"
#include "fakes/fake_clock.h"
#include "fakes/faulty_storage.h"
#include "fakes/memory_storage.h"
#include "sync/gateway.h"
#include "sync/reconciler.h"

namespace tidemark {
namespace {

class DriftFaultTest : public ::testing::TestWithParam<CatalogStoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) GTEST_SKIP() << *GetParam().skip_reason;
    auto store = GetParam().open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    gateway_ = std::make_unique<Gateway>(*store_, clock_);
    auto repo = gateway_->AddRepository("repo", storage_.RootUrl(), "{}");
    ASSERT_TRUE(repo.ok());
    repo_ = *repo;
    storage_.PutFile("a/one", "1", 1);
    storage_.PutFile("locked/two", "2", 1);
    storage_.PutFile("locked/deep/three", "3", 1);
    storage_.PutFile("z/four", "4", 1);
    Reconciler reconciler(storage_, *store_, *gateway_);
    auto scanned = reconciler.Run(repo_, {});
    ASSERT_TRUE(scanned.ok());
    ASSERT_EQ(scanned->operation.counters.added, 4);
  }

  Result<DriftReport> Check(StorageBackend& backend,
                            const DriftOptions& options = {}) {
    return CheckDrift(backend, *store_, repo_, options);
  }

  ScopedTempDir dir_;
  FakeClock clock_;
  MemoryStorage storage_;
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<Gateway> gateway_;
  Repository repo_;
};

TEST_P(DriftFaultTest, AnUnreadableFolderIsAnErrorNeverMissing) {
  storage_.InjectListError("locked", Status::PermissionDenied("denied"));
  storage_.PutFile("z/five", "5", 1);
  auto report = Check(storage_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->totals.missing, 0);
  EXPECT_EQ(report->totals.orphaned, 1);  // z/five was observed
  EXPECT_EQ(report->subtree_errors, 1);
  // The folder itself and each record below it.
  EXPECT_EQ(report->totals.errors, 3);
  EXPECT_FALSE(report->clean());
  std::vector<std::string> errors;
  for (const DriftItem& item : report->items) {
    if (item.kind == DriftKind::kError) errors.push_back(item.path);
  }
  EXPECT_EQ(errors, (std::vector<std::string>{"locked", "locked/deep/three",
                                              "locked/two"}));
  EXPECT_NE(report->items[0].detail.find("denied"), std::string::npos);
  EXPECT_EQ(report->totals.files, 5);
}

TEST_P(DriftFaultTest, AnUnreachableRootFailsTheCheck) {
  storage_.SetRootAvailable(false);
  auto report = Check(storage_);
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.status().IsUnavailable()) << report.status().ToString();
  EXPECT_NE(report.status().message().find("nothing was checked"),
            std::string::npos);
}

TEST_P(DriftFaultTest, AListingThatDiesPartWayReportsNothing) {
  FaultyStorage faulty(storage_);
  faulty.FailListingAfter(1, Status::Unavailable("transport endpoint lost"));
  auto report = Check(faulty);
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.status().IsUnavailable()) << report.status().ToString();
  EXPECT_NE(report.status().message().find("nothing is reported"),
            std::string::npos);
}

TEST_P(DriftFaultTest, AFileHiddenFromTheListingIsMissing) {
  // The listing is the observation: what it does not show is missing.
  // (Repair confirms with a fresh stat before dropping anything.)
  FaultyStorage faulty(storage_);
  faulty.HideFromListing("a/one");
  auto report = Check(faulty);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->totals.missing, 1);
}

TEST_P(DriftFaultTest, AStopRequestCancels) {
  std::atomic<bool> cancel{true};
  DriftOptions options;
  options.cancel = &cancel;
  auto report = Check(storage_, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kCancelled);
}

TEST_P(DriftFaultTest, ARepairWhoseRootWentAwayDoesNothing) {
  storage_.PutFile("z/orphan", "o", 1);
  auto report = Check(storage_);
  ASSERT_TRUE(report.ok());
  RepairPolicy policy{OrphanPolicy::kRemove, MissingPolicy::kDrop, true};
  RepairPlan plan = PlanRepair(*report, policy);
  ASSERT_EQ(plan.remove_objects.size(), 1u);
  storage_.SetRootAvailable(false);
  auto outcome =
      ApplyRepair(storage_, *store_, *gateway_, repo_, plan, RepairOptions{});
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(outcome.status().IsUnavailable());
  storage_.SetRootAvailable(true);
  EXPECT_TRUE(storage_.Stat("z/orphan").ok());
  auto ops = store_->ListOperations(repo_.id, 10);
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ(ops->size(), 1u);  // the seeding scan only
}

TEST_P(DriftFaultTest, DropsWaitForACompleteListing) {
  storage_.InjectListError("locked", Status::PermissionDenied("denied"));
  ASSERT_TRUE(storage_.Remove("a/one").ok());
  auto report = Check(storage_);
  ASSERT_TRUE(report.ok());
  RepairPolicy policy{OrphanPolicy::kLeave, MissingPolicy::kDrop, false};
  RepairPlan plan = PlanRepair(*report, policy);
  EXPECT_TRUE(plan.drop_records.empty());
  ASSERT_EQ(plan.deferred.size(), 1u);
  auto outcome =
      ApplyRepair(storage_, *store_, *gateway_, repo_, plan, RepairOptions{});
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->converged());
  EXPECT_EQ(outcome->records_dropped, 0);
  auto kept = store_->FindRecord(repo_.id, "a/one");
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, DriftFaultTest,
                         ::testing::ValuesIn(AllCatalogStoreFactories()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tidemark
