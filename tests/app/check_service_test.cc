// The check and repair services over the fakes: the typed reports, the
// errors and their kinds, and the progress of each step.
#include "app/check_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/repair_service.h"
#include "app/scan_service.h"
#include "app_fixture.h"

namespace tidemark::app {
namespace {

class CheckServiceTest : public AppFixture {
 protected:
  // "photos" with a.jpg, b.jpg and c.jpg catalogued; then b.jpg removed
  // from storage (missing) and d.jpg added (orphaned).
  void SetUpDrift() {
    repo_ = AddRepo("photos");
    Put("photos", "a.jpg", "a");
    Put("photos", "b.jpg", "b");
    Put("photos", "c.jpg", "c");
    ASSERT_EQ(ScanUnderLease(ctx(), repo_, ScanSettings{}).status,
              ScanStatus::kCompleted);
    ASSERT_TRUE(Storage("photos").Remove("b.jpg").ok());
    Put("photos", "d.jpg", "d");
  }

  std::vector<Step> Steps(const std::vector<Progress>& seen) {
    std::vector<Step> steps;
    for (const Progress& p : seen) steps.push_back(p.step);
    return steps;
  }

  Repository repo_;
};

TEST_F(CheckServiceTest, ReportsDriftWithoutChangingAnything) {
  SetUpDrift();
  CheckRequest request;
  request.repository = "photos";
  std::vector<Progress> seen;
  request.progress = Record(&seen);
  bool failed = true;
  auto result = RunCheck(ctx(), request, &failed);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_FALSE(failed);
  EXPECT_EQ(result->repo.name, "photos");
  EXPECT_EQ(result->scope, "");
  EXPECT_FALSE(result->with_layout);
  EXPECT_EQ(result->truth, Truth::kStorage);
  const DriftTotals& t = result->report.totals;
  EXPECT_EQ(t.orphaned, 1);
  EXPECT_EQ(t.missing, 1);
  EXPECT_EQ(t.synced, 2);
  EXPECT_EQ(t.files, 4);
  EXPECT_FALSE(result->report.clean());

  // Before the listing, and after it with what was compared.
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].step, Step::kCheck);
  EXPECT_EQ(seen[0].done, 0);
  EXPECT_EQ(seen[1].step, Step::kCheck);
  EXPECT_EQ(seen[1].done, 4);
  EXPECT_EQ(seen[1].total, 4);

  auto totals = ctx().store().Totals(repo_.id);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 3) << "a check writes nothing";
}

TEST_F(CheckServiceTest, ScopesAndErrorsSayWhoseFaultTheyAre) {
  SetUpDrift();
  CheckRequest unknown;
  unknown.repository = "nope";
  bool failed = true;
  auto missing = RunCheck(ctx(), unknown, &failed);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(failed) << "the caller's mistake, not a failed check";

  CheckRequest scoped;
  scoped.repository = "photos";
  scoped.scope = "../up";
  auto bad = RunCheck(ctx(), scoped, &failed);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(failed);

  CheckRequest request;
  request.repository = "photos";
  Storage("photos").SetRootAvailable(false);
  auto offline = RunCheck(ctx(), request, &failed);
  ASSERT_FALSE(offline.ok());
  EXPECT_TRUE(failed) << "the check itself failed";
}

TEST_F(CheckServiceTest, ADryRunRepairPlansAndChangesNothing) {
  SetUpDrift();
  RepairRequest request;
  request.repository = "photos";
  request.policy.orphaned = OrphanPolicy::kAdopt;
  request.policy.missing = MissingPolicy::kDrop;
  request.dry_run = true;
  std::vector<Progress> seen;
  request.progress = Record(&seen);
  auto result = RunRepair(ctx(), request);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->status, RepairStatus::kDryRun);
  EXPECT_EQ(result->repository, "photos");
  EXPECT_TRUE(result->dry_run);
  EXPECT_EQ(result->before.orphaned, 1);
  EXPECT_EQ(result->plan.adopt.size(), 1u);
  EXPECT_EQ(result->plan.drop_records.size(), 1u);
  EXPECT_TRUE(result->safety.ok());
  EXPECT_FALSE(result->outcome.has_value());
  EXPECT_EQ(Steps(seen), (std::vector<Step>{Step::kCheck, Step::kCheck}));
  auto totals = ctx().store().Totals(repo_.id);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 3);
}

TEST_F(CheckServiceTest, ARepairConvergesAndChecksAgain) {
  SetUpDrift();
  RepairRequest request;
  request.repository = "photos";
  request.policy.orphaned = OrphanPolicy::kAdopt;
  request.policy.missing = MissingPolicy::kDrop;
  std::vector<Progress> seen;
  request.progress = Record(&seen);
  auto result = RunRepair(ctx(), request);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->status, RepairStatus::kConverged)
      << result->failure.message();
  ASSERT_TRUE(result->outcome.has_value());
  EXPECT_EQ(result->outcome->adopted, 1);
  EXPECT_EQ(result->outcome->records_dropped, 1);
  EXPECT_FALSE(result->outcome->operations.empty());
  ASSERT_TRUE(result->after.has_value());
  EXPECT_EQ(result->after->orphaned, 0);
  EXPECT_EQ(result->after->missing, 0);
  EXPECT_EQ(result->clean_after, true);

  EXPECT_EQ(Steps(seen),
            (std::vector<Step>{Step::kCheck, Step::kCheck, Step::kRepair,
                               Step::kRepair, Step::kRecheck, Step::kRecheck}));
  EXPECT_EQ(seen[2].done, 0);
  EXPECT_EQ(seen[2].total, 2) << "one adoption, one dropped record";
  EXPECT_EQ(seen[3].done, 2);

  // Nothing left to do: converged without a second outcome.
  seen.clear();
  auto again = RunRepair(ctx(), request);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, RepairStatus::kConverged);
  EXPECT_FALSE(again->outcome.has_value());
  ASSERT_TRUE(again->after.has_value());
  EXPECT_EQ(again->after->files, 3);
  EXPECT_EQ(Steps(seen), (std::vector<Step>{Step::kCheck, Step::kCheck}));
}

TEST_F(CheckServiceTest, TheSafetyRuleRefusesAMassRemovalWithoutForce) {
  repo_ = AddRepo("photos");
  Put("photos", "kept.jpg");
  ASSERT_EQ(ScanUnderLease(ctx(), repo_, ScanSettings{}).status,
            ScanStatus::kCompleted);
  for (int i = 0; i < 5; ++i) Put("photos", "stray" + std::to_string(i));
  RepairRequest request;
  request.repository = "photos";
  request.policy.orphaned = OrphanPolicy::kRemove;
  auto refused = RunRepair(ctx(), request);
  ASSERT_TRUE(refused.ok()) << refused.status().message();
  EXPECT_EQ(refused->status, RepairStatus::kFailed);
  EXPECT_EQ(refused->failure.code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(refused->safety.ok());
  EXPECT_FALSE(refused->outcome.has_value());
  EXPECT_TRUE(Storage("photos").Stat("stray0").ok()) << "nothing deleted";

  request.force = true;
  auto forced = RunRepair(ctx(), request);
  ASSERT_TRUE(forced.ok()) << forced.status().message();
  EXPECT_EQ(forced->status, RepairStatus::kConverged);
  ASSERT_TRUE(forced->outcome.has_value());
  EXPECT_EQ(forced->outcome->objects_removed, 5);
  EXPECT_FALSE(Storage("photos").Stat("stray0").ok());
}

TEST_F(CheckServiceTest, ARepairTakesTheLeaseUnlessADryRun) {
  SetUpDrift();
  auto other = ctx().store().AcquireLease(repo_.id, "other-worker", 60'000);
  ASSERT_TRUE(other.ok() && other->acquired);
  RepairRequest request;
  request.repository = "photos";
  request.policy.orphaned = OrphanPolicy::kAdopt;
  auto held = RunRepair(ctx(), request);
  ASSERT_FALSE(held.ok());
  EXPECT_EQ(held.status().code(), StatusCode::kUnavailable);
  request.dry_run = true;
  auto planned = RunRepair(ctx(), request);
  ASSERT_TRUE(planned.ok()) << planned.status().message();
  EXPECT_EQ(planned->status, RepairStatus::kDryRun);
}

}  // namespace
}  // namespace tidemark::app
