// Every number and boolean tidemark takes from a flag, the config or the
// environment, through the real binary (issue 15, defects 4, 5 and 7): a bad
// value is a usage error (exit 2) that names the input and its range, it is
// refused before any lease or operation is taken, and a config that exists
// but cannot be read is never replaced by the defaults.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "catalog_kinds.h"
#include "cli_runner.h"

namespace tidemark::testing {
namespace {

class StrictInputTest : public CatalogKindTest {
 protected:
  void SetUp() override {
    CatalogKindTest::SetUp();
    if (IsSkipped()) return;
    for (int i = 0; i < 10; ++i) {
      ws_.Write("f/" + std::to_string(i) + ".jpg", std::to_string(i));
    }
    ASSERT_EQ(ws_.Run({"repo", "add", "lib", ws_.root()}).exit_code, 0);
    RunResult scan = ws_.Run({"scan", "lib"});
    ASSERT_EQ(scan.exit_code, 0) << scan.err;
    good_ = Config("", "good.toml");
  }

  // A config file in the workspace holding `text`; returns its path.
  std::string Config(const std::string& text,
                     const std::string& name = "bad.toml") {
    const std::string path = ws_.dir() + "/" + name;
    std::ofstream(path, std::ios::trunc) << text;
    return path;
  }

  size_t CatalogCount() {
    RunResult r = ws_.Run({"--config", good_, "files", "lib", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.Json().size();
  }

  // A refused input left nothing behind: no operation running, no lease
  // held. Read with a config that works, whatever ./tidemark.toml is.
  void ExpectNothingLeftBehind(const std::string& after) {
    RunResult history =
        ws_.Run({"--config", good_, "history", "lib", "--json"});
    ASSERT_EQ(history.exit_code, 0) << after << ": " << history.err;
    for (const nlohmann::json& op : history.Json()) {
      EXPECT_NE(op["status"], "running") << after << ": " << op.dump();
    }
    RunResult status = ws_.Run({"--config", good_, "status", "lib", "--json"});
    ASSERT_EQ(status.exit_code, 0) << after << ": " << status.err;
    EXPECT_TRUE(status.Json()["lease"].is_null())
        << after << ": " << status.out;
  }

  // `args` is refused with exit 2 and a message that names every one of
  // `names`. (A refusal that took a lease or began an operation shows in
  // the ExpectNothingLeftBehind that ends each test: a lease lives 60 s.)
  void ExpectUsageError(const std::vector<std::string>& args,
                        const std::vector<std::string>& names,
                        const std::vector<std::string>& env = {}) {
    std::string shown;
    for (const std::string& a : args) shown += " " + a;
    for (const std::string& e : env) shown = e + shown;
    RunResult r = ws_.Run(args, env);
    EXPECT_EQ(r.exit_code, 2) << shown << "\n" << r.out << r.err;
    for (const std::string& name : names) {
      EXPECT_TRUE(Contains(r.err, name)) << shown << ": " << r.err;
    }
  }

  // Removes `count` of the repository's files from storage.
  void RemoveFiles(int count) {
    for (int i = 0; i < count; ++i) {
      ASSERT_EQ(unlink(ws_.Path("f/" + std::to_string(i) + ".jpg").c_str()), 0);
    }
  }

  std::string good_;  // an empty config: the defaults
};

// The inputs whose refusal does not depend on the catalog: SQLite only.
class StrictFlagTest : public StrictInputTest {};

// Issue 15, defect 4: with `nan` (or 2.0, or -1) a scan removed 70% of the
// catalog without a pause.
TEST_P(StrictInputTest, ABadThresholdIsRefusedAndTheDefaultStillPauses) {
  RemoveFiles(7);
  for (const char* value :
       {"nan", "2.0", "-1", "inf", "-inf", "1.5", "\"0.5\"", "true"}) {
    const std::string config =
        Config(std::string("[scan]\nmass_removal_threshold = ") + value + "\n");
    ExpectUsageError({"--config", config, "scan", "lib"},
                     {"bad.toml:2", "mass_removal_threshold"});
    EXPECT_EQ(CatalogCount(), 10u) << value;
  }
  ExpectNothingLeftBehind("bad thresholds");
  RunResult paused = ws_.Run({"scan", "lib", "--json"});
  EXPECT_EQ(paused.exit_code, 3) << paused.out << paused.err;
  EXPECT_EQ(paused.Json()["results"][0]["counters"]["removed"], 0);
  EXPECT_EQ(paused.Json()["results"][0]["removals_deferred"], 7);
  EXPECT_EQ(CatalogCount(), 10u);
}

// The same config value guards `repair --remove-orphaned`, which deleted
// 30 of 40 files from storage without --force.
TEST_P(StrictInputTest, ABadThresholdNeverLetsRepairDeleteWithoutForce) {
  for (int i = 0; i < 30; ++i) {
    ws_.Write("orphans/" + std::to_string(i) + ".jpg", "o");
  }
  ASSERT_EQ(ws_.ListFiles().size(), 40u);
  for (const char* value : {"nan", "2.0", "-1", "inf"}) {
    const std::string config =
        Config(std::string("[scan]\nmass_removal_threshold = ") + value + "\n");
    ExpectUsageError({"--config", config, "repair", "lib", "--remove-orphaned"},
                     {"mass_removal_threshold"});
    EXPECT_EQ(ws_.ListFiles().size(), 40u) << value;
  }
  ExpectNothingLeftBehind("bad thresholds");
  RunResult refused = ws_.Run({"repair", "lib", "--remove-orphaned"});
  EXPECT_EQ(refused.exit_code, 4) << refused.out << refused.err;
  EXPECT_TRUE(Contains(refused.err, "--force")) << refused.err;
  EXPECT_EQ(ws_.ListFiles().size(), 40u);
  ExpectNothingLeftBehind("repair refused");
}

// Issue 15, defect 5: these crashed the scan (std::length_error, or
// threads up to the system's limit), leaving its operation running and
// its lease held. (Not run on the base binary: 100000000 threads.)
TEST_P(StrictFlagTest, SizesAndCountsFromFlagsAreBounded) {
  struct Case {
    const char* flag;
    const char* value;
  };
  for (const Case& c :
       {Case{"--batch-size", "9223372036854775807"},
        Case{"--batch-size", "100001"}, Case{"--batch-size", "0"},
        Case{"--batch-size", "-1"}, Case{"--batch-size", "0x10"},
        Case{"--batch-size", "1e3"}, Case{"--batch-size", " 5"},
        Case{"--batch-size", "5000.0"}, Case{"--batch-size", "50abc"},
        Case{"--threads", "100000000"}, Case{"--threads", "257"},
        Case{"--threads", "0"}, Case{"--threads", "-1"},
        Case{"--threads", "0x10"}, Case{"--threads", "0b11"},
        Case{"--threads", "1_0"}, Case{"--threads", "2.0"}}) {
    ExpectUsageError({"scan", "lib", c.flag, c.value},
                     {c.flag, std::string("'") + c.value + "'", "from 1 to"});
  }
  ExpectNothingLeftBehind("bad sizes and counts");
  RunResult ok = ws_.Run(
      {"scan", "lib", "--batch-size", "100000", "--threads", "256", "--json"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_P(StrictFlagTest, SizesAndCountsFromTheConfigAreBounded) {
  for (const char* text :
       {"[scan]\nbatch_size = 9223372036854775807\n",
        "[scan]\nbatch_size = 100001\n", "[scan]\nbatch_size = 5000.0\n",
        "[scan]\nthreads = 100000000\n", "[scan]\nthreads = 257\n",
        "[catalog]\nbusy_timeout_ms = 0\n",
        "[catalog]\nbusy_timeout_ms = 9223372036854775807\n",
        "[watch]\ndirectory_burst = 9223372036854775807\n",
        "[filters]\nignore_hidden = 0\n"}) {
    ExpectUsageError({"--config", Config(text), "scan", "lib"}, {"bad.toml:2"});
  }
  ExpectNothingLeftBehind("bad config values");
}

TEST_P(StrictFlagTest, ListLimitsAreStrict) {
  for (const char* value :
       {"-1", "0x10", "1e3", " 5", "5.0", "abc", "1000000001"}) {
    ExpectUsageError({"files", "lib", "--limit", value},
                     {"--limit", "from 0 to"});
  }
  for (const char* value : {"0", "-1", "0x10", "1e3", "100001", ""}) {
    ExpectUsageError({"history", "lib", "--limit", value},
                     {"--limit", "from 1 to"});
  }
  EXPECT_EQ(ws_.Run({"files", "lib", "--limit", "3", "--json"}).Json().size(),
            3u);
}

// TIDEMARK_BUSY_TIMEOUT_MS=50abc was read as 50.
TEST_P(StrictFlagTest, TheBusyTimeoutFromTheEnvironmentIsStrict) {
  for (const char* value : {"50abc", "", " 50", "50 ", "0", "-1", "0x10", "1e3",
                            "3600001", "99999999999999999999"}) {
    const std::string env = std::string("TIDEMARK_BUSY_TIMEOUT_MS=") + value;
    // The message names the variable and the value as given.
    ExpectUsageError(
        {"scan", "lib"},
        {"TIDEMARK_BUSY_TIMEOUT_MS", "'" + std::string(value) + "'"}, {env});
  }
  ExpectNothingLeftBehind("bad TIDEMARK_BUSY_TIMEOUT_MS");
  RunResult ok = ws_.Run({"scan", "lib"}, {"TIDEMARK_BUSY_TIMEOUT_MS=3600000"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// A worker id is printed by other workers (status, history): an escape
// sequence or a newline in it reached their terminals.
TEST_P(StrictFlagTest, AWorkerIdWithControlCharactersIsRefused) {
  ExpectUsageError({"--worker-id", "x\x1b[31mRED", "scan", "lib"},
                   {"worker id", "control character"});
  ExpectUsageError({"scan", "lib"}, {"worker id", "control character"},
                   {"TIDEMARK_WORKER_ID=a\nb"});
  ExpectNothingLeftBehind("worker ids with control characters");
  RunResult ok = ws_.Run({"--worker-id", "host-a:1", "scan", "lib"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// A flag is given or not: `--dry-run=0` ran the real repair, and
// `--dry-run=true` was taken silently.
TEST_P(StrictFlagTest, BooleanFlagsTakeNoValue) {
  ws_.Write("orphan.jpg", "o");
  struct Case {
    std::vector<std::string> args;
    const char* flag;
  };
  for (const Case& c :
       {Case{{"repair", "lib", "--remove-orphaned", "--dry-run=0"}, "dry-run"},
        Case{{"repair", "lib", "--remove-orphaned", "--dry-run=no"}, "dry-run"},
        Case{{"repair", "lib", "--remove-orphaned", "--dry-run=false"},
             "dry-run"},
        Case{{"repair", "lib", "--remove-orphaned", "--dry-run=true"},
             "dry-run"},
        Case{{"scan", "lib", "--allow-mass-removal=yes"}, "allow-mass-removal"},
        Case{{"status", "lib", "--json=no"}, "json"},
        Case{{"status", "lib", "--json=true"}, "json"},
        Case{{"--quiet=true", "status", "lib"}, "quiet"}}) {
    ExpectUsageError(c.args, {c.flag, "takes no value"});
    EXPECT_EQ(ws_.ListFiles().size(), 11u);
  }
  ExpectNothingLeftBehind("boolean flags with values");
}

// Issue 15, defect 7: `--config DIRECTORY` ran with the defaults, which
// would drop tokens and thresholds.
TEST_P(StrictFlagTest, AConfigThatCannotBeReadIsAUsageError) {
  RemoveFiles(7);  // a scan with the defaults would pause; none must run
  ExpectUsageError({"--config", "/tmp", "scan", "lib"},
                   {"'/tmp'", "directory"});
  MakeDirs(ws_.dir() + "/conf.d");
  ExpectUsageError({"--config", ws_.dir() + "/conf.d", "scan", "lib"},
                   {"conf.d", "directory", "--config"});
  const std::string link = ws_.dir() + "/dangling.toml";
  ASSERT_EQ(symlink((ws_.dir() + "/gone.toml").c_str(), link.c_str()), 0);
  ExpectUsageError({"--config", link, "scan", "lib"}, {link, "gone.toml"});
  ExpectUsageError({"--config", ws_.dir() + "/none.toml", "scan", "lib"},
                   {"none.toml"});
  ExpectNothingLeftBehind("bad --config");
  const std::string secret = Config("[scan]\nthreads = 3\n", "secret.toml");
  ASSERT_EQ(chmod(secret.c_str(), 0), 0);
  RunResult unreadable = ws_.Run({"--config", secret, "scan", "lib"}, {},
                                 /*drop_dac_capabilities=*/true);
  EXPECT_EQ(unreadable.exit_code, 2) << unreadable.err;
  EXPECT_TRUE(Contains(unreadable.err, secret)) << unreadable.err;
  EXPECT_TRUE(Contains(unreadable.err, "ermission")) << unreadable.err;
  ExpectNothingLeftBehind("unreadable --config");
  EXPECT_EQ(CatalogCount(), 10u);
}

// Only a missing ./tidemark.toml means the defaults.
TEST_P(StrictFlagTest, ADefaultConfigThatCannotBeReadIsAUsageError) {
  RemoveFiles(7);
  const std::string fallback = ws_.dir() + "/tidemark.toml";
  MakeDirs(fallback);
  ExpectUsageError({"scan", "lib"}, {"tidemark.toml", "directory"});
  ASSERT_EQ(rmdir(fallback.c_str()), 0);
  ASSERT_EQ(symlink((ws_.dir() + "/gone.toml").c_str(), fallback.c_str()), 0);
  ExpectUsageError({"scan", "lib"}, {"tidemark.toml", "gone.toml"});
  ExpectNothingLeftBehind("bad ./tidemark.toml");
  ASSERT_EQ(unlink(fallback.c_str()), 0);
  Config("[scan]\nthreads = 3\n", "tidemark.toml");
  ASSERT_EQ(chmod(fallback.c_str(), 0), 0);
  RunResult unreadable =
      ws_.Run({"scan", "lib"}, {}, /*drop_dac_capabilities=*/true);
  EXPECT_EQ(unreadable.exit_code, 2) << unreadable.out << unreadable.err;
  EXPECT_TRUE(Contains(unreadable.err, "tidemark.toml")) << unreadable.err;
  ExpectNothingLeftBehind("unreadable ./tidemark.toml");
  EXPECT_EQ(CatalogCount(), 10u);
}

// A FIFO would block the open until a writer came: it is refused at once.
TEST_P(StrictFlagTest, AFifoConfigIsRefusedWithoutHanging) {
  const std::string fifo = ws_.dir() + "/tidemark.toml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--config", fifo, "status"},
                                             {"status"}}) {
    auto run = ws_.Start(args, "fifo");
    // A generous limit: a refusal takes milliseconds, a hang forever.
    const bool ended =
        WaitUntil([&] { return run->Exited(); }, std::chrono::seconds(30));
    ASSERT_TRUE(ended) << "tidemark waits on a FIFO config";
    EXPECT_EQ(run->Wait(), 2) << run->err();
    EXPECT_TRUE(Contains(run->err(), "not a regular file")) << run->err();
  }
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(StrictInputTest);
INSTANTIATE_TEST_SUITE_P(Catalogs, StrictFlagTest, ::testing::Values("sqlite"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace tidemark::testing
