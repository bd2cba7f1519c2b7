// DecideMassRemoval: DESIGN.md rule 3, decided in one place for scans and
// watcher batches. Hand-picked edges, then seeded random trials against the
// rule's properties (a bigger removal never pauses less, a confirmed one
// never pauses, an empty listing always does).
#include "sync/removals.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

namespace tidemark {
namespace {

MassRemovalCheck Check(int64_t removing, int64_t records) {
  MassRemovalCheck check;
  check.removing = removing;
  check.repository_records = records;
  check.how_to_confirm = "confirm it";
  return check;
}

TEST(MassRemovalTest, HalfOrLessGoesAheadMoreThanHalfPauses) {
  EXPECT_FALSE(DecideMassRemoval(Check(49, 100)).pause);
  EXPECT_FALSE(DecideMassRemoval(Check(50, 100)).pause);  // not more than
  const MassRemovalDecision paused = DecideMassRemoval(Check(51, 100));
  EXPECT_TRUE(paused.pause);
  EXPECT_EQ(paused.reason,
            "mass removal paused: 51 of 100 records would be removed; "
            "confirm it");
}

TEST(MassRemovalTest, NothingToRemoveNeverPauses) {
  MassRemovalCheck check = Check(0, 100);
  check.listed_empty = true;
  check.threshold = 0;
  const MassRemovalDecision decision = DecideMassRemoval(check);
  EXPECT_FALSE(decision.pause);
  EXPECT_EQ(decision.reason, "");
}

TEST(MassRemovalTest, ConfirmedRemovalsNeverPause) {
  MassRemovalCheck check = Check(100, 100);
  check.listed_empty = true;
  check.allowed = true;
  EXPECT_FALSE(DecideMassRemoval(check).pause);
}

TEST(MassRemovalTest, AnEmptyListingPausesAnyRemovalAndSaysWhich) {
  MassRemovalCheck check = Check(1, 1000);
  check.listed_empty = true;
  check.threshold = 1;
  MassRemovalDecision decision = DecideMassRemoval(check);
  EXPECT_TRUE(decision.pause);
  EXPECT_EQ(decision.reason,
            "mass removal paused: 1 of 1000 records would be removed (the "
            "root listed empty); confirm it");
  check.scoped = true;
  decision = DecideMassRemoval(check);
  EXPECT_TRUE(decision.pause);
  EXPECT_NE(decision.reason.find("(the scope listed empty)"), std::string::npos)
      << decision.reason;
}

TEST(MassRemovalTest, TheThresholdIsConfigurable) {
  MassRemovalCheck check = Check(1, 100);
  check.threshold = 0;
  EXPECT_TRUE(DecideMassRemoval(check).pause);
  check = Check(100, 100);
  check.threshold = 1;
  EXPECT_FALSE(DecideMassRemoval(check).pause);
  check = Check(11, 100);
  check.threshold = 0.1;
  EXPECT_TRUE(DecideMassRemoval(check).pause);
  check.removing = 10;
  EXPECT_FALSE(DecideMassRemoval(check).pause);
}

// A watcher removes in batches: 30 of 100 after 30 of 130 is 60 of 130.
TEST(MassRemovalTest, RecentRemovalsAddUp) {
  MassRemovalCheck check = Check(30, 100);
  EXPECT_FALSE(DecideMassRemoval(check).pause);
  check.recently_removed = 30;
  EXPECT_FALSE(DecideMassRemoval(check).pause);  // 60 of 130
  check.recently_removed = 40;                   // 70 of 140: half
  EXPECT_FALSE(DecideMassRemoval(check).pause);
  check.recently_removed = 41;  // 71 of 141
  const MassRemovalDecision paused = DecideMassRemoval(check);
  EXPECT_TRUE(paused.pause);
  EXPECT_EQ(paused.reason,
            "mass removal paused: 30 of 100 records would be removed (after "
            "41 just before); confirm it");
}

TEST(MassRemovalTest, RandomTrialsKeepTheRuleMonotone) {
  std::mt19937_64 random(20240616);
  for (int trial = 0; trial < 20000; ++trial) {
    MassRemovalCheck check;
    check.repository_records = static_cast<int64_t>(random() % 1'000'000) + 1;
    check.removing = static_cast<int64_t>(
        random() % static_cast<uint64_t>(check.repository_records + 1));
    check.recently_removed = static_cast<int64_t>(random() % 1000);
    check.threshold = static_cast<double>(random() % 101) / 100.0;
    check.listed_empty = random() % 8 == 0;
    check.scoped = random() % 2 == 0;
    SCOPED_TRACE(std::to_string(check.removing) + " of " +
                 std::to_string(check.repository_records) + " after " +
                 std::to_string(check.recently_removed) + ", threshold " +
                 std::to_string(check.threshold) +
                 (check.listed_empty ? ", listed empty" : ""));
    const MassRemovalDecision decision = DecideMassRemoval(check);
    EXPECT_EQ(decision.pause, !decision.reason.empty());
    if (check.removing == 0) {
      EXPECT_FALSE(decision.pause);
      continue;
    }
    if (check.listed_empty) {
      EXPECT_TRUE(decision.pause);
    }
    // Removing one more, or having removed one more just before, never
    // turns a pause into a go.
    MassRemovalCheck more = check;
    ++more.removing;
    ++more.repository_records;
    if (decision.pause) {
      EXPECT_TRUE(DecideMassRemoval(more).pause);
    }
    more = check;
    ++more.recently_removed;
    if (decision.pause) {
      EXPECT_TRUE(DecideMassRemoval(more).pause);
    }
    // A confirmation lets everything through.
    more = check;
    more.allowed = true;
    EXPECT_FALSE(DecideMassRemoval(more).pause);
    // Below or at the threshold without an empty listing goes ahead.
    if (!check.listed_empty &&
        static_cast<double>(check.removing + check.recently_removed) <=
            check.threshold * static_cast<double>(check.repository_records +
                                                  check.recently_removed)) {
      EXPECT_FALSE(decision.pause);
    }
  }
}

}  // namespace
}  // namespace tidemark
