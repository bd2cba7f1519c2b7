// The fault-injection knobs and counters of the in-memory fake, which callers'
// tests rely on. Its CatalogStore behaviour is covered by the contract suite.
#include "fakes/memory_catalog.h"

#include <gtest/gtest.h>

#include "catalog/catalog_test_util.h"

namespace tidemark {
namespace {

TEST(MemoryCatalogTest, FailCommitsAfterFailsLaterCommitsAndAppliesNothing) {
  MemoryCatalog catalog;
  catalog.FailCommitsAfter(1, Status::Unavailable("disk on fire"));
  const int64_t repo = AddRepository(catalog, "photos");  // commit 1: ok
  ASSERT_GT(repo, 0);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto txn = catalog.Begin();
    ASSERT_TRUE(txn.ok());
    std::vector<FileRecord> records = {MakeRecord(repo, "a")};
    ASSERT_TRUE((*txn)->InsertRecords(records).ok());
    Status s = (*txn)->Commit();
    EXPECT_EQ(s.code(), StatusCode::kUnavailable);
    EXPECT_EQ(s.message(), "disk on fire");
  }
  auto found = catalog.FindRecord(repo, "a");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(catalog.rows_written(), 0);

  catalog.FailCommitsAfter(-1, Status::Ok());
  std::vector<FileRecord> records = {MakeRecord(repo, "a")};
  AddRecords(catalog, records);
  EXPECT_EQ(catalog.rows_written(), 1);
}

TEST(MemoryCatalogTest, UnavailableFailsBeginAndReads) {
  MemoryCatalog catalog;
  const int64_t repo = AddRepository(catalog, "photos");
  catalog.SetUnavailable(true);
  EXPECT_EQ(catalog.Begin().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(catalog.FindRepository("photos").status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(catalog.ListRepositories().status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(catalog.ReadRecords(Range(repo), 10).status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(catalog.FindRecord(repo, "a").status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(catalog.FindRecordsByInode(repo, 1, 2).status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(catalog.Totals(repo).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(catalog.ListOperations(repo, 1).status().code(),
            StatusCode::kUnavailable);
  catalog.SetUnavailable(false);
  EXPECT_TRUE(catalog.Begin().ok());
}

TEST(MemoryCatalogTest, RowsWrittenCountsCommittedRecordChanges) {
  MemoryCatalog catalog;
  const int64_t repo = AddRepository(catalog, "photos");
  std::vector<FileRecord> records = {
      MakeRecord(repo, "a"), MakeRecord(repo, "b"), MakeRecord(repo, "c")};
  AddRecords(catalog, records);
  EXPECT_EQ(catalog.rows_written(), 3);
  {
    auto txn = catalog.Begin();
    ASSERT_TRUE(txn.ok());
    records[0].size = 99;
    ASSERT_TRUE((*txn)->UpdateRecords({records.data(), 1}).ok());
    const std::vector<RecordKey> keys = {{records[1].id, "b"},
                                         {records[2].id, "not-c"}};
    ASSERT_TRUE((*txn)->RemoveRecords(keys).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(catalog.rows_written(), 5);  // 3 inserted, 1 updated, 1 removed
  {
    auto txn = catalog.Begin();  // never committed
    ASSERT_TRUE(txn.ok());
    std::vector<FileRecord> more = {MakeRecord(repo, "d")};
    ASSERT_TRUE((*txn)->InsertRecords(more).ok());
  }
  EXPECT_EQ(catalog.rows_written(), 5);
}

}  // namespace
}  // namespace tidemark
