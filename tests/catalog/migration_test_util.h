// The shape of every migration test: a catalog as an older tidemark left
// it (its SQL, the same for both databases but for types), opened by this
// one, which must migrate it in place; then the test's expectations on the
// store. Test-only; uses gtest assertions.
#ifndef TIDEMARK_TESTS_CATALOG_MIGRATION_TEST_UTIL_H_
#define TIDEMARK_TESTS_CATALOG_MIGRATION_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "catalog/catalog_store.h"
#include "catalog/migrations.h"
#include "catalog/postgres/postgres_catalog.h"
#include "catalog/sqlite/sqlite_catalog.h"
#include "catalog/sqlite_raw_db.h"
#include "catalog/store_factories.h"
#include "testing/postgres_test_database.h"

namespace tidemark {

using OldCatalogSql = std::function<std::string(bool postgres)>;
using MigratedStoreCheck = std::function<void(CatalogStore&)>;

// A SQLite file written with old_sql(false), opened and checked.
inline void ExpectSqliteMigrates(const OldCatalogSql& old_sql,
                                 const MigratedStoreCheck& check) {
  ScopedTempDir dir;
  const std::string path = dir.path() + "/catalog.db";
  {
    RawDb db(path);
    ASSERT_EQ(db.Exec(old_sql(false)), SQLITE_OK) << db.Error();
  }
  auto store = OpenSqliteCatalog(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  check(**store);
}

// A fresh PostgreSQL schema made with old_sql(true), opened and checked;
// it records the latest version after. Skips without the test cluster.
inline void ExpectPostgresMigrates(const OldCatalogSql& old_sql,
                                   const MigratedStoreCheck& check) {
  if (!PostgresTestUrl()) GTEST_SKIP() << kPostgresSkipReason;
  auto schema = PostgresTestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  auto prepared = RunSql((*schema)->url(), old_sql(true));
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  {
    auto store = OpenPostgresCatalog((*schema)->url());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    check(**store);
  }
  auto versions =
      RunSql((*schema)->url(), "SELECT max(version) FROM schema_version");
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_EQ((*versions)[0][0], std::to_string(LatestSchemaVersion()));
}

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_CATALOG_MIGRATION_TEST_UTIL_H_
