// Test support for PostgreSQL: the test cluster's URL, a fresh schema per
// test, and a PostgresCatalog that lives in one.
//
// scripts/test.sh starts a throwaway cluster (scripts/pg-test-cluster.sh)
// and exports TIDEMARK_TEST_PG_URL. Tests that need PostgreSQL and find it
// unset must GTEST_SKIP with kPostgresSkipReason, never pass silently (CI
// counts a skip as a failure). Every test works in its own schema
// t_<random>, so tests run in parallel without seeing each other, and the
// schema is dropped with everything in it when its owner goes away.
// Thread-safe; each call opens its own connections.
#ifndef TIDEMARK_TESTS_TESTING_POSTGRES_TEST_DATABASE_H_
#define TIDEMARK_TESTS_TESTING_POSTGRES_TEST_DATABASE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog_store.h"
#include "catalog/postgres/postgres_catalog.h"
#include "common/result.h"
#include "common/status.h"

namespace tidemark {

inline constexpr char kPostgresSkipReason[] =
    "set TIDEMARK_TEST_PG_URL (scripts/test.sh starts a cluster)";

// TIDEMARK_TEST_PG_URL, or nullopt when it is unset or empty.
std::optional<std::string> PostgresTestUrl();

// `url` with `?options=-csearch_path=<schema>` added: a store opened on it
// creates and uses its tables in that schema.
std::string UrlWithSearchPath(const std::string& url,
                              const std::string& schema);

// Runs `sql` (one or more statements) on a new connection to `url` and
// returns the rows of the last one as text (NULL as ""). The error names
// the SQL; for preparing or inspecting a database behind a store's back.
Result<std::vector<std::vector<std::string>>> RunSql(const std::string& url,
                                                     const std::string& sql);

// A TCP port on 127.0.0.1 with nothing listening on it (bound, then
// closed), or 0 if none could be bound.
int FreeLoopbackPort();

// A fresh, empty schema in the test database, dropped when this is
// destroyed.
class PostgresTestSchema {
 public:
  // FailedPrecondition(kPostgresSkipReason) when TIDEMARK_TEST_PG_URL is
  // unset; otherwise what the server says.
  static Result<std::unique_ptr<PostgresTestSchema>> Create();
  ~PostgresTestSchema();
  PostgresTestSchema(const PostgresTestSchema&) = delete;
  PostgresTestSchema& operator=(const PostgresTestSchema&) = delete;

  const std::string& name() const { return name_; }
  // The test URL pointed at this schema.
  const std::string& url() const { return url_; }

 private:
  PostgresTestSchema(std::string base_url, std::string name);

  std::string base_url_;
  std::string name_;
  std::string url_;
};

// Opens a PostgresCatalog in a fresh schema; the store drops the schema
// when it is destroyed (after closing its connections).
Result<std::unique_ptr<CatalogStore>> OpenPostgresTestCatalog(
    const PostgresCatalogOptions& options = {});

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_TESTING_POSTGRES_TEST_DATABASE_H_
