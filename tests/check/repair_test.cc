// ApplyRepair over every backend x store pair: each policy, the
// mass-removal refusal and --force, and the re-checks that keep whatever
// changed between the check and the repair.
#include "check/repair.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "check_fixture.h"
#include "sync/path_sync.h"

namespace tidemark {
namespace {

class RepairTest : public CheckFixture {
 protected:
  // Four files, catalogued.
  void Seed() {
    Put("a/one.jpg", "one");
    Put("a/two.jpg", "two");
    Put("b/three.jpg", "three");
    Put("b/four.jpg", "four");
    Scan();
  }

  RepairPlan Plan(const RepairPolicy& policy) {
    return PlanRepair(MustCheck(), policy);
  }

  Result<RepairOutcome> Apply(const RepairPlan& plan, bool force = false) {
    RepairOptions options;
    options.force = force;
    return ApplyRepair(*backend_, *store_, *gateway_, repo_, plan, options);
  }
  RepairOutcome MustApply(const RepairPlan& plan, bool force = false) {
    auto outcome = Apply(plan, force);
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return outcome.ok() ? std::move(outcome).value() : RepairOutcome{};
  }

  SyncOperation LastOperation() {
    auto ops = store_->ListOperations(repo_.id, 1);
    EXPECT_TRUE(ops.ok() && !ops->empty());
    return ops.ok() && !ops->empty() ? ops->front() : SyncOperation{};
  }
};

TEST_P(RepairTest, AdoptOrphanedCatalogsThem) {
  Seed();
  Put("a/new.jpg", "brand new");
  RepairOutcome outcome =
      MustApply(Plan({OrphanPolicy::kAdopt, MissingPolicy::kKeep, false}));
  EXPECT_TRUE(outcome.converged());
  EXPECT_EQ(outcome.adopted, 1);
  auto records = Records();
  ASSERT_TRUE(records.contains("a/new.jpg"));
  EXPECT_EQ(records["a/new.jpg"].size, 9);
  EXPECT_FALSE(records["a/new.jpg"].content_hash.empty());
  EXPECT_TRUE(MustCheck().clean());
  ASSERT_EQ(outcome.operations.size(), 1u);
  EXPECT_EQ(outcome.operations[0].type, OperationType::kRepair);
  EXPECT_EQ(LastOperation().type, OperationType::kRepair);
}

TEST_P(RepairTest, RemoveOrphanedDeletesThemFromStorage) {
  Seed();
  Put("b/stray.jpg", "stray");
  const size_t records_before = Records().size();
  RepairOutcome outcome =
      MustApply(Plan({OrphanPolicy::kRemove, MissingPolicy::kKeep, false}));
  EXPECT_TRUE(outcome.converged());
  EXPECT_EQ(outcome.objects_removed, 1);
  EXPECT_TRUE(backend_->Stat("b/stray.jpg").status().IsNotFound());
  EXPECT_EQ(Records().size(), records_before);
  EXPECT_TRUE(MustCheck().clean());
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.type, OperationType::kRepair);
  EXPECT_EQ(op.status, OperationStatus::kCompleted);
  EXPECT_NE(op.error_message.find("removed 1 objects"), std::string::npos)
      << op.error_message;
}

TEST_P(RepairTest, DropMissingRemovesTheirRecords) {
  Seed();
  Remove("a/two.jpg");
  RepairOutcome outcome =
      MustApply(Plan({OrphanPolicy::kLeave, MissingPolicy::kDrop, false}));
  EXPECT_TRUE(outcome.converged());
  EXPECT_EQ(outcome.records_dropped, 1);
  EXPECT_FALSE(Records().contains("a/two.jpg"));
  EXPECT_EQ(Records().size(), 3u);
  EXPECT_TRUE(MustCheck().clean());
  EXPECT_EQ(LastOperation().counters.removed, 1);
}

TEST_P(RepairTest, KeepMissingKeepsTheirRecords) {
  Seed();
  Remove("a/two.jpg");
  RepairPlan plan = Plan({OrphanPolicy::kAdopt, MissingPolicy::kKeep, false});
  EXPECT_TRUE(plan.empty());
  const Snapshot before = Snap();
  RepairOutcome outcome = MustApply(plan);
  EXPECT_TRUE(outcome.operations.empty());
  EXPECT_EQ(Snap(), before);
  EXPECT_EQ(MustCheck().totals.missing, 1);
}

TEST_P(RepairTest, UpdateModifiedRewritesTheirRecords) {
  Seed();
  Put("b/four.jpg", "four, longer now");
  RepairOutcome outcome =
      MustApply(Plan({OrphanPolicy::kLeave, MissingPolicy::kKeep, true}));
  EXPECT_TRUE(outcome.converged());
  EXPECT_EQ(outcome.refreshed, 1);
  EXPECT_EQ(Records()["b/four.jpg"].size, 16);
  EXPECT_TRUE(MustCheck().clean());
}

TEST_P(RepairTest, MassRemovalIsRefusedUntilForced) {
  Seed();
  Remove("a/one.jpg");
  Remove("a/two.jpg");
  Remove("b/three.jpg");
  RepairPlan plan = Plan({OrphanPolicy::kLeave, MissingPolicy::kDrop, false});
  ASSERT_EQ(plan.drop_records.size(), 3u);
  const Snapshot before = Snap();
  auto refused = Apply(plan);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("3 of the 4 files"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(Snap(), before);

  RepairOutcome forced = MustApply(plan, /*force=*/true);
  EXPECT_EQ(forced.records_dropped, 3);
  EXPECT_EQ(Records().size(), 1u);
}

TEST_P(RepairTest, OrphansThatChangedOrGainedARecordAreKept) {
  Seed();
  Put("a/adopted-meanwhile.jpg", "x");
  Put("a/rewritten.jpg", "y");
  RepairPlan plan = Plan({OrphanPolicy::kRemove, MissingPolicy::kKeep, false});
  ASSERT_EQ(plan.remove_objects.size(), 2u);
  // Between the check and the repair: one is catalogued, one rewritten.
  PathSync sync(*backend_, *store_, *gateway_);
  ASSERT_TRUE(sync.Run(repo_, {"a/adopted-meanwhile.jpg"}, {}).ok());
  Put("a/rewritten.jpg", "y, but different");

  RepairOutcome outcome = MustApply(plan);
  EXPECT_FALSE(outcome.converged());
  EXPECT_EQ(outcome.objects_removed, 0);
  ASSERT_EQ(outcome.skipped.size(), 2u);
  EXPECT_NE(outcome.skipped[0].reason.find("gained a catalog record"),
            std::string::npos);
  EXPECT_NE(outcome.skipped[1].reason.find("changed"), std::string::npos);
  EXPECT_TRUE(backend_->Stat("a/adopted-meanwhile.jpg").ok());
  EXPECT_TRUE(backend_->Stat("a/rewritten.jpg").ok());
  EXPECT_EQ(LastOperation().status, OperationStatus::kPartial);
}

TEST_P(RepairTest, AMissingFileThatCameBackKeepsItsRecord) {
  Seed();
  Remove("a/one.jpg");
  RepairPlan plan = Plan({OrphanPolicy::kLeave, MissingPolicy::kDrop, false});
  ASSERT_EQ(plan.drop_records.size(), 1u);
  Put("a/one.jpg", "one");
  RepairOutcome outcome = MustApply(plan);
  EXPECT_EQ(outcome.records_dropped, 0);
  ASSERT_EQ(outcome.skipped.size(), 1u);
  EXPECT_NE(outcome.skipped[0].reason.find("back on storage"),
            std::string::npos);
  EXPECT_TRUE(Records().contains("a/one.jpg"));
}

TEST_P(RepairTest, AModifiedFileThatVanishedIsNotDroppedByARefresh) {
  Seed();
  Put("a/one.jpg", "one, edited");
  RepairPlan plan = Plan({OrphanPolicy::kLeave, MissingPolicy::kKeep, true});
  ASSERT_EQ(plan.refresh.size(), 1u);
  Remove("a/one.jpg");
  RepairOutcome outcome = MustApply(plan);
  EXPECT_EQ(outcome.refreshed, 0);
  ASSERT_EQ(outcome.skipped.size(), 1u);
  EXPECT_TRUE(Records().contains("a/one.jpg"));
}

TEST_P(RepairTest, CheckingAndPlanningChangeNothing) {
  Seed();
  Put("a/new.jpg", "n");
  Remove("b/three.jpg");
  Put("b/four.jpg", "four!");
  const Snapshot before = Snap();
  RepairPlan plan = Plan({OrphanPolicy::kRemove, MissingPolicy::kDrop, true});
  EXPECT_EQ(plan.remove_objects.size(), 1u);
  EXPECT_EQ(plan.drop_records.size(), 1u);
  EXPECT_EQ(plan.refresh.size(), 1u);
  EXPECT_EQ(Snap(), before);
}

INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(RepairTest);

}  // namespace
}  // namespace tidemark
