#include "sync/planner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tidemark {
namespace {

class VectorRecords final : public RecordCursor {
 public:
  explicit VectorRecords(std::vector<FileRecord> records)
      : records_(std::move(records)) {}
  Result<const FileRecord*> Peek() override {
    return i_ < records_.size() ? &records_[i_] : nullptr;
  }
  void Pop() override { ++i_; }

 private:
  std::vector<FileRecord> records_;
  size_t i_ = 0;
};

class VectorItems final : public ObservationCursor {
 public:
  explicit VectorItems(std::vector<ListItem> items)
      : items_(std::move(items)) {}
  Result<const ListItem*> Peek() override {
    if (fail_at_ >= 0 && static_cast<int>(i_) == fail_at_) {
      return Status::Unavailable("connection lost");
    }
    return i_ < items_.size() ? &items_[i_] : nullptr;
  }
  void Pop() override { ++i_; }
  int fail_at_ = -1;

 private:
  std::vector<ListItem> items_;
  size_t i_ = 0;
};

FileRecord Rec(std::string path, int64_t size = 1, uint64_t inode = 1) {
  FileRecord r;
  r.path = std::move(path);
  r.size = size;
  r.mtime_ns = 100;
  r.inode = inode;
  return r;
}

ListItem Entry(std::string path, int64_t size = 1, uint64_t inode = 1) {
  ListItem item;
  item.entry.path = std::move(path);
  item.entry.size = size;
  item.entry.mtime_ns = 100;
  item.entry.inode = inode;
  return item;
}

ListItem SubtreeError(std::string dir, uint64_t device = 0) {
  ListItem item;
  item.type = ListItem::Type::kSubtreeError;
  item.path = std::move(dir);
  item.subtree_device = device;
  item.error = Status::PermissionDenied("no access");
  return item;
}

using Plan = std::vector<std::pair<PlanAction, std::string>>;

Plan Merge(std::vector<FileRecord> records, std::vector<ListItem> items,
           MergeSummary* summary = nullptr) {
  VectorRecords rc(std::move(records));
  VectorItems oc(std::move(items));
  Plan plan;
  auto result = MergePlan(
      rc, oc, CompareOptions{},
      [&](const PlanItem& item) {
        const std::string& path =
            item.record != nullptr ? item.record->path : item.entry->path;
        plan.emplace_back(item.action, path);
        return Status::Ok();
      },
      nullptr);
  EXPECT_TRUE(result.ok());
  if (summary != nullptr && result.ok()) *summary = *result;
  return plan;
}

TEST(PlannerTest, ClassifiesEveryPathOnceInOrder) {
  Plan plan = Merge({Rec("a"), Rec("b", 1), Rec("d")},
                    {Entry("b", 2), Entry("c"), Entry("d")});
  Plan want = {{PlanAction::kGone, "a"},
               {PlanAction::kChange, "b"},
               {PlanAction::kAdd, "c"},
               {PlanAction::kUnchanged, "d"}};
  EXPECT_EQ(plan, want);
}

TEST(PlannerTest, InodeChangeIsAChangeOnlyWhenInodesAreCompared) {
  FileRecord r = Rec("a", 1, 7);
  StorageEntry e = Entry("a", 1, 8).entry;
  EXPECT_FALSE(EntryMatchesRecord(r, e, CompareOptions{true}));
  EXPECT_TRUE(EntryMatchesRecord(r, e, CompareOptions{false}));
  e.inode = 7;
  e.kind = EntryKind::kSymlink;
  EXPECT_FALSE(EntryMatchesRecord(r, e, CompareOptions{true}));
}

TEST(PlannerTest, RecordsBelowAnUnlistableDirectoryAreUnobservedNotGone) {
  MergeSummary summary;
  Plan plan = Merge(
      {Rec("a/b.txt"), Rec("a/b/1"), Rec("a/b/2"), Rec("a/b0"), Rec("a/c")},
      {SubtreeError("a/b", 7), Entry("a/b0")}, &summary);
  Plan want = {{PlanAction::kGone, "a/b.txt"},
               {PlanAction::kUnobserved, "a/b/1"},
               {PlanAction::kUnobserved, "a/b/2"},
               {PlanAction::kUnchanged, "a/b0"},
               {PlanAction::kGone, "a/c"}};
  EXPECT_EQ(plan, want);
  EXPECT_EQ(summary.subtree_errors, 1);
  ASSERT_EQ(summary.failed.size(), 1u);
  EXPECT_EQ(summary.failed[0].path, "a/b");
  EXPECT_EQ(summary.failed[0].device, 7u);
}

TEST(PlannerTest, AFileReplacedByAnUnlistableDirectoryIsGone) {
  Plan plan = Merge({Rec("x"), Rec("x/inner")}, {SubtreeError("x")});
  Plan want = {{PlanAction::kGone, "x"}, {PlanAction::kUnobserved, "x/inner"}};
  EXPECT_EQ(plan, want);
}

TEST(PlannerTest, ListingFailureStopsTheMerge) {
  VectorRecords rc({Rec("a"), Rec("b")});
  VectorItems oc({Entry("a")});
  oc.fail_at_ = 1;
  int calls = 0;
  auto result = MergePlan(
      rc, oc, CompareOptions{},
      [&](const PlanItem&) {
        ++calls;
        return Status::Ok();
      },
      nullptr);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsUnavailable());
  EXPECT_EQ(calls, 1);  // "b" must not be reported as gone
}

TEST(PlannerTest, EmptySides) {
  EXPECT_TRUE(Merge({}, {}).empty());
  Plan all_gone = Merge({Rec("a"), Rec("b")}, {});
  EXPECT_EQ(all_gone.size(), 2u);
  EXPECT_EQ(all_gone[0].first, PlanAction::kGone);
}

}  // namespace
}  // namespace tidemark
