// The scan service over the fakes: what a ScanResult says for each way a
// scan ends, and the progress it reports while it walks.
#include "app/scan_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app_fixture.h"

namespace tidemark::app {
namespace {

class ScanServiceTest : public AppFixture {};

TEST_F(ScanServiceTest, ANewRepositoryIsCatalogued) {
  Repository repo = AddRepo("photos");
  Put("photos", "a/one.jpg", "one");
  Put("photos", "a/two.jpg", "two");
  Put("photos", "b.txt", "three");
  ScanSettings settings;
  settings.hash = "xxh3";
  ScanResult result = ScanUnderLease(ctx(), repo, settings);
  EXPECT_EQ(result.status, ScanStatus::kCompleted) << result.error.message();
  EXPECT_EQ(result.repository, "photos");
  EXPECT_TRUE(result.error.ok());
  EXPECT_EQ(result.hash, HashAlgorithm::kXxh3);
  ASSERT_TRUE(result.report.has_value());
  const SyncOperation& op = result.report->operation;
  EXPECT_EQ(op.status, OperationStatus::kCompleted);
  EXPECT_EQ(op.counters.scanned, 3);
  EXPECT_EQ(op.counters.added, 3);
  EXPECT_FALSE(result.report->offline);
  auto totals = ctx().store().Totals(repo.id);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 3);

  // Nothing changed: the next scan adds nothing.
  ScanResult again = ScanUnderLease(ctx(), repo, settings);
  ASSERT_TRUE(again.report.has_value());
  EXPECT_EQ(again.report->operation.counters.added, 0);
  EXPECT_EQ(again.report->operation.counters.scanned, 3);
}

TEST_F(ScanServiceTest, ProgressCountsTheFilesWalked) {
  Repository repo = AddRepo("many");
  constexpr int kFiles = 9000;  // two reports: every 4,096 files
  for (int i = 0; i < kFiles; ++i) {
    Put("many", "d" + std::to_string(i % 10) + "/f" + std::to_string(i), "x");
  }
  ScanSettings settings;
  settings.hash = "none";
  std::vector<Progress> seen;
  ScanResult first = ScanUnderLease(ctx(), repo, settings, Record(&seen));
  ASSERT_EQ(first.status, ScanStatus::kCompleted) << first.error.message();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].step, Step::kScan);
  EXPECT_EQ(seen[0].done, 4096);
  EXPECT_EQ(seen[1].done, 8192);
  EXPECT_EQ(seen[0].total, 0) << "nothing was scanned before";

  // The second scan knows how many to expect: the first one's count.
  seen.clear();
  ScanResult second = ScanUnderLease(ctx(), repo, settings, Record(&seen));
  ASSERT_EQ(second.status, ScanStatus::kCompleted);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().total, kFiles);
}

TEST_F(ScanServiceTest, ACatalogTruthRepositoryIsSkipped) {
  Repository repo = AddRepo("truth", R"({"truth": "catalog"})");
  Put("truth", "a.jpg");
  std::vector<Progress> seen;
  ScanResult result =
      ScanUnderLease(ctx(), repo, ScanSettings{}, Record(&seen));
  EXPECT_EQ(result.status, ScanStatus::kSkipped);
  EXPECT_FALSE(result.report.has_value());
  EXPECT_NE(result.skip_reason.find("has truth 'catalog'"), std::string::npos)
      << result.skip_reason;
  EXPECT_TRUE(seen.empty());
  auto totals = ctx().store().Totals(repo.id);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 0) << "a skipped scan catalogs nothing";
}

TEST_F(ScanServiceTest, BadSettingsAreRefusedBeforeAnythingRuns) {
  Repository repo = AddRepo("photos");
  Put("photos", "a.jpg");
  ScanSettings bad_scope;
  bad_scope.scope = "../outside";
  ScanResult scope = ScanUnderLease(ctx(), repo, bad_scope);
  EXPECT_EQ(scope.status, ScanStatus::kRefused);
  EXPECT_EQ(scope.error.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(scope.report.has_value());

  ScanSettings bad_hash;
  bad_hash.hash = "md5";
  ScanResult hash = ScanUnderLease(ctx(), repo, bad_hash);
  EXPECT_EQ(hash.status, ScanStatus::kRefused);
  EXPECT_EQ(hash.error.code(), StatusCode::kInvalidArgument);

  auto ops = ctx().store().ListOperations(repo.id, 10);
  ASSERT_TRUE(ops.ok());
  EXPECT_TRUE(ops->empty()) << "no operation was begun";
}

TEST_F(ScanServiceTest, StorageThatCannotBeOpenedFailsTheScan) {
  Repository repo = AddRepo("photos");
  backend_error_ = Status::Unavailable("the disk is gone");
  ScanResult result = ScanUnderLease(ctx(), repo, ScanSettings{});
  EXPECT_EQ(result.status, ScanStatus::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(result.report.has_value());
}

TEST_F(ScanServiceTest, AnUnreachableRootFailsAndMarksTheRepositoryOffline) {
  Repository repo = AddRepo("photos");
  Put("photos", "a.jpg");
  ASSERT_EQ(ScanUnderLease(ctx(), repo, ScanSettings{}).status,
            ScanStatus::kCompleted);
  Storage("photos").SetRootAvailable(false);
  ScanResult result = ScanUnderLease(ctx(), repo, ScanSettings{});
  EXPECT_EQ(result.status, ScanStatus::kFailed);
  ASSERT_TRUE(result.report.has_value());
  EXPECT_TRUE(result.report->offline);
  EXPECT_EQ(result.report->operation.status, OperationStatus::kFailed);
  auto totals = ctx().store().Totals(repo.id);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 1) << "no record is touched (rule 1)";
}

TEST_F(ScanServiceTest, AMassDisappearanceIsPartialUntilAllowed) {
  Repository repo = AddRepo("photos");
  for (int i = 0; i < 10; ++i) Put("photos", "f" + std::to_string(i));
  ASSERT_EQ(ScanUnderLease(ctx(), repo, ScanSettings{}).status,
            ScanStatus::kCompleted);
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(Storage("photos").Remove("f" + std::to_string(i)).ok());
  }
  ScanResult paused = ScanUnderLease(ctx(), repo, ScanSettings{});
  EXPECT_EQ(paused.status, ScanStatus::kPartial);
  ASSERT_TRUE(paused.report.has_value());
  EXPECT_EQ(paused.report->removals_deferred, 8);

  ScanSettings allow;
  allow.allow_mass_removal = true;
  ScanResult applied = ScanUnderLease(ctx(), repo, allow);
  EXPECT_EQ(applied.status, ScanStatus::kCompleted);
  ASSERT_TRUE(applied.report.has_value());
  EXPECT_EQ(applied.report->operation.counters.removed, 8);
}

TEST_F(ScanServiceTest, AnotherHoldersLeaseFailsTheScanNamingIt) {
  Repository repo = AddRepo("photos");
  auto other = ctx().store().AcquireLease(repo.id, "other-worker", 60'000);
  ASSERT_TRUE(other.ok() && other->acquired);
  ScanResult result = ScanUnderLease(ctx(), repo, ScanSettings{});
  EXPECT_EQ(result.status, ScanStatus::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kUnavailable);
  EXPECT_NE(result.error.message().find("other-worker"), std::string::npos);
}

}  // namespace
}  // namespace tidemark::app
