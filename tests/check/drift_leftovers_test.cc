// Leftovers of interrupted writes in `check` and `repair`, over every
// backend x store pair: a check reports them as their own kind of drift
// (never as orphaned, and never a live writer's work), and a repair told
// --remove-leftovers settles those of writers that are gone, by the table
// of writes/leftovers.h, looking at each again first.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "check/drift_format.h"
#include "check/repair.h"
#include "check_fixture.h"
#include "common/paths.h"
#include "common/writer_files.h"
#include "testing/writer_identities.h"
#include "wire/drift_json.h"

namespace tidemark {
namespace {

class DriftLeftoversTest : public CheckFixture {
 protected:
  // a/one.jpg catalogued, with a dead writer's partial upload beside it,
  // an interrupted replace of it (new content at the path, its record and
  // an old copy of the old content), a live writer's temporary, and an
  // unknown writer's.
  void Seed() {
    Put("a/one.jpg", "one");
    Scan();
    partial_ = JoinPath("a", TemporaryName(DeadWriter(), 1));
    Put(partial_, "half");
    old_copy_ = JoinPath("a", OldCopyName("one.jpg", DeadWriter(), 2));
    ASSERT_TRUE(backend_->Copy("a/one.jpg", old_copy_).ok());
    Put("a/one.jpg", "one, but new");
    live_ = JoinPath("a", TemporaryName(LiveWriter(), 3));
    Put(live_, "in progress");
    unknown_ = JoinPath("b", TemporaryName(UnknownWriter(), 4));
    Put(unknown_, "someone's");
  }

  static const Leftover* Find(const std::vector<Leftover>& all,
                              const std::string& path) {
    for (const Leftover& l : all) {
      if (l.path == path) return &l;
    }
    return nullptr;
  }

  RepairOutcome Repair(const RepairPolicy& policy) {
    RepairPlan plan = PlanRepair(MustCheck(), policy);
    auto outcome = ApplyRepair(*backend_, *store_, *gateway_, repo_, plan, {});
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return outcome.ok() ? std::move(outcome).value() : RepairOutcome{};
  }

  std::string partial_, old_copy_, live_, unknown_;
};

TEST_P(DriftLeftoversTest, ACheckReportsLeftoversAsTheirOwnDrift) {
  Seed();
  DriftReport report = MustCheck();
  EXPECT_FALSE(report.clean());
  EXPECT_EQ(report.totals.leftovers, 3);
  EXPECT_EQ(report.totals.orphaned, 0) << "never taken for orphaned files";
  EXPECT_EQ(PathsOf(report, DriftKind::kModified),
            std::vector<std::string>{"a/one.jpg"});
  EXPECT_EQ(Find(report.leftovers, live_), nullptr) << "work in progress";

  const Leftover* partial = Find(report.leftovers, partial_);
  ASSERT_NE(partial, nullptr);
  EXPECT_EQ(partial->kind, WriterFileKind::kTemporary);
  EXPECT_EQ(partial->action, LeftoverAction::kRemove);
  EXPECT_TRUE(partial->writer_gone);
  EXPECT_EQ(partial->size, 4);
  const Leftover* old_copy = Find(report.leftovers, old_copy_);
  ASSERT_NE(old_copy, nullptr);
  EXPECT_EQ(old_copy->original, "a/one.jpg");
  EXPECT_EQ(old_copy->action, LeftoverAction::kKeep);
  const Leftover* unknown = Find(report.leftovers, unknown_);
  ASSERT_NE(unknown, nullptr);
  EXPECT_FALSE(unknown->writer_gone);

  EXPECT_TRUE(
      LeftoverLine(*partial).starts_with("~ " + partial_ + ": remove ("))
      << LeftoverLine(*partial);
  nlohmann::json json = wire::DriftReportJson(report, false);
  EXPECT_EQ(json["clean"], false);
  EXPECT_EQ(json["totals"]["leftovers"], 3);
  ASSERT_EQ(json["leftovers"].size(), 3u);  // in path order
  EXPECT_EQ(json["leftovers"][0]["kind"], "old-copy");
  EXPECT_EQ(json["leftovers"][0]["original"], "a/one.jpg");
  EXPECT_EQ(json["leftovers"][0]["action"], "keep");
  EXPECT_EQ(json["leftovers"][1]["path"], partial_);
  EXPECT_EQ(json["leftovers"][1]["kind"], "temporary");
  EXPECT_EQ(json["leftovers"][1]["action"], "remove");

  // A scoped check sees only its folder's.
  DriftOptions scoped;
  scoped.scope = "b";
  EXPECT_EQ(MustCheck(scoped).totals.leftovers, 1);
}

TEST_P(DriftLeftoversTest, ARepairSettlesWhatIsSafeAndReportsTheRest) {
  Seed();
  RepairPolicy settle;
  settle.remove_leftovers = true;
  RepairOutcome first = Repair(settle);
  EXPECT_EQ(first.leftovers.removed, std::vector<std::string>{partial_});
  ASSERT_EQ(first.leftovers.kept.size(), 2u);  // the replace, the unknown
  EXPECT_FALSE(first.converged());
  EXPECT_TRUE(backend_->Stat(old_copy_).ok());
  EXPECT_TRUE(backend_->Stat(live_).ok());

  // Recording the new content makes the old copy that of a recorded
  // replace; --any-writer takes the unknown writer's too.
  settle.update_modified = true;
  settle.any_writer = true;
  RepairOutcome second = Repair(settle);
  EXPECT_EQ(second.refreshed, 1);
  EXPECT_EQ(second.leftovers.removed.size(), 2u);
  EXPECT_TRUE(second.converged());
  EXPECT_FALSE(backend_->Stat(old_copy_).ok());
  EXPECT_FALSE(backend_->Stat(unknown_).ok());
  EXPECT_TRUE(backend_->Stat(live_).ok()) << "never a live writer's";
  EXPECT_TRUE(MustCheck().clean());
}

TEST_P(DriftLeftoversTest, WithoutTheFlagARepairLeavesLeftoversAlone) {
  Seed();
  RepairPolicy refresh;
  refresh.update_modified = true;
  RepairOutcome outcome = Repair(refresh);
  EXPECT_TRUE(outcome.leftovers.empty());
  EXPECT_TRUE(backend_->Stat(partial_).ok());
  EXPECT_EQ(MustCheck().totals.leftovers, 3);
}

INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(DriftLeftoversTest);

}  // namespace
}  // namespace tidemark
