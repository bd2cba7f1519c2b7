// The catalogs every integration test runs against: "sqlite" (a file in the
// test's workspace) and "postgres" (a fresh schema in the PostgreSQL cluster
// that scripts/test.sh starts; see tests/testing/postgres_test_database.h).
//
// A suite derives its fixture from CatalogKindTest, writes TEST_P, and
// instantiates it with INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(Fixture). The
// fixture's workspace then runs tidemark on that catalog. Without a cluster
// the postgres cases skip, which scripts/test.sh counts as a failure in CI.
#ifndef TIDEMARK_TESTS_INTEGRATION_CATALOG_KINDS_H_
#define TIDEMARK_TESTS_INTEGRATION_CATALOG_KINDS_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "common/status.h"

namespace tidemark::testing {

std::vector<std::string> AllCatalogKinds();

class CatalogKindTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  bool postgres() const { return GetParam() == "postgres"; }

  // Runs `sql` on the catalog behind tidemark's back (after tidemark has
  // created it), to break it on purpose: a trigger that fails a write is
  // a real catalog failure at a chosen point.
  Status Sql(const std::string& sql);

  Workspace ws_;

 private:
  struct Database;
  std::shared_ptr<Database> database_;
};

}  // namespace tidemark::testing

#define INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(fixture)             \
  INSTANTIATE_TEST_SUITE_P(                                        \
      Catalogs, fixture,                                           \
      ::testing::ValuesIn(::tidemark::testing::AllCatalogKinds()), \
      [](const ::testing::TestParamInfo<std::string>& info) {      \
        return info.param;                                         \
      })

#endif  // TIDEMARK_TESTS_INTEGRATION_CATALOG_KINDS_H_
