// Helpers shared by the catalog tests: building records and repositories,
// writing them in one transaction, and comparing every field. Test-only;
// the functions use gtest assertions and are thread-compatible.
#ifndef TIDEMARK_TESTS_CATALOG_CATALOG_TEST_UTIL_H_
#define TIDEMARK_TESTS_CATALOG_CATALOG_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog_store.h"
#include "catalog/migrations.h"

namespace tidemark {

// The SQL of migrations 1..`version` with their schema_version rows: a
// catalog as an older tidemark left it, for the migration tests.
inline std::string SchemaSqlUpTo(int version, bool postgres) {
  std::string sql;
  for (int v = 1; v <= version; ++v) {
    const Migration& m = AllMigrations()[v - 1];
    sql += std::string(postgres ? m.postgres_sql : m.sqlite_sql) +
           "; INSERT INTO schema_version VALUES (" + std::to_string(v) + ", '" +
           std::string(m.description) + "');";
  }
  return sql;
}

inline RecordRange Range(int64_t repository_id, std::string scope = "",
                         std::optional<std::string> after = std::nullopt) {
  RecordRange range;
  range.repository_id = repository_id;
  range.scope = std::move(scope);
  range.after = std::move(after);
  return range;
}

inline Repository MakeRepository(const std::string& name) {
  Repository repo;
  repo.name = name;
  repo.url = "file:///srv/" + name;
  repo.state = RepositoryState::kOnline;
  repo.created_at_ns = 1'700'000'000'000'000'000;
  repo.updated_at_ns = repo.created_at_ns;
  return repo;
}

inline FileRecord MakeRecord(int64_t repository_id, const std::string& path,
                             int64_t size = 10) {
  FileRecord r;
  r.repository_id = repository_id;
  r.path = path;
  r.size = size;
  r.mtime_ns = 1'600'000'000'000'000'000;
  r.device = 2049;
  r.inode = 1000 + path.size();
  r.last_scanned_ns = 1'700'000'000'000'000'000;
  r.scan_generation = 1;
  r.created_at_ns = r.last_scanned_ns;
  r.updated_at_ns = r.last_scanned_ns;
  return r;
}

// Inserts a repository in its own transaction and returns its id.
inline int64_t AddRepository(CatalogStore& store, const std::string& name) {
  auto txn = store.Begin();
  EXPECT_TRUE(txn.ok()) << txn.status().ToString();
  if (!txn.ok()) return 0;
  auto id = (*txn)->InsertRepository(MakeRepository(name));
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  Status committed = (*txn)->Commit();
  EXPECT_TRUE(committed.ok()) << committed.ToString();
  return id.ok() ? *id : 0;
}

// Inserts records in one transaction; their ids are written back.
inline void AddRecords(CatalogStore& store, std::vector<FileRecord>& records) {
  auto txn = store.Begin();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  Status inserted = (*txn)->InsertRecords(records);
  ASSERT_TRUE(inserted.ok()) << inserted.ToString();
  Status committed = (*txn)->Commit();
  ASSERT_TRUE(committed.ok()) << committed.ToString();
}

inline std::vector<std::string> Paths(const std::vector<FileRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.path);
  return out;
}

inline void ExpectSameRecord(const FileRecord& a, const FileRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.repository_id, b.repository_id);
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.mtime_ns, b.mtime_ns);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.inode, b.inode);
  EXPECT_EQ(a.content_hash, b.content_hash);
  EXPECT_EQ(a.hash_algorithm, b.hash_algorithm);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.last_scanned_ns, b.last_scanned_ns);
  EXPECT_EQ(a.scan_generation, b.scan_generation);
  EXPECT_EQ(a.created_at_ns, b.created_at_ns);
  EXPECT_EQ(a.updated_at_ns, b.updated_at_ns);
}

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_CATALOG_CATALOG_TEST_UTIL_H_
