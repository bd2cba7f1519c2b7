// WatchMap: re-pathing and dropping whole subtrees, and the two races it
// tolerates (a wd watched twice, a path reused before IN_IGNORED).
#include "watch/watch_map.h"

#include <algorithm>
#include <vector>

#include "gtest/gtest.h"

namespace tidemark {
namespace {

std::vector<int> Sorted(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(WatchMapTest, SubtreeIsThePathAndEverythingBelowIt) {
  WatchMap map;
  map.Set(1, "");
  map.Set(2, "a");
  map.Set(3, "a-b");  // sorts between "a" and "a/"
  map.Set(4, "a/x");
  map.Set(5, "a/x/y");
  map.Set(6, "ab");
  EXPECT_EQ(Sorted(map.Subtree("a")), (std::vector<int>{2, 4, 5}));
  EXPECT_EQ(Sorted(map.Subtree("a/x/y")), (std::vector<int>{5}));
  EXPECT_EQ(Sorted(map.Subtree("")), (std::vector<int>{1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(map.Subtree("missing").empty());
}

TEST(WatchMapTest, RenameMovesTheWholeSubtree) {
  WatchMap map;
  map.Set(2, "a");
  map.Set(3, "a-b");
  map.Set(4, "a/x");
  map.Set(5, "a/x/y");
  map.Rename("a", "z/q");
  EXPECT_EQ(*map.PathOf(2), "z/q");
  EXPECT_EQ(*map.PathOf(4), "z/q/x");
  EXPECT_EQ(*map.PathOf(5), "z/q/x/y");
  EXPECT_EQ(*map.PathOf(3), "a-b");
  EXPECT_FALSE(map.Contains("a"));
  EXPECT_FALSE(map.Contains("a/x"));
  EXPECT_TRUE(map.Contains("z/q/x"));
}

TEST(WatchMapTest, SetAgainRepathsAKnownWd) {
  WatchMap map;
  map.Set(7, "old");
  map.Set(7, "new");
  EXPECT_EQ(*map.PathOf(7), "new");
  EXPECT_FALSE(map.Contains("old"));
  EXPECT_EQ(map.size(), 1u);
}

TEST(WatchMapTest, ForgettingAStaleWdKeepsTheNewerOneAtItsPath) {
  WatchMap map;
  map.Set(1, "d");  // deleted, IN_IGNORED still queued
  map.Set(2, "d");  // a new directory at the same path
  map.Forget(1);
  EXPECT_EQ(map.PathOf(1), nullptr);
  ASSERT_TRUE(map.Contains("d"));
  EXPECT_EQ(map.Subtree("d"), (std::vector<int>{2}));
  map.Forget(2);
  EXPECT_FALSE(map.Contains("d"));
  map.Forget(2);  // unknown: no-op
  EXPECT_EQ(map.size(), 0u);
}

}  // namespace
}  // namespace tidemark
