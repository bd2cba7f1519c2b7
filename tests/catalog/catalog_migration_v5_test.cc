// Schema v5 (the process identity of each lease holder) on catalogs written
// by an older tidemark: a v4 SQLite file and a v4 PostgreSQL schema migrate
// in place when opened. The lease a v4 worker holds keeps its holder and
// token, with an unknown process (so it frees up by expiry only), and new
// leases store their holder's process.
#include <gtest/gtest.h>

#include <string>

#include "catalog/catalog_test_util.h"
#include "catalog/migration_test_util.h"

namespace tidemark {
namespace {

// Migrations 1..4, then repository 'old' leased by 'v4-worker' with token
// 7 until far in the future, and the token counter where v4 left it.
std::string V4CatalogSql(bool postgres) {
  return SchemaSqlUpTo(4, postgres) +
         "INSERT INTO repositories (name, url, state, created_at, "
         "updated_at) VALUES ('old', 'file:///old', 'online', 1, 2); "
         "INSERT INTO repository_leases (repository_id, holder, token, "
         "acquired_at, renewed_at, expires_at) SELECT id, 'v4-worker', 7, 1, "
         "1, 9000000000000000000 FROM repositories; " +
         (postgres ? std::string("SELECT setval('lease_tokens', 7)")
                   : std::string("UPDATE lease_tokens SET last = 7"));
}

void ExpectV5Works(CatalogStore& store) {
  EXPECT_EQ(store.SchemaVersion(), LatestSchemaVersion());
  auto repo = store.FindRepository("old");
  ASSERT_TRUE(repo.ok() && repo->has_value()) << repo.status().ToString();
  const int64_t id = (*repo)->id;
  auto leases = store.ListLeases();
  ASSERT_TRUE(leases.ok()) << leases.status().ToString();
  ASSERT_EQ(leases->size(), 1u);
  const Lease old = (*leases)[0];
  EXPECT_EQ(old.holder, "v4-worker");
  EXPECT_EQ(old.token, 7);
  EXPECT_TRUE(old.live());
  EXPECT_EQ(old.process, ProcessIdentity{});

  const ProcessIdentity me{"boot", 4026531836u, 4242, 123456};
  auto refused = store.AcquireLease(id, LeaseClaim{"v5-worker", me, 0}, 60'000);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_FALSE(refused->acquired);
  ASSERT_TRUE(store.ReleaseLease({id, 7}).ok());
  auto got = store.AcquireLease(id, LeaseClaim{"v5-worker", me, 0}, 60'000);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->acquired);
  EXPECT_GT(got->lease.token, 7);
  leases = store.ListLeases();
  ASSERT_TRUE(leases.ok() && leases->size() == 1u);
  EXPECT_EQ((*leases)[0].process, me);
}

TEST(MigrationV5Test, SqliteV4CatalogMigratesInPlace) {
  ExpectSqliteMigrates(V4CatalogSql, ExpectV5Works);
}

TEST(MigrationV5Test, PostgresV4SchemaMigratesInPlace) {
  ExpectPostgresMigrates(V4CatalogSql, ExpectV5Works);
}

}  // namespace
}  // namespace tidemark
