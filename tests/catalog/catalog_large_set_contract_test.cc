// The CatalogStore contract at the size where journals spill: one call that
// rewrites, removes or upserts tens of thousands of rows. SQLite keeps each
// call's savepoint journal in memory up to a few MiB and then spills it to a
// temporary file; a spill that failed once turned every such call into
// "database or disk is full" (issue 15), so these sets are several times
// larger than that. Runs over every store.
#include <cstdint>
#include <string>
#include <vector>

#include "catalog/catalog_entity_contract_test.h"

namespace tidemark {
namespace {

// Paths of 620 bytes: 8,000 records are about 6 MiB of table and 5 MiB of
// index pages, rewritten by one call. Few long rows keep the test quick.
constexpr int kRows = 8'000;

std::string LongPath(const std::string& dir, int i) {
  return dir + "/" + std::string(600, 'x') + "/" +
         std::to_string(1'000'000 + i);
}

// kRows records below "before/", inserted in one call.
std::vector<FileRecord> AddLongRecords(CatalogStore& store, int64_t repo) {
  std::vector<FileRecord> records;
  records.reserve(kRows);
  for (int i = 0; i < kRows; ++i) {
    records.push_back(MakeRecord(repo, LongPath("before", i)));
  }
  AddRecords(store, records);
  return records;
}

int64_t Files(CatalogStore& store, int64_t repo) {
  auto totals = store.Totals(repo);
  EXPECT_TRUE(totals.ok()) << totals.status().ToString();
  return totals.ok() ? totals->files : -1;
}

TEST_P(CatalogContractTest, RecordCallsLargerThanAJournalApplyWhole) {
  const int64_t repo = AddRepository(*store_, "photos");
  std::vector<FileRecord> records = AddLongRecords(*store_, repo);

  // A folder move of every record in one call (what `tidemark mv` does).
  for (FileRecord& r : records) {
    r.path = LongPath("after", static_cast<int>(r.id % kRows));
    r.size += 7;
  }
  {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    Status updated = txn->UpdateRecords(records);
    ASSERT_TRUE(updated.ok()) << updated.ToString();
    Status committed = txn->Commit();
    ASSERT_TRUE(committed.ok()) << committed.ToString();
  }
  EXPECT_EQ(Files(*store_, repo), kRows);
  for (const FileRecord& r : {records.front(), records.back()}) {
    auto found = store_->FindRecord(repo, r.path);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    ASSERT_TRUE(found->has_value()) << r.path;
    ExpectSameRecord(**found, r);
  }
  auto old = store_->ReadRecords(Range(repo, "before"), 1);
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->empty());

  // Then all of them removed in one call (what `tidemark rm -r` does).
  std::vector<RecordKey> keys;
  keys.reserve(records.size());
  for (const FileRecord& r : records) keys.push_back({r.id, r.path});
  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  auto removed = txn->RemoveRecords(keys);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, kRows);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(Files(*store_, repo), 0);
}

TEST_P(CatalogContractTest, FailedLargeCallUndoesItselfAndTheRestCommits) {
  const int64_t repo = AddRepository(*store_, "photos");
  std::vector<FileRecord> records = AddLongRecords(*store_, repo);

  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  std::vector<FileRecord> first = {records[0]};
  first[0].path = "kept-move";
  ASSERT_TRUE(txn->UpdateRecords(first).ok());
  // Every record rewritten, and the last rewrite names a record that does
  // not exist: the whole call is undone, after its journal has spilled.
  std::vector<FileRecord> moved(records.begin() + 1, records.end());
  for (FileRecord& r : moved) r.path = "after/" + r.path;
  moved.back().id = 987'654'321;
  EXPECT_EQ(txn->UpdateRecords(moved).code(), StatusCode::kNotFound);
  ASSERT_TRUE(txn->Commit().ok());

  auto after = store_->ReadRecords(Range(repo, "after"), 1);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
  auto kept = store_->FindRecord(repo, "kept-move");
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->has_value());
  EXPECT_EQ(Files(*store_, repo), kRows);
}

TEST_P(EntityContractTest, UpsertLargerThanAJournalAppliesWhole) {
  std::vector<Entity> entities;
  // Key and path of 610 bytes each: 4,000 of them are about 5 MiB.
  entities.reserve(kRows / 2);
  for (int i = 0; i < kRows / 2; ++i) {
    const std::string key = LongPath("p", i);
    entities.push_back(MakeEntity(photos_, "image", key, "products/" + key));
  }
  ASSERT_TRUE(Upsert(entities).ok());
  // The same entities rewritten (soft-deleted) in one call.
  for (Entity& e : entities) {
    e.file_count = 0;
    e.deleted_at_ns = e.updated_at_ns = kT0 + 1;
  }
  Status rewritten = Upsert(entities);
  ASSERT_TRUE(rewritten.ok()) << rewritten.ToString();
  EXPECT_TRUE(All().empty());
  const std::vector<Entity> listed = List(Q().Deleted());
  ASSERT_EQ(listed.size(), entities.size());
  ExpectSameEntity(listed.front(), entities.front());
  ExpectSameEntity(listed.back(), entities.back());
}

}  // namespace
}  // namespace tidemark
