#include "app/config.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "testing/capabilities.h"

namespace tidemark::app {
namespace {

TEST(ConfigTest, DefaultsMatchSeed001) {
  auto config = ParseConfig("", "t.toml");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->hash, HashAlgorithm::kSha256);
  EXPECT_TRUE(config->filters.ignore_hidden);
  EXPECT_DOUBLE_EQ(config->mass_removal_threshold, 0.5);
}

TEST(ConfigTest, ReadsEverySection) {
  auto config = ParseConfig(R"(
[catalog]
db = "/var/lib/tidemark.db"
busy_timeout_ms = 100
[scan]
hash = "xxh3"
batch_size = 42
threads = 4
mass_removal_threshold = 0.25
[filters]
include = ["*.jpg"]
exclude = ["cache/**"]
ignore_hidden = false
)",
                            "t.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(*config->db, "/var/lib/tidemark.db");
  EXPECT_EQ(config->busy_timeout_ms, 100);
  EXPECT_EQ(config->hash, HashAlgorithm::kXxh3);
  EXPECT_EQ(config->batch_size, 42u);
  EXPECT_EQ(config->threads, 4);
  EXPECT_DOUBLE_EQ(config->mass_removal_threshold, 0.25);
  EXPECT_EQ(config->filters.include, std::vector<std::string>{"*.jpg"});
  EXPECT_FALSE(config->filters.ignore_hidden);
}

TEST(ConfigTest, ErrorsNameTheFileLineAndFix) {
  struct Case {
    const char* text;
    const char* expect;
  };
  for (const Case& c : {Case{"[scan]\nhash = \"md5\"\n", "sha256, xxh3"},
                        Case{"[scan]\nbatch_size = 0\n", "from 1 to"},
                        Case{"[scan]\nbogus = 1\n", "t.toml:2"},
                        Case{"[filters]\nexclude = [\"[x\"]\n", "[x"},
                        Case{"not toml at all [", "t.toml:1"}}) {
    auto config = ParseConfig(c.text, "t.toml");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find(c.expect), std::string::npos)
        << config.status().message();
  }
}

// Every numeric key of the config, with the values it accepts at its ends.
struct NumericKey {
  const char* section;
  const char* key;
  const char* min;  // the smallest value accepted
  const char* max;  // the largest value accepted
  const char* below;
  const char* above;
};

const std::vector<NumericKey>& NumericKeys() {
  static const auto* const kKeys = new std::vector<NumericKey>{
      {"catalog", "busy_timeout_ms", "1", "3600000", "0", "3600001"},
      {"scan", "batch_size", "1", "100000", "0", "100001"},
      {"scan", "threads", "1", "256", "0", "257"},
      {"scan", "mass_removal_threshold", "0", "1", "-0.01", "1.01"},
      {"lease", "heartbeat_ms", "1", "43200000", "0", "43200001"},
      {"lease", "timeout_ms", "2", "86400000", "1", "86400001"},
      {"worker", "interval_ms", "1", "31622400000", "0", "31622400001"},
      {"watch", "debounce_ms", "0", "31622400000", "-1", "31622400001"},
      {"watch", "reconcile_interval_ms", "1", "31622400000", "0",
       "31622400001"},
      {"watch", "unwatched_rescan_ms", "1", "31622400000", "0", "31622400001"},
      {"watch", "poll_ms", "1", "31622400000", "0", "31622400001"},
      {"watch", "directory_burst", "1", "1000000", "0", "1000001"},
      {"watch", "max_open_wait_ms", "1", "31622400000", "0", "31622400001"},
      {"serve", "webhook_max_attempts", "1", "100", "0", "101"},
      {"serve", "sync_max_age_ms", "0", "86400000", "-1", "86400001"},
      {"serve", "max_body_bytes", "1", "1099511627776", "0", "1099511627777"},
      {"serve", "threads", "4", "1024", "3", "1025"},
  };
  return *kKeys;
}

std::string Document(const NumericKey& k, const std::string& value) {
  std::string text =
      std::string("[") + k.section + "]\n" + k.key + " = " + value + "\n";
  // The lease's keys are checked together too: keep the other one fitting.
  if (std::string(k.key) == "heartbeat_ms") text += "timeout_ms = 86400000\n";
  if (std::string(k.key) == "timeout_ms") text += "heartbeat_ms = 1\n";
  return text;
}

TEST(ConfigTest, EveryNumericKeyAcceptsItsWholeRange) {
  for (const NumericKey& k : NumericKeys()) {
    for (const char* value : {k.min, k.max}) {
      auto config = ParseConfig(Document(k, value), "t.toml");
      EXPECT_TRUE(config.ok()) << k.section << "." << k.key << " = " << value
                               << ": " << config.status().ToString();
    }
  }
  // TOML's digit separators are a decimal still.
  auto separated = ParseConfig("[scan]\nbatch_size = 1_000\n", "t.toml");
  ASSERT_TRUE(separated.ok()) << separated.status().ToString();
  EXPECT_EQ(separated->batch_size, 1000u);
}

// The values that switched safety rules off or crashed the scan (issue 15:
// nan, 2.0, -1, 9223372036854775807, 100000000), the ends of each range,
// and every other TOML type. Each is refused naming the file, the line and
// the key.
TEST(ConfigTest, EveryNumericKeyRefusesBadValues) {
  for (const NumericKey& k : NumericKeys()) {
    const bool real = std::string(k.key) == "mass_removal_threshold";
    std::vector<std::string> bad = {k.below,
                                    k.above,
                                    "nan",
                                    "+nan",
                                    "-nan",
                                    "inf",
                                    "-inf",
                                    "-1",
                                    "2.0",
                                    "9223372036854775807",
                                    "-9223372036854775808",
                                    "10000000000000",
                                    "1e300",
                                    "\"1\"",
                                    "\"50abc\"",
                                    "true",
                                    "false",
                                    "[1]",
                                    "{ value = 1 }",
                                    "1979-05-27"};
    // A whole-number key takes no fraction, not even a whole one.
    if (!real) {
      bad.insert(bad.end(), {"1.5", "5000.0", "1e3", "0x10", "0o20", "0b1"});
    } else {
      bad.insert(bad.end(), {"-0.5", "1.0000001", "100000000"});
    }
    for (const std::string& value : bad) {
      auto config = ParseConfig(Document(k, value), "t.toml");
      const std::string where =
          std::string(k.section) + "." + k.key + " = " + value;
      ASSERT_FALSE(config.ok()) << where;
      EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument) << where;
      const std::string& message = config.status().message();
      // [serve]'s range errors name the file but not the line.
      const bool serve = std::string(k.section) == "serve";
      EXPECT_NE(message.find(serve ? "t.toml" : "t.toml:2"), std::string::npos)
          << where << ": " << message;
      EXPECT_NE(message.find(k.key), std::string::npos)
          << where << ": " << message;
    }
  }
}

TEST(ConfigTest, TheIssuesValuesAreRefusedWithTheRange) {
  struct Case {
    const char* text;
    const char* expect;
  };
  for (const Case& c :
       {Case{"[scan]\nmass_removal_threshold = nan\n", "from 0 to 1"},
        Case{"[scan]\nmass_removal_threshold = 2.0\n", "from 0 to 1"},
        Case{"[scan]\nmass_removal_threshold = -1\n", "from 0 to 1"},
        Case{"[scan]\nbatch_size = 9223372036854775807\n", "from 1 to 100000"},
        Case{"[scan]\nthreads = 100000000\n", "from 1 to 256"},
        Case{"[catalog]\nbusy_timeout_ms = -5\n", "from 1 to 3600000"}}) {
    auto config = ParseConfig(c.text, "t.toml");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_NE(config.status().message().find(c.expect), std::string::npos)
        << config.status().message();
  }
}

TEST(ConfigTest, BooleansAreTomlBooleansOnly) {
  for (const char* key :
       {"[filters]\nignore_hidden", "[filters]\nignore_system",
        "[filters]\nignore_temporary", "[filters]\nignore_backups",
        "[serve]\nstale_while_revalidate"}) {
    for (const char* value : {"1", "0", "\"true\"", "\"yes\"", "1.0", "nan"}) {
      const std::string text = std::string(key) + " = " + value + "\n";
      auto config = ParseConfig(text, "t.toml");
      ASSERT_FALSE(config.ok()) << text;
      EXPECT_NE(config.status().message().find("t.toml:2"), std::string::npos)
          << config.status().message();
    }
    EXPECT_TRUE(ParseConfig(std::string(key) + " = false\n", "t.toml").ok());
  }
}

TEST(ConfigTest, StringsAreTomlStringsOnly) {
  for (const char* text : {"[catalog]\ndb = 5\n", "[scan]\nhash = true\n",
                           "[worker]\nid = 1\n", "[serve]\nlisten = 8080\n"}) {
    auto config = ParseConfig(text, "t.toml");
    EXPECT_FALSE(config.ok()) << text;
  }
}

class LoadConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tidemark-config-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    chmod(dir_.c_str(), 0755);
  }
  void TearDown() override {
    (void)std::system(
        ("chmod -R u+rwx '" + dir_ + "'; rm -rf '" + dir_ + "'").c_str());
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  // Either way a config that exists but cannot be read is an error that
  // names it: only a missing default file means the defaults.
  void ExpectRefused(const std::string& path, const std::string& why) {
    for (bool required : {true, false}) {
      auto config = LoadConfig(path, required);
      ASSERT_FALSE(config.ok()) << path << " required=" << required;
      EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
      const std::string& message = config.status().message();
      EXPECT_NE(message.find(path), std::string::npos) << message;
      EXPECT_NE(message.find(why), std::string::npos) << message;
    }
  }
  std::string dir_;
};

TEST_F(LoadConfigTest, MissingOptionalFileGivesDefaults) {
  EXPECT_TRUE(LoadConfig(dir_ + "/none.toml", false).ok());
  auto required = LoadConfig(dir_ + "/none.toml", true);
  ASSERT_FALSE(required.ok());
  EXPECT_EQ(required.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(required.status().message().find("none.toml"), std::string::npos);
}

TEST_F(LoadConfigTest, ReadsAFileAndASymlinkToOne) {
  const std::string path = Write("t.toml", "[scan]\nthreads = 3\n");
  ASSERT_EQ(symlink(path.c_str(), (dir_ + "/link.toml").c_str()), 0);
  for (const std::string& p : {path, dir_ + "/link.toml"}) {
    auto config = LoadConfig(p, true);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->threads, 3);
  }
}

TEST_F(LoadConfigTest, ADirectoryIsRefused) {
  ExpectRefused(dir_, "directory");
}

TEST_F(LoadConfigTest, AFifoIsRefusedWithoutWaitingForAWriter) {
  const std::string fifo = dir_ + "/fifo.toml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  // An open that waits for a writer would wait forever: end the test
  // binary instead (SIGALRM), so the failure shows.
  alarm(60);
  ExpectRefused(fifo, "not a regular file");
  alarm(0);
}

TEST_F(LoadConfigTest, ADanglingSymlinkIsRefused) {
  const std::string link = dir_ + "/dangling.toml";
  ASSERT_EQ(symlink((dir_ + "/gone.toml").c_str(), link.c_str()), 0);
  ExpectRefused(link, "gone.toml");
}

TEST_F(LoadConfigTest, ADeviceIsRefused) {
  auto config = LoadConfig("/dev/zero", true);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("not a regular file"),
            std::string::npos)
      << config.status().message();
}

TEST_F(LoadConfigTest, AnUnreadableFileIsRefused) {
  const std::string path = Write("secret.toml", "[scan]\nthreads = 3\n");
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  const std::string failure = RunWithoutDacOverride([&]() -> std::string {
    for (bool required : {true, false}) {
      auto config = LoadConfig(path, required);
      if (config.ok()) return "an unreadable config was read as defaults";
      if (config.status().message().find("ermission") == std::string::npos ||
          config.status().message().find(path) == std::string::npos) {
        return "unclear: " + config.status().message();
      }
    }
    return "";
  });
  EXPECT_EQ(failure, "");
}

TEST_F(LoadConfigTest, AnOversizedFileIsRefused) {
  const std::string path =
      Write("big.toml", "# " + std::string(2 << 20, 'x') + "\n");
  ExpectRefused(path, "larger than");
}

}  // namespace
}  // namespace tidemark::app
