// Bad PostgreSQL catalogs through the real binary: each gets a clear error
// that names the server (never the password) and a documented exit code,
// and a refused catalog is never written to.
#include <gtest/gtest.h>

#include <string>

#include "catalog/migrations.h"
#include "cli_runner.h"
#include "testing/postgres_test_database.h"

namespace tidemark::testing {
namespace {

class PostgresCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = PostgresTestUrl();
    if (!url) GTEST_SKIP() << kPostgresSkipReason;
    url_ = *url;
  }

  // url_ with `from` replaced by `to` (the first occurrence).
  std::string Replace(const std::string& from, const std::string& to) const {
    std::string out = url_;
    out.replace(out.find(from), from.size(), to);
    return out;
  }

  Workspace ws_;
  std::string url_;
};

TEST_F(PostgresCliTest, WrongPasswordIsRefusedWithoutShowingIt) {
  RunResult r =
      ws_.Run({"--db", Replace(":tidemark@", ":s3cret-wrong@"), "status"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_TRUE(Contains(r.err, "credentials")) << r.err;
  EXPECT_TRUE(Contains(r.err, "~/.pgpass")) << r.err;
  EXPECT_FALSE(Contains(r.err + r.out, "s3cret-wrong")) << r.err;
}

TEST_F(PostgresCliTest, RefusedConnectionSaysIsTheServerRunning) {
  const std::string port = std::to_string(FreeLoopbackPort());
  const size_t colon = url_.rfind(':');
  const size_t slash = url_.find('/', colon);
  std::string url = url_.substr(0, colon + 1) + port + url_.substr(slash);
  RunResult r = ws_.Run({"--db", url, "repo", "list"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_TRUE(Contains(r.err, "127.0.0.1:" + port)) << r.err;
  EXPECT_TRUE(Contains(r.err, "is the server running")) << r.err;
  EXPECT_FALSE(Contains(r.err, ":tidemark@")) << "password shown: " << r.err;
}

TEST_F(PostgresCliTest, MalformedUrlIsAUsageError) {
  RunResult r =
      ws_.Run({"--db", "postgresql://u:pw@127.0.0.1:notaport/x", "status"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, "malformed PostgreSQL URL")) << r.err;
  EXPECT_FALSE(Contains(r.err, ":pw@")) << r.err;
}

TEST_F(PostgresCliTest, MissingDatabaseSaysHowToCreateIt) {
  RunResult r =
      ws_.Run({"--db", Replace("/tidemark_test", "/no_such_db"), "status"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, "createdb")) << r.err;
}

TEST_F(PostgresCliTest, NewerSchemaIsRefusedAndLeftAlone) {
  auto schema = PostgresTestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const std::string db = (*schema)->url();
  ASSERT_EQ(ws_.Run({"--db", db, "repo", "list"}).exit_code, 0);
  ASSERT_TRUE(RunSql(db, "INSERT INTO schema_version VALUES (" +
                             std::to_string(LatestSchemaVersion() + 1) +
                             ", 'from the future')")
                  .ok());
  RunResult r = ws_.Run({"--db", db, "repo", "add", "x", ws_.root()});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_TRUE(Contains(r.err, "newer than this tidemark")) << r.err;
  auto repos = RunSql(db, "SELECT count(*) FROM repositories");
  ASSERT_TRUE(repos.ok());
  EXPECT_EQ((*repos)[0][0], "0");
}

TEST_F(PostgresCliTest, OlderSchemaIsMigratedForward) {
  auto schema = PostgresTestSchema::Create();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const std::string db = (*schema)->url();
  ASSERT_EQ(ws_.Run({"--db", db, "repo", "add", "x", ws_.root()}).exit_code, 0);
  // Back to version 1, as a tidemark of the first release left it.
  ASSERT_TRUE(RunSql(db,
                     "DROP TABLE entities, repository_watch, sync_requests; "
                     "ALTER "
                     "TABLE repositories DROP COLUMN detached; "
                     "DROP TABLE repository_leases; DROP SEQUENCE "
                     "lease_tokens; ALTER TABLE "
                     "sync_operations DROP COLUMN worker; DELETE FROM "
                     "schema_version WHERE version > 1")
                  .ok());
  RunResult r = ws_.Run({"--db", db, "scan", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto version = RunSql(db, "SELECT max(version) FROM schema_version");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ((*version)[0][0], std::to_string(LatestSchemaVersion()));
}

}  // namespace
}  // namespace tidemark::testing
