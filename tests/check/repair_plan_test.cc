// PlanRepair and CheckRepairSafety: pure functions over a hand-made report.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "check/repair.h"

namespace tidemark {
namespace {

using Paths = std::vector<std::string>;

DriftItem Item(DriftKind kind, std::string path) {
  DriftItem item;
  item.kind = kind;
  item.path = std::move(path);
  return item;
}

// 2 orphaned, 2 missing, 1 modified, 1 error, 4 synced: 10 files.
DriftReport Report() {
  DriftReport r;
  r.scope = "products";
  r.items = {Item(DriftKind::kOrphaned, "o1"), Item(DriftKind::kMissing, "m1"),
             Item(DriftKind::kModified, "c1"), Item(DriftKind::kError, "e1"),
             Item(DriftKind::kOrphaned, "o2"), Item(DriftKind::kMissing, "m2"),
             Item(DriftKind::kSynced, "s1")};
  r.totals.orphaned = 2;
  r.totals.missing = 2;
  r.totals.modified = 1;
  r.totals.errors = 1;
  r.totals.synced = 4;
  r.totals.files = 10;
  r.totals.storage_files = 7;
  r.totals.catalog_files = 8;
  return r;
}

Paths PathsOf(const std::vector<DriftItem>& items) {
  Paths out;
  for (const DriftItem& i : items) out.push_back(i.path);
  return out;
}

TEST(PlanRepairTest, LeaveAndKeepPlanNothing) {
  RepairPlan plan = PlanRepair(Report(), RepairPolicy{});
  EXPECT_TRUE(plan.empty());
  EXPECT_EQ(plan.removals(), 0);
  EXPECT_EQ(plan.scope, "products");
  EXPECT_EQ(plan.scope_files, 10);
}

TEST(PlanRepairTest, EachPolicyPicksItsItems) {
  RepairPolicy adopt;
  adopt.orphaned = OrphanPolicy::kAdopt;
  RepairPlan plan = PlanRepair(Report(), adopt);
  EXPECT_EQ(PathsOf(plan.adopt), (Paths{"o1", "o2"}));
  EXPECT_TRUE(plan.remove_objects.empty());
  EXPECT_TRUE(plan.drop_records.empty());
  EXPECT_TRUE(plan.refresh.empty());

  RepairPolicy remove;
  remove.orphaned = OrphanPolicy::kRemove;
  plan = PlanRepair(Report(), remove);
  EXPECT_EQ(PathsOf(plan.remove_objects), (Paths{"o1", "o2"}));
  EXPECT_TRUE(plan.adopt.empty());
  EXPECT_EQ(plan.removals(), 2);

  RepairPolicy drop;
  drop.missing = MissingPolicy::kDrop;
  plan = PlanRepair(Report(), drop);
  EXPECT_EQ(PathsOf(plan.drop_records), (Paths{"m1", "m2"}));
  EXPECT_TRUE(plan.deferred.empty());

  RepairPolicy refresh;
  refresh.update_modified = true;
  plan = PlanRepair(Report(), refresh);
  EXPECT_EQ(PathsOf(plan.refresh), Paths{"c1"});

  RepairPolicy all{OrphanPolicy::kAdopt, MissingPolicy::kDrop, true};
  plan = PlanRepair(Report(), all);
  EXPECT_EQ(plan.adopt.size() + plan.drop_records.size() + plan.refresh.size(),
            5u);
}

TEST(PlanRepairTest, DropsAreDeferredAfterAnIncompleteListing) {
  DriftReport report = Report();
  report.subtree_errors = 1;
  RepairPolicy drop;
  drop.missing = MissingPolicy::kDrop;
  RepairPlan plan = PlanRepair(report, drop);
  EXPECT_TRUE(plan.drop_records.empty());
  EXPECT_EQ(PathsOf(plan.deferred), (Paths{"m1", "m2"}));
  EXPECT_NE(plan.deferred_reason.find("could not be listed"),
            std::string::npos);
}

TEST(RepairSafetyTest, RemovalsAboveTheThresholdNeedForce) {
  RepairPolicy both{OrphanPolicy::kRemove, MissingPolicy::kDrop, false};
  RepairPlan plan = PlanRepair(Report(), both);  // 4 of 10 files
  EXPECT_TRUE(CheckRepairSafety(plan, 0.5, false).ok());
  Status refused = CheckRepairSafety(plan, 0.3, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  const std::string& m = refused.message();
  EXPECT_NE(m.find("remove 2 objects"), std::string::npos) << m;
  EXPECT_NE(m.find("drop 2 records"), std::string::npos) << m;
  EXPECT_NE(m.find("4 of the 10 files"), std::string::npos) << m;
  EXPECT_NE(m.find("30%"), std::string::npos) << m;
  EXPECT_NE(m.find("--force"), std::string::npos) << m;
  EXPECT_TRUE(CheckRepairSafety(plan, 0.3, true).ok());
}

TEST(RepairSafetyTest, DropsInAScopeThatListsEmptyNeedForce) {
  DriftReport report;
  report.scope = "products/a";
  report.items = {Item(DriftKind::kMissing, "products/a/1"),
                  Item(DriftKind::kMissing, "products/a/2")};
  report.totals.missing = 2;
  report.totals.files = 2;
  report.totals.catalog_files = 2;
  RepairPolicy drop;
  drop.missing = MissingPolicy::kDrop;
  RepairPlan plan = PlanRepair(report, drop);
  Status refused = CheckRepairSafety(plan, 1.0, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("lists empty"), std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("--force"), std::string::npos);
  EXPECT_TRUE(CheckRepairSafety(plan, 1.0, true).ok());
}

TEST(RepairSafetyTest, AdoptionsAndRefreshesAreNeverLimited) {
  RepairPolicy adopt{OrphanPolicy::kAdopt, MissingPolicy::kKeep, true};
  RepairPlan plan = PlanRepair(Report(), adopt);
  EXPECT_TRUE(CheckRepairSafety(plan, 0.0, false).ok());
}

}  // namespace
}  // namespace tidemark
