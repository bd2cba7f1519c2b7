// Schema v4 (entities) on catalogs written by an older tidemark: a v3
// SQLite file and a v3 PostgreSQL schema migrate in place when opened, keep
// their repositories and records, and then take entities, the "deleting"
// record state, and the cascade of entities with their repository.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/catalog_test_util.h"
#include "catalog/migration_test_util.h"

namespace tidemark {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The SQL of migrations 1..3 with their schema_version rows, then one
// repository 'old' with the record "a/1" (the same text for both
// databases).
std::string V3CatalogSql(bool postgres) {
  const std::string sql = SchemaSqlUpTo(3, postgres);
  const std::string path = postgres ? "'\\x612f31'::bytea" : "X'612f31'";
  return sql +
         "INSERT INTO repositories (name, url, state, created_at, updated_at) "
         "VALUES ('old', 'file:///old', 'online', 1, 2); "
         "INSERT INTO file_records (repository_id, path, kind, size, "
         "mtime_ns, device, inode, state, last_scanned, scan_generation, "
         "created_at, updated_at) SELECT id, " +
         path +
         ", 'file', 10, 1, 2, 3, 'present', 4, 1, 5, 6 FROM repositories";
}

Entity Car(int64_t repository_id, const std::string& key, int64_t parent) {
  Entity e;
  e.repository_id = repository_id;
  e.kind = parent == 0 ? "car" : "slot";
  e.key = key;
  e.parent_id = parent;
  e.path = key;
  e.created_at_ns = 7;
  e.updated_at_ns = 7;
  return e;
}

// What v4 adds works on the migrated catalog, and the old data is there.
void ExpectV4Works(CatalogStore& store) {
  EXPECT_EQ(store.SchemaVersion(), LatestSchemaVersion());
  auto repo = store.FindRepository("old");
  ASSERT_TRUE(repo.ok() && repo->has_value()) << repo.status().ToString();
  const int64_t id = (*repo)->id;
  auto records = store.ReadRecords(Range(id), 10);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_THAT(Paths(*records), ElementsAre("a/1"));

  auto txn = store.Begin();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  std::vector<Entity> car = {Car(id, "a", 0)};
  ASSERT_TRUE((*txn)->UpsertEntities(car).ok());
  std::vector<Entity> slot = {Car(id, "a/1", car[0].id)};
  ASSERT_TRUE((*txn)->UpsertEntities(slot).ok());
  FileRecord deleting = (*records)[0];
  deleting.state = RecordState::kDeleting;
  ASSERT_TRUE((*txn)->UpdateRecords(std::vector<FileRecord>{deleting}).ok());
  ASSERT_TRUE((*txn)->Commit().ok());

  EntityQuery all;
  all.repository_id = id;
  auto listed = store.ListEntities(all);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1].parent_id, car[0].id);
  auto found = store.FindRecord(id, "a/1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->state, RecordState::kDeleting);

  txn = store.Begin();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  ASSERT_TRUE((*txn)->DeleteRepository(id).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  listed = store.ListEntities(all);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_THAT(*listed, IsEmpty());
}

TEST(MigrationV4Test, SqliteV3CatalogMigratesInPlace) {
  ExpectSqliteMigrates(V3CatalogSql, ExpectV4Works);
}

TEST(MigrationV4Test, PostgresV3SchemaMigratesInPlace) {
  ExpectPostgresMigrates(V3CatalogSql, ExpectV4Works);
}

}  // namespace
}  // namespace tidemark
