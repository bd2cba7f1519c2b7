#include "cli/config.h"

#include <gtest/gtest.h>

namespace tidemark::cli {
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
                        Case{"[scan]\nbatch_size = 0\n", "at least 1"},
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

TEST(ConfigTest, MissingOptionalFileGivesDefaults) {
  EXPECT_TRUE(LoadConfig("/nonexistent/tidemark.toml", false).ok());
  EXPECT_FALSE(LoadConfig("/nonexistent/tidemark.toml", true).ok());
}

}  // namespace
}  // namespace tidemark::cli
