// The CatalogStore contract: writes, transactions and repositories. Reads of
// record ranges are in catalog_contract_read_test.cc.
#include "catalog/catalog_contract_test.h"

#include <cstdint>
#include <limits>
#include <set>

#include "catalog/catalog_test_util.h"
#include "catalog/migrations.h"

namespace tidemark {
namespace {

using ::testing::TestParamInfo;
using ::testing::ValuesIn;

TEST_P(CatalogContractTest, OpensAtLatestSchemaVersion) {
  EXPECT_EQ(store_->SchemaVersion(), LatestSchemaVersion());
}

TEST_P(CatalogContractTest, InsertAssignsDistinctIds) {
  const int64_t repo = AddRepository(*store_, "photos");
  ASSERT_GT(repo, 0);
  std::vector<FileRecord> records = {
      MakeRecord(repo, "a"), MakeRecord(repo, "b"), MakeRecord(repo, "c")};
  AddRecords(*store_, records);
  std::set<int64_t> ids;
  for (const auto& r : records) {
    EXPECT_GT(r.id, 0);
    ids.insert(r.id);
    auto found = store_->FindRecord(repo, r.path);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->id, r.id);
  }
  EXPECT_EQ(ids.size(), 3u);
}

TEST_P(CatalogContractTest, DuplicatePathIsAlreadyExistsAndUndoesTheCall) {
  const int64_t repo = AddRepository(*store_, "photos");
  const int64_t other = AddRepository(*store_, "music");
  std::vector<FileRecord> first = {MakeRecord(repo, "a")};
  AddRecords(*store_, first);

  auto txn = Begin();
  std::vector<FileRecord> fine = {MakeRecord(repo, "b"),
                                  MakeRecord(other, "a")};  // other repo: ok
  ASSERT_TRUE(txn->InsertRecords(fine).ok());
  std::vector<FileRecord> clash = {MakeRecord(repo, "c"),
                                   MakeRecord(repo, "a")};
  Status s = txn->InsertRecords(clash);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  std::vector<FileRecord> twice = {MakeRecord(repo, "d"),
                                   MakeRecord(repo, "d")};
  EXPECT_EQ(txn->InsertRecords(twice).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(txn->Commit().ok());

  // The failed calls left nothing behind; the good one committed.
  auto all = store_->ReadRecords(Range(repo), 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Paths(*all), (std::vector<std::string>{"a", "b"}));
  auto theirs = store_->ReadRecords(Range(other), 100);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(Paths(*theirs), (std::vector<std::string>{"a"}));
}

TEST_P(CatalogContractTest, InsertIntoUnknownRepositoryIsNotFound) {
  auto txn = Begin();
  std::vector<FileRecord> records = {MakeRecord(424242, "a")};
  EXPECT_EQ(txn->InsertRecords(records).code(), StatusCode::kNotFound);
  SyncOperation op;
  op.repository_id = 424242;
  EXPECT_EQ(txn->InsertOperation(op).status().code(), StatusCode::kNotFound);
}

TEST_P(CatalogContractTest, DuplicateRepositoryNameIsAlreadyExists) {
  AddRepository(*store_, "photos");
  auto txn = Begin();
  auto again = txn->InsertRepository(MakeRepository("photos"));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  auto fresh = txn->InsertRepository(MakeRepository("scans"));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(txn->InsertRepository(MakeRepository("scans")).status().code(),
            StatusCode::kAlreadyExists);
}

TEST_P(CatalogContractTest, UpdateRecordsMovesAndKeepsId) {
  const int64_t repo = AddRepository(*store_, "photos");
  std::vector<FileRecord> records = {MakeRecord(repo, "old/name.jpg"),
                                     MakeRecord(repo, "taken")};
  AddRecords(*store_, records);
  FileRecord moved = records[0];
  moved.path = "new/name.jpg";
  moved.size = 77;
  moved.scan_generation = 9;

  auto txn = Begin();
  ASSERT_TRUE(txn->UpdateRecords(std::span<const FileRecord>(&moved, 1)).ok());
  FileRecord clash = moved;
  clash.path = "taken";
  EXPECT_EQ(txn->UpdateRecords(std::span<const FileRecord>(&clash, 1)).code(),
            StatusCode::kAlreadyExists);
  FileRecord ghost = MakeRecord(repo, "ghost");
  ghost.id = 987654;
  EXPECT_EQ(txn->UpdateRecords(std::span<const FileRecord>(&ghost, 1)).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(txn->Commit().ok());

  auto gone = store_->FindRecord(repo, "old/name.jpg");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  auto found = store_->FindRecord(repo, "new/name.jpg");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  ExpectSameRecord(**found, moved);
}

TEST_P(CatalogContractTest, RemoveRecordsOnlyWhenIdStillHasPath) {
  const int64_t repo = AddRepository(*store_, "photos");
  std::vector<FileRecord> records = {
      MakeRecord(repo, "a"), MakeRecord(repo, "b"), MakeRecord(repo, "c")};
  AddRecords(*store_, records);
  const std::vector<RecordKey> keys = {
      {records[0].id, "a"},      // matches
      {records[1].id, "moved"},  // the record was moved since: skipped
      {999999, "c"},             // no such id: skipped
      {records[2].id, "c"},      // matches
      {records[2].id, "c"},      // already removed: skipped
  };
  auto txn = Begin();
  auto removed = txn->RemoveRecords(keys);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2);
  ASSERT_TRUE(txn->Commit().ok());
  auto left = store_->ReadRecords(Range(repo), 10);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(Paths(*left), (std::vector<std::string>{"b"}));
}

TEST_P(CatalogContractTest, TransactionWithoutCommitChangesNothing) {
  const int64_t repo = AddRepository(*store_, "photos");
  {
    auto txn = Begin();
    std::vector<FileRecord> records = {MakeRecord(repo, "a")};
    ASSERT_TRUE(txn->InsertRecords(records).ok());
    ASSERT_TRUE(txn->InsertRepository(MakeRepository("scans")).ok());
    ASSERT_TRUE(txn->DeleteRepository(repo).ok());
    // Not visible to reads while open.
    auto during = store_->FindRepository("scans");
    ASSERT_TRUE(during.ok());
    EXPECT_FALSE(during->has_value());
  }
  auto after = store_->ListRepositories();
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].name, "photos");
  auto records = store_->ReadRecords(Range(repo), 10);
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
  // The writer is free again.
  EXPECT_TRUE(store_->Begin().ok());
}

TEST_P(CatalogContractTest, CommittedTransactionRejectsFurtherUse) {
  auto txn = Begin();
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(txn->Commit().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(txn->InsertRepository(MakeRepository("late")).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_P(CatalogContractTest, RepositoryFieldsRoundTripAndUpdate) {
  Repository repo = MakeRepository("photos");
  repo.options_json = R"({"hash":"xxh3"})";
  repo.state = RepositoryState::kOffline;
  repo.state_reason = "root /srv/photos is unreachable";
  repo.scan_generation = 41;
  repo.last_complete_generation = 40;
  auto txn = Begin();
  auto id = txn->InsertRepository(repo);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(txn->InsertRepository(MakeRepository("archive")).ok());
  ASSERT_TRUE(txn->Commit().ok());
  repo.id = *id;

  auto found = store_->FindRepository("photos");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  const Repository& got = **found;
  EXPECT_EQ(got.id, repo.id);
  EXPECT_EQ(got.url, repo.url);
  EXPECT_EQ(got.options_json, repo.options_json);
  EXPECT_EQ(got.state, RepositoryState::kOffline);
  EXPECT_EQ(got.state_reason, repo.state_reason);
  EXPECT_EQ(got.scan_generation, 41);
  EXPECT_EQ(got.last_complete_generation, 40);
  EXPECT_EQ(got.created_at_ns, repo.created_at_ns);
  EXPECT_EQ(got.updated_at_ns, repo.updated_at_ns);

  Repository changed = got;
  changed.state = RepositoryState::kOnline;
  changed.state_reason = "";
  changed.scan_generation = 42;
  changed.last_complete_generation = 42;
  changed.url = "file:///mnt/photos";
  changed.updated_at_ns += 5;
  Repository ghost = MakeRepository("ghost");
  ghost.id = 555555;
  txn = Begin();
  ASSERT_TRUE(txn->UpdateRepository(changed).ok());
  EXPECT_EQ(txn->UpdateRepository(ghost).code(), StatusCode::kNotFound);
  ASSERT_TRUE(txn->Commit().ok());

  auto list = store_->ListRepositories();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "archive");  // by name
  const Repository& now = (*list)[1];
  EXPECT_EQ(now.name, "photos");
  EXPECT_EQ(now.state, RepositoryState::kOnline);
  EXPECT_EQ(now.state_reason, "");
  EXPECT_EQ(now.scan_generation, 42);
  EXPECT_EQ(now.last_complete_generation, 42);
  EXPECT_EQ(now.url, "file:///mnt/photos");
  EXPECT_EQ(now.created_at_ns, repo.created_at_ns);
  EXPECT_EQ(now.updated_at_ns, changed.updated_at_ns);
  auto missing = store_->FindRepository("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(CatalogContractTest, OperationsListNewestFirstWithLimit) {
  const int64_t repo = AddRepository(*store_, "photos");
  const int64_t other = AddRepository(*store_, "music");
  auto txn = Begin();
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    SyncOperation op;
    op.repository_id = repo;
    op.type = i == 0 ? OperationType::kStartup : OperationType::kRealtime;
    op.start_ns = 1000 + i;
    auto id = txn->InsertOperation(op);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids.push_back(*id);
  }
  SyncOperation theirs;
  theirs.repository_id = other;
  ASSERT_TRUE(txn->InsertOperation(theirs).ok());

  SyncOperation done;
  done.id = ids[3];
  done.repository_id = repo;
  done.type = OperationType::kReconciliation;
  done.counters = {.scanned = 100,
                   .added = 5,
                   .updated = 4,
                   .moved = 3,
                   .removed = 2,
                   .errors = 1};
  done.start_ns = 1003;
  done.end_ns = 9003;
  done.duration_ms = 8;
  done.status = OperationStatus::kPartial;
  done.error_message = "2 subtrees unreadable";
  ASSERT_TRUE(txn->UpdateOperation(done).ok());
  SyncOperation ghost = done;
  ghost.id = 777777;
  EXPECT_EQ(txn->UpdateOperation(ghost).code(), StatusCode::kNotFound);
  ASSERT_TRUE(txn->Commit().ok());

  auto ops = store_->ListOperations(repo, 3);
  ASSERT_TRUE(ops.ok());
  ASSERT_EQ(ops->size(), 3u);
  EXPECT_EQ((*ops)[0].id, ids[4]);
  EXPECT_EQ((*ops)[1].id, ids[3]);
  EXPECT_EQ((*ops)[2].id, ids[2]);
  const SyncOperation& got = (*ops)[1];
  EXPECT_EQ(got.repository_id, repo);
  EXPECT_EQ(got.type, OperationType::kReconciliation);
  EXPECT_EQ(got.counters.scanned, 100);
  EXPECT_EQ(got.counters.added, 5);
  EXPECT_EQ(got.counters.updated, 4);
  EXPECT_EQ(got.counters.moved, 3);
  EXPECT_EQ(got.counters.removed, 2);
  EXPECT_EQ(got.counters.errors, 1);
  EXPECT_EQ(got.start_ns, 1003);
  EXPECT_EQ(got.end_ns, 9003);
  EXPECT_EQ(got.duration_ms, 8);
  EXPECT_EQ(got.status, OperationStatus::kPartial);
  EXPECT_EQ(got.error_message, "2 subtrees unreadable");
  EXPECT_EQ((*ops)[2].status, OperationStatus::kRunning);

  auto all = store_->ListOperations(repo, 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 5u);
  EXPECT_EQ(all->back().type, OperationType::kStartup);
}

TEST_P(CatalogContractTest, DeleteRepositoryCascades) {
  const int64_t repo = AddRepository(*store_, "photos");
  const int64_t kept = AddRepository(*store_, "music");
  std::vector<FileRecord> records = {
      MakeRecord(repo, "a"), MakeRecord(repo, "b/c"), MakeRecord(kept, "a")};
  AddRecords(*store_, records);
  auto txn = Begin();
  SyncOperation op;
  op.repository_id = repo;
  ASSERT_TRUE(txn->InsertOperation(op).ok());
  op.repository_id = kept;
  ASSERT_TRUE(txn->InsertOperation(op).ok());
  ASSERT_TRUE(txn->Commit().ok());

  txn = Begin();
  ASSERT_TRUE(txn->DeleteRepository(repo).ok());
  EXPECT_EQ(txn->DeleteRepository(repo).code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->DeleteRepository(313131).code(), StatusCode::kNotFound);
  ASSERT_TRUE(txn->Commit().ok());

  auto found = store_->FindRepository("photos");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  auto left = store_->ReadRecords(Range(repo), 10);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
  auto by_id = store_->FindRecord(repo, "a");
  ASSERT_TRUE(by_id.ok());
  EXPECT_FALSE(by_id->has_value());
  auto ops = store_->ListOperations(repo, 10);
  ASSERT_TRUE(ops.ok());
  EXPECT_TRUE(ops->empty());
  auto totals = store_->Totals(repo);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 0);

  // The other repository is untouched, and the name can be reused.
  auto theirs = store_->ReadRecords(Range(kept), 10);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->size(), 1u);
  auto their_ops = store_->ListOperations(kept, 10);
  ASSERT_TRUE(their_ops.ok());
  EXPECT_EQ(their_ops->size(), 1u);
  EXPECT_GT(AddRepository(*store_, "photos"), 0);
}

INSTANTIATE_TEST_SUITE_P(AllStores, CatalogContractTest,
                         ValuesIn(AllCatalogStoreFactories()),
                         [](const TestParamInfo<CatalogStoreFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tidemark

namespace tidemark {
namespace {

TEST_P(CatalogContractTest, BulkLoadKeepsEveryReadCorrect) {
  const int64_t repo = AddRepository(*store_, "photos");
  ASSERT_TRUE(store_->BeginBulkLoad().ok());
  std::vector<FileRecord> records = {MakeRecord(repo, "a.jpg"),
                                     MakeRecord(repo, "dir/b.jpg")};
  records[1].inode = 4242;
  AddRecords(*store_, records);
  auto during = store_->FindRecordsByInode(repo, records[1].device, 4242);
  ASSERT_TRUE(during.ok()) << during.status().ToString();
  ASSERT_EQ(during->size(), 1u);
  EXPECT_EQ((*during)[0].path, "dir/b.jpg");
  ASSERT_TRUE(store_->EndBulkLoad().ok());
  auto after = store_->FindRecordsByInode(repo, records[1].device, 4242);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  // Ending twice, or without a beginning, is harmless.
  EXPECT_TRUE(store_->EndBulkLoad().ok());
}

}  // namespace
}  // namespace tidemark
