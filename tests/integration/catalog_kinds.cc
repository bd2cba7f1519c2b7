#include "catalog_kinds.h"

#include <sqlite3.h>

#include "testing/postgres_test_database.h"

namespace tidemark::testing {

struct CatalogKindTest::Database {
  std::unique_ptr<PostgresTestSchema> schema;
};

std::vector<std::string> AllCatalogKinds() { return {"sqlite", "postgres"}; }

void CatalogKindTest::SetUp() {
  if (!postgres()) return;
  if (!PostgresTestUrl()) GTEST_SKIP() << kPostgresSkipReason;
  auto schema = PostgresTestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  database_ = std::make_shared<Database>();
  database_->schema = std::move(schema).value();
  ws_.UseDatabase(database_->schema->url());
}

void CatalogKindTest::TearDown() { database_.reset(); }

Status CatalogKindTest::Sql(const std::string& sql) {
  if (postgres()) return RunSql(ws_.db(), sql).status();
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(ws_.db().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  char* error = nullptr;
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : sqlite3_errmsg(db);
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc == SQLITE_OK) return Status::Ok();
  return Status::Internal("SQL on " + ws_.db() + " failed: " + message + " (" +
                          sql + ")");
}

}  // namespace tidemark::testing
