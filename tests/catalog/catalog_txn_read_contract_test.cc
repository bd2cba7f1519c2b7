// The CatalogStore contract for reading records inside a transaction
// (CatalogTransaction::ReadRecords sees the transaction's own inserts,
// updates, moves and removals; nothing leaks out of a rolled-back one), and
// for the "deleting" record state. Runs over every store.
#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "catalog/catalog_contract_test.h"
#include "catalog/catalog_test_util.h"

namespace tidemark {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::TestParamInfo;
using ::testing::ValuesIn;

class TxnReadContractTest : public CatalogContractTest {
 protected:
  void SetUp() override {
    CatalogContractTest::SetUp();
    if (store_ == nullptr) return;
    photos_ = AddRepository(*store_, "photos");
    music_ = AddRepository(*store_, "music");
    for (const char* p : {"a", "a/1", "a/2", "a/3", "a.txt", "ab", "b/1"}) {
      committed_.push_back(MakeRecord(photos_, p));
    }
    committed_.push_back(MakeRecord(music_, "a/1"));
    AddRecords(*store_, committed_);
  }

  const FileRecord& Committed(const std::string& path) const {
    for (const FileRecord& r : committed_) {
      if (r.repository_id == photos_ && r.path == path) return r;
    }
    ADD_FAILURE() << "no record " << path;
    return committed_.front();
  }

  std::vector<std::string> ReadIn(CatalogTransaction& txn,
                                  const RecordRange& range,
                                  size_t limit = 1000) {
    auto read = txn.ReadRecords(range, limit);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    return read.ok() ? Paths(*read) : std::vector<std::string>{};
  }
  std::vector<std::string> ReadCommitted(const RecordRange& range) {
    auto read = store_->ReadRecords(range, 1000);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    return read.ok() ? Paths(*read) : std::vector<std::string>{};
  }

  int64_t photos_ = 0;
  int64_t music_ = 0;
  std::vector<FileRecord> committed_;
};

TEST_P(TxnReadContractTest, SeesCommittedRecordsLikeTheStore) {
  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  for (const RecordRange& range :
       {Range(photos_), Range(photos_, "a"), Range(photos_, "a", "a"),
        Range(photos_, "a", "a/1"), Range(photos_, "", "a.txt"),
        Range(photos_, "b"), Range(photos_, "zzz"), Range(music_),
        Range(photos_ + music_ + 100)}) {
    EXPECT_EQ(ReadIn(*txn, range), ReadCommitted(range))
        << range.scope << " after " << range.after.value_or("-");
  }
  auto limited = txn->ReadRecords(Range(photos_, "a"), 2);
  ASSERT_TRUE(limited.ok());
  EXPECT_THAT(Paths(*limited), ElementsAre("a", "a/1"));
  ExpectSameRecord((*limited)[1], Committed("a/1"));
  auto none = txn->ReadRecords(Range(photos_), 0);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_P(TxnReadContractTest, SeesItsOwnInsertsUpdatesMovesAndRemovals) {
  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  std::vector<FileRecord> added = {MakeRecord(photos_, "a/0"),
                                   MakeRecord(photos_, "a/9"),
                                   MakeRecord(photos_, "a-new")};
  ASSERT_TRUE(txn->InsertRecords(added).ok());
  FileRecord changed = Committed("a/2");
  changed.size = 777;
  changed.state = RecordState::kDeleting;
  FileRecord moved = Committed("a/3");
  moved.path = "b/3";  // out of the scope
  FileRecord moved_in = Committed("b/1");
  moved_in.path = "a/5";  // into it
  ASSERT_TRUE(
      txn->UpdateRecords(std::vector<FileRecord>{changed, moved, moved_in})
          .ok());
  const std::vector<RecordKey> gone = {{Committed("a/1").id, "a/1"}};
  auto removed = txn->RemoveRecords(gone);
  ASSERT_TRUE(removed.ok());
  ASSERT_EQ(*removed, 1);

  EXPECT_THAT(ReadIn(*txn, Range(photos_, "a")),
              ElementsAre("a", "a/0", "a/2", "a/5", "a/9"));
  EXPECT_THAT(ReadIn(*txn, Range(photos_)),
              ElementsAre("a", "a-new", "a.txt", "a/0", "a/2", "a/5", "a/9",
                          "ab", "b/3"));
  // Keyset paging inside the transaction.
  EXPECT_THAT(ReadIn(*txn, Range(photos_, "a", "a/0"), 2),
              ElementsAre("a/2", "a/5"));
  EXPECT_THAT(ReadIn(*txn, Range(photos_, "", "a/9")),
              ElementsAre("ab", "b/3"));
  auto read = txn->ReadRecords(Range(photos_, "a/2"), 10);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  ExpectSameRecord((*read)[0], changed);
  read = txn->ReadRecords(Range(photos_, "a/0"), 10);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  ExpectSameRecord((*read)[0], added[0]);
  // Another repository is untouched.
  EXPECT_THAT(ReadIn(*txn, Range(music_)), ElementsAre("a/1"));

  // The store sees none of it until Commit.
  EXPECT_THAT(ReadCommitted(Range(photos_, "a")),
              ElementsAre("a", "a/1", "a/2", "a/3"));
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_THAT(ReadCommitted(Range(photos_, "a")),
              ElementsAre("a", "a/0", "a/2", "a/5", "a/9"));
}

TEST_P(TxnReadContractTest, RolledBackTransactionLeavesNothing) {
  {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    std::vector<FileRecord> added = {MakeRecord(photos_, "a/0")};
    ASSERT_TRUE(txn->InsertRecords(added).ok());
    const std::vector<RecordKey> gone = {{Committed("a/1").id, "a/1"}};
    ASSERT_TRUE(txn->RemoveRecords(gone).ok());
    EXPECT_THAT(ReadIn(*txn, Range(photos_, "a")),
                ElementsAre("a", "a/0", "a/2", "a/3"));
  }
  EXPECT_THAT(ReadCommitted(Range(photos_, "a")),
              ElementsAre("a", "a/1", "a/2", "a/3"));
  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  EXPECT_THAT(ReadIn(*txn, Range(photos_, "a")),
              ElementsAre("a", "a/1", "a/2", "a/3"));
}

TEST_P(TxnReadContractTest, SeesARepositoryItDeletedOrCreated) {
  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  ASSERT_TRUE(txn->DeleteRepository(photos_).ok());
  EXPECT_THAT(ReadIn(*txn, Range(photos_)), IsEmpty());
  auto created = txn->InsertRepository(MakeRepository("video"));
  ASSERT_TRUE(created.ok());
  std::vector<FileRecord> added = {MakeRecord(*created, "v/2"),
                                   MakeRecord(*created, "v/1")};
  ASSERT_TRUE(txn->InsertRecords(added).ok());
  EXPECT_THAT(ReadIn(*txn, Range(*created, "v")), ElementsAre("v/1", "v/2"));
  EXPECT_THAT(ReadIn(*txn, Range(music_)), ElementsAre("a/1"));
}

TEST_P(TxnReadContractTest, DeletingStateRoundTripsAndCountsOnlyAsAFile) {
  FileRecord record = MakeRecord(photos_, "c/doomed", 1000);
  record.state = RecordState::kDeleting;
  std::vector<FileRecord> batch = {record};
  AddRecords(*store_, batch);
  auto found = store_->FindRecord(photos_, "c/doomed");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->state, RecordState::kDeleting);
  EXPECT_EQ(RecordStateName(RecordState::kDeleting), "deleting");
  auto parsed = ParseRecordState("deleting");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, RecordState::kDeleting);

  auto totals = store_->Totals(photos_);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 8);
  EXPECT_EQ(totals->bytes, 7 * 10 + 1000);
  EXPECT_EQ(totals->present, 7);
  EXPECT_EQ(totals->missing, 0);
  EXPECT_EQ(totals->offline, 0);

  // And back to present through an update.
  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  FileRecord back = **found;
  back.state = RecordState::kPresent;
  ASSERT_TRUE(txn->UpdateRecords(std::vector<FileRecord>{back}).ok());
  ASSERT_TRUE(txn->Commit().ok());
  found = store_->FindRecord(photos_, "c/doomed");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->state, RecordState::kPresent);
}

INSTANTIATE_TEST_SUITE_P(AllStores, TxnReadContractTest,
                         ValuesIn(AllCatalogStoreFactories()),
                         [](const TestParamInfo<CatalogStoreFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tidemark
