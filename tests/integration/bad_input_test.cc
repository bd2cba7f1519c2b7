// Every bad input the foundation issue names, through the real binary: each
// gets a clear error and a documented exit code, and nothing is lost.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "catalog_kinds.h"
#include "cli_runner.h"

namespace tidemark::testing {
namespace {

class BadInputTest : public CatalogKindTest {
 protected:
  void SetUp() override {
    CatalogKindTest::SetUp();
    if (IsSkipped()) return;
    ws_.Write("a/one.jpg", "1");
    ws_.Write("a/two.jpg", "22");
    ws_.Write("b/three.jpg", "333");
    RunResult add = ws_.Run({"repo", "add", "lib", ws_.root()});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    RunResult scan = ws_.Run({"scan", "lib"});
    ASSERT_EQ(scan.exit_code, 0) << scan.err;
  }
  size_t CatalogCount() {
    RunResult r = ws_.Run({"files", "lib", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.Json().size();
  }
};

// The same, for what only a SQLite file can suffer.
class SqliteFileTest : public BadInputTest {};

TEST_P(BadInputTest, MissingRootFailsMarksOfflineAndKeepsRecords) {
  ASSERT_EQ(std::rename(ws_.root().c_str(), (ws_.dir() + "/moved").c_str()), 0);
  RunResult scan = ws_.Run({"scan", "lib"});
  EXPECT_EQ(scan.exit_code, 4);
  EXPECT_TRUE(Contains(scan.err, "offline")) << scan.err;
  EXPECT_TRUE(Contains(scan.err, "root")) << scan.err;
  EXPECT_EQ(CatalogCount(), 3u);
  RunResult status = ws_.Run({"status", "lib", "--json"});
  EXPECT_EQ(status.Json()["state"], "offline");
  EXPECT_EQ(status.Json()["last_operation"]["status"], "failed");
  // Back online: the catalog is intact and the state recovers.
  ASSERT_EQ(std::rename((ws_.dir() + "/moved").c_str(), ws_.root().c_str()), 0);
  RunResult again = ws_.Run({"scan", "lib", "--json"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.Json()["results"][0]["rows_written"], 0);
  EXPECT_EQ(ws_.Run({"status", "lib", "--json"}).Json()["state"], "online");
}

TEST_P(BadInputTest, UnreadableRootFailsWithoutTouchingRecords) {
  ASSERT_EQ(chmod(ws_.root().c_str(), 0), 0);
  RunResult scan = ws_.Run({"scan", "lib"}, {}, /*drop_dac=*/true);
  chmod(ws_.root().c_str(), 0755);
  EXPECT_EQ(scan.exit_code, 4) << scan.err;
  EXPECT_TRUE(Contains(scan.err, "ermission")) << scan.err;
  EXPECT_EQ(CatalogCount(), 3u);
}

TEST_P(BadInputTest, UnreadableSubdirectoryIsPartialAndKeepsItsRecords) {
  ws_.Write("c/new.jpg", "4444");
  ASSERT_EQ(unlink(ws_.Path("b/three.jpg").c_str()), 0);
  ws_.Write("b/four.jpg", "4");
  ASSERT_EQ(chmod(ws_.Path("a").c_str(), 0), 0);
  RunResult scan = ws_.Run({"scan", "lib", "--json"}, {}, /*drop_dac=*/true);
  chmod(ws_.Path("a").c_str(), 0755);
  EXPECT_EQ(scan.exit_code, 3) << scan.out << scan.err;
  EXPECT_TRUE(Contains(scan.err, "could not list 'a'")) << scan.err;
  nlohmann::json result = scan.Json()["results"][0];
  EXPECT_EQ(result["status"], "partial");
  EXPECT_EQ(result["counters"]["added"], 2);
  EXPECT_EQ(result["counters"]["removed"], 0);  // deferred: walk was partial
  RunResult files = ws_.Run({"files", "lib", "--json"});
  std::vector<std::string> paths = PathsOf(files.Json());
  EXPECT_EQ(paths,
            (std::vector<std::string>{"a/one.jpg", "a/two.jpg", "b/four.jpg",
                                      "b/three.jpg", "c/new.jpg"}));
  RunResult history = ws_.Run({"history", "lib", "--json"});
  EXPECT_EQ(history.Json()[0]["status"], "partial");
  // Readable again: the next scan completes and applies the removal.
  RunResult healed = ws_.Run({"scan", "lib", "--json"});
  EXPECT_EQ(healed.exit_code, 0) << healed.err;
  EXPECT_EQ(healed.Json()["results"][0]["counters"]["removed"], 1);
}

TEST_P(BadInputTest, UnknownRepositoryIsAUsageErrorNamingTheKnownOnes) {
  RunResult scan = ws_.Run({"scan", "nope"});
  EXPECT_EQ(scan.exit_code, 2);
  EXPECT_TRUE(Contains(scan.err, "no repository named 'nope'")) << scan.err;
  EXPECT_TRUE(Contains(scan.err, "lib")) << scan.err;
  RunResult json = ws_.Run({"files", "nope", "--json"});
  EXPECT_EQ(json.exit_code, 2);
  // The HTTP API's spelling of the code (docs/API.md).
  EXPECT_EQ(json.Json()["code"], "not_found");
}

TEST_P(BadInputTest, MalformedUrlsAreRejected) {
  for (const std::string url : {"file://relative/path", "s3://bucket/prefix",
                                "ftp://host/x", "file:///bad%zzescape", ""}) {
    RunResult add = ws_.Run({"repo", "add", "x", url});
    EXPECT_EQ(add.exit_code, 2) << url << ": " << add.err;
    EXPECT_TRUE(Contains(add.err, "tidemark: error:")) << add.err;
  }
  RunResult missing = ws_.Run({"repo", "add", "x", ws_.dir() + "/nowhere"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(Contains(missing.err, "--allow-offline")) << missing.err;
  RunResult dup = ws_.Run({"repo", "add", "lib", ws_.root()});
  EXPECT_EQ(dup.exit_code, 2);
  EXPECT_TRUE(Contains(dup.err, "already exists")) << dup.err;
  EXPECT_EQ(ws_.Run({"repo", "list", "--json"}).Json().size(), 1u);
}

TEST_P(BadInputTest, UsageErrorsExitTwo) {
  EXPECT_EQ(ws_.Run({"scan", "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(ws_.Run({}).exit_code, 2);
  EXPECT_EQ(ws_.Run({"scan", "lib", "--hash", "md5"}).exit_code, 2);
  EXPECT_EQ(ws_.Run({"--help"}).exit_code, 0);
}

TEST_P(BadInputTest, MalformedConfigNamesTheFileAndLine) {
  const std::string config = ws_.dir() + "/bad.toml";
  std::ofstream(config) << "[scan]\nhash = \"sha256\"\nbatch_size = \"lots\"\n";
  RunResult r = ws_.Run({"--config", config, "status"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "bad.toml:3")) << r.err;
  RunResult missing = ws_.Run({"--config", ws_.dir() + "/none.toml", "status"});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST_P(SqliteFileTest, LockedDatabaseFailsClearlyAfterTheBusyTimeout) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(ws_.db().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  ws_.Write("a/new.jpg", "n");
  RunResult scan = ws_.Run({"scan", "lib"}, {"TIDEMARK_BUSY_TIMEOUT_MS=200"});
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(scan.exit_code, 4) << scan.err;
  EXPECT_TRUE(Contains(scan.err, "locked")) << scan.err;
  RunResult after = ws_.Run({"scan", "lib", "--json"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(CatalogCount(), 4u);
}

TEST_P(SqliteFileTest, ReadOnlyDatabaseFailsClearlyAndStaysIntact) {
  // Checkpoint everything into the main file, then make it read-only.
  ASSERT_EQ(ws_.Run({"status"}).exit_code, 0);
  const std::string before = ReadFileBytes(ws_.db());
  ASSERT_EQ(chmod(ws_.db().c_str(), 0444), 0);
  ws_.Write("a/new.jpg", "n");
  RunResult scan = ws_.Run({"scan", "lib"}, {}, /*drop_dac=*/true);
  chmod(ws_.db().c_str(), 0644);
  EXPECT_EQ(scan.exit_code, 4) << scan.err;
  EXPECT_TRUE(Contains(scan.err, "read-only") ||
              Contains(scan.err, "readonly") ||
              Contains(scan.err, "permission"))
      << scan.err;
  EXPECT_TRUE(Contains(scan.err, ws_.db())) << scan.err;
  EXPECT_EQ(CatalogCount(), 3u);
}

TEST_P(SqliteFileTest, CorruptDatabaseIsNeverOverwritten) {
  const std::string corrupt = ws_.dir() + "/corrupt.db";
  std::string garbage(8192, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) {
    garbage[i] = static_cast<char>((i * 131 + 7) % 251);
  }
  std::ofstream(corrupt, std::ios::binary) << garbage;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"--db", corrupt, "scan"},
           {"--db", corrupt, "repo", "add", "x", ws_.root()},
           {"--db", corrupt, "status"}}) {
    RunResult r = ws_.Run(args);
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_TRUE(Contains(r.err, corrupt)) << r.err;
    EXPECT_TRUE(Contains(r.err, "not a")) << r.err;
  }
  EXPECT_EQ(ReadFileBytes(corrupt), garbage);
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(BadInputTest);
INSTANTIATE_TEST_SUITE_P(Catalogs, SqliteFileTest, ::testing::Values("sqlite"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace tidemark::testing
