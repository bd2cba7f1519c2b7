// EventAggregator, driven step by step with explicit times.
#include "watch/event_aggregator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tidemark {
namespace {

using Kind = FsEvent::Kind;
using Strings = std::vector<std::string>;

constexpr int64_t kMs = 1'000'000;

FsEvent Event(Kind kind, std::string path, bool dir = false,
              uint32_t cookie = 0) {
  FsEvent e;
  e.kind = kind;
  e.path = std::move(path);
  e.is_directory = dir;
  e.cookie = cookie;
  return e;
}

FsEvent Opened(std::string path) {
  FsEvent e = Event(Kind::kCreated, std::move(path));
  e.may_be_open = true;
  return e;
}

TEST(EventAggregatorTest, PathIsReadyAfterTheDebounceWindowOfItsLastEvent) {
  EventAggregator agg;
  agg.Add(Event(Kind::kAttributes, "a.jpg"), 0);
  agg.Add(Event(Kind::kModified, "a.jpg"), 300 * kMs);
  EXPECT_TRUE(agg.TakeReady(500 * kMs).empty());
  EXPECT_EQ(agg.NextDeadline(), 800 * kMs);
  EXPECT_TRUE(agg.TakeReady(799 * kMs).empty());
  ReadyWork work = agg.TakeReady(800 * kMs);
  EXPECT_EQ(work.paths, Strings{"a.jpg"});
  EXPECT_FALSE(agg.NextDeadline().has_value());
  EXPECT_TRUE(agg.TakeReady(10'000 * kMs).empty());
}

TEST(EventAggregatorTest, FileOpenForWritingWaitsForItsClose) {
  AggregatorOptions options;
  options.max_open_wait = std::chrono::seconds(60);
  EventAggregator agg(options);
  agg.Add(Opened("upload.mov"), 0);
  // A slow upload: silent for seconds, but not closed.
  EXPECT_TRUE(agg.TakeReady(5'000 * kMs).empty());
  agg.Add(Event(Kind::kWriting, "upload.mov"), 6'000 * kMs);
  EXPECT_TRUE(agg.TakeReady(7'000 * kMs).empty());
  agg.Add(Event(Kind::kModified, "upload.mov"), 8'000 * kMs);  // closed
  EXPECT_TRUE(agg.TakeReady(8'400 * kMs).empty());
  EXPECT_EQ(agg.TakeReady(8'500 * kMs).paths, Strings{"upload.mov"});
}

TEST(EventAggregatorTest, FileNeverClosedIsTakenAfterTheLongestOpenWait) {
  AggregatorOptions options;
  options.max_open_wait = std::chrono::seconds(2);
  EventAggregator agg(options);
  agg.Add(Opened("stuck.bin"), 0);
  EXPECT_EQ(agg.NextDeadline(), 2'000 * kMs);
  EXPECT_TRUE(agg.TakeReady(1'999 * kMs).empty());
  EXPECT_EQ(agg.TakeReady(2'000 * kMs).paths, Strings{"stuck.bin"});
}

TEST(EventAggregatorTest, BurstInOneDirectoryBecomesOneRescan) {
  AggregatorOptions options;
  options.directory_burst = 3;
  EventAggregator agg(options);
  agg.Add(Event(Kind::kCreated, "other/x"), 0);
  for (int i = 0; i < 4; ++i) {
    agg.Add(Event(Kind::kCreated, "d/f" + std::to_string(i)), i * kMs);
  }
  agg.Add(Event(Kind::kModified, "d/f9"), 400 * kMs);  // absorbed
  agg.Add(Event(Kind::kCreated, "d/sub/deep"), 450 * kMs);
  EXPECT_EQ(agg.pending(), 2u);  // other/x and the rescan of d
  ReadyWork early = agg.TakeReady(600 * kMs);
  EXPECT_EQ(early.paths, Strings{"other/x"});
  EXPECT_TRUE(early.rescans.empty());  // d was touched at 450 ms
  ReadyWork work = agg.TakeReady(950 * kMs);
  EXPECT_EQ(work.rescans, Strings{"d"});
  EXPECT_TRUE(work.paths.empty());
}

TEST(EventAggregatorTest, MovesPairByCookie) {
  EventAggregator agg;
  agg.Add(Event(Kind::kMovedFrom, "a/old.jpg", false, 7), 0);
  agg.Add(Event(Kind::kMovedTo, "b/new.jpg", false, 7), 1 * kMs);
  agg.Add(Event(Kind::kMovedFrom, "dir", true, 8), 2 * kMs);
  agg.Add(Event(Kind::kMovedTo, "renamed", true, 8), 3 * kMs);
  ReadyWork work = agg.TakeReady(600 * kMs);
  ASSERT_EQ(work.moves.size(), 2u);
  EXPECT_EQ(work.moves[0].from, "a/old.jpg");
  EXPECT_EQ(work.moves[0].to, "b/new.jpg");
  EXPECT_FALSE(work.moves[0].is_directory);
  EXPECT_EQ(work.moves[1].from, "dir");
  EXPECT_EQ(work.moves[1].to, "renamed");
  EXPECT_TRUE(work.moves[1].is_directory);
  EXPECT_TRUE(work.paths.empty());
  EXPECT_TRUE(work.deletions.empty());
}

TEST(EventAggregatorTest, UnpairedMovesAreDeletionsAndCreations) {
  EventAggregator agg;
  agg.Add(Event(Kind::kMovedFrom, "gone.jpg", false, 5), 0);  // moved out
  agg.Add(Event(Kind::kMovedTo, "came.jpg", false, 6), 0);    // moved in
  agg.Add(Event(Kind::kMovedTo, "album", true, 9), 0);        // a dir in
  ReadyWork work = agg.TakeReady(500 * kMs);
  EXPECT_EQ(work.paths, Strings{"came.jpg"});
  EXPECT_EQ(work.rescans, Strings{"album"});
  EXPECT_EQ(work.deletions, Strings{"gone.jpg"});
  EXPECT_TRUE(work.moves.empty());
}

TEST(EventAggregatorTest, DeletionWaitsForACreateOfTheSameWindow) {
  EventAggregator agg;
  agg.Add(Event(Kind::kDeleted, "IMG_1.jpg"), 0);
  agg.Add(Event(Kind::kCreated, "2024/IMG_1.jpg"), 300 * kMs);
  // The deletion is quiet at 500 ms, but a create began in its window.
  ReadyWork early = agg.TakeReady(500 * kMs);
  EXPECT_TRUE(early.deletions.empty());
  EXPECT_EQ(agg.NextDeadline(), 800 * kMs);  // no busy loop meanwhile
  ReadyWork work = agg.TakeReady(800 * kMs);
  EXPECT_EQ(work.paths, Strings{"2024/IMG_1.jpg"});
  EXPECT_EQ(work.deletions, Strings{"IMG_1.jpg"});
}

TEST(EventAggregatorTest, DeletionsOfOneBurstAreHandedOutTogether) {
  // An rm -rf that takes a second: one batch, so the mass-removal rule
  // sees every deletion of it at once.
  EventAggregator agg;
  for (int i = 0; i < 10; ++i) {
    agg.Add(Event(Kind::kDeleted, "d/" + std::to_string(i)), i * 100 * kMs);
  }
  EXPECT_EQ(agg.NextDeadline(), 1400 * kMs);
  EXPECT_TRUE(agg.TakeReady(1399 * kMs).empty());
  ReadyWork work = agg.TakeReady(1400 * kMs);
  EXPECT_EQ(work.deletions.size(), 10u);
  EXPECT_EQ(agg.pending(), 0u);
}

TEST(EventAggregatorTest,
     DeletionsThatNeverPauseAreHandedOutAfterTheLongestWait) {
  AggregatorOptions options;
  options.max_deletion_wait = std::chrono::seconds(5);
  EventAggregator agg(options);
  int64_t t = 0;
  int taken = 0;
  for (int i = 0; i < 100; ++i, t += 100 * kMs) {
    agg.Add(Event(Kind::kDeleted, "f" + std::to_string(i)), t);
    ReadyWork work = agg.TakeReady(t);
    if (taken == 0 && !work.deletions.empty()) {
      // Only once the first has waited 5 s, and only the quiet ones.
      EXPECT_GE(t, 5000 * kMs);
      EXPECT_LT(t, 5200 * kMs);
    }
    taken += static_cast<int>(work.deletions.size());
  }
  EXPECT_GT(taken, 0);
  EXPECT_LT(taken, 100);
}

TEST(EventAggregatorTest, DeletingABigDirectoryIsDeletionsNotARescan) {
  // A rescan of a directory that is gone lists empty, which rule 3 pauses.
  AggregatorOptions options;
  options.directory_burst = 10;
  EventAggregator agg(options);
  for (int i = 0; i < 50; ++i) {
    agg.Add(Event(Kind::kDeleted, "big/" + std::to_string(i)), 0);
  }
  ReadyWork work = agg.TakeReady(500 * kMs);
  EXPECT_TRUE(work.rescans.empty());
  EXPECT_EQ(work.deletions.size(), 50u);
}

TEST(EventAggregatorTest,
     AFileWrittenWithoutPauseHoldsDeletionsOnlyUntilTheLongestWait) {
  AggregatorOptions options;
  options.max_deletion_wait = std::chrono::seconds(5);
  EventAggregator agg(options);
  agg.Add(Event(Kind::kDeleted, "gone.txt"), 0);
  bool deleted = false;
  for (int64_t t = 0; t <= 6000 * kMs && !deleted; t += 100 * kMs) {
    agg.Add(Event(Kind::kWriting, "app.log"), t);
    ReadyWork work = agg.TakeReady(t);
    if (!work.deletions.empty()) {
      EXPECT_GE(t, 5000 * kMs);
      deleted = true;
    }
  }
  EXPECT_TRUE(deleted);
}

TEST(EventAggregatorTest, DeleteThenRecreateIsAChangeNotADeletion) {
  EventAggregator agg;
  agg.Add(Event(Kind::kDeleted, "a.txt"), 0);
  agg.Add(Event(Kind::kCreated, "a.txt"), 10 * kMs);
  agg.Add(Event(Kind::kModified, "a.txt"), 20 * kMs);
  ReadyWork work = agg.TakeReady(600 * kMs);
  EXPECT_EQ(work.paths, Strings{"a.txt"});
  EXPECT_TRUE(work.deletions.empty());
}

TEST(EventAggregatorTest, OverflowRescansAndAbsorbsWhatIsBelowIt) {
  EventAggregator agg;
  agg.Add(Event(Kind::kCreated, "a/1"), 0);
  agg.Add(Event(Kind::kOverflow, ""), 10 * kMs);
  agg.Add(Event(Kind::kDeleted, "b/2"), 20 * kMs);
  EXPECT_EQ(agg.pending(), 1u);
  ReadyWork work = agg.TakeReady(520 * kMs);
  EXPECT_EQ(work.rescans, Strings{""});
  EXPECT_TRUE(work.paths.empty());
  EXPECT_TRUE(work.deletions.empty());
}

TEST(EventAggregatorTest, UnwatchedAndRootGoneAreHandedOutAtOnce) {
  EventAggregator agg;
  FsEvent unwatched = Event(Kind::kUnwatched, "big", true);
  unwatched.reason = "inotify watch limit reached";
  agg.Add(unwatched, 0);
  FsEvent gone = Event(Kind::kRootGone, "");
  gone.reason = "root deleted";
  agg.Add(gone, 0);
  EXPECT_EQ(agg.NextDeadline(), 0);
  ReadyWork work = agg.TakeReady(0);
  ASSERT_EQ(work.unwatched.size(), 1u);
  EXPECT_EQ(work.unwatched[0].directory, "big");
  EXPECT_EQ(work.unwatched[0].reason, "inotify watch limit reached");
  EXPECT_EQ(work.root_gone, "root deleted");
  EXPECT_TRUE(agg.TakeReady(1).empty());
}

TEST(EventAggregatorTest, ManyEventsOnOnePathCoalesce) {
  EventAggregator agg;
  for (int i = 0; i < 1000; ++i) {
    agg.Add(Event(Kind::kWriting, "log.txt"), i * kMs);
  }
  EXPECT_EQ(agg.pending(), 1u);
  EXPECT_EQ(agg.TakeReady(1'499 * kMs).paths, Strings{"log.txt"});
}

}  // namespace
}  // namespace tidemark
