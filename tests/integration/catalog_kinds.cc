#include "catalog_kinds.h"

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

}  // namespace tidemark::testing
