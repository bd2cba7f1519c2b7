// The [serve] keys of issue 15: the header deadline, the per-address
// connection limit and allowed_roots, each range- and form-checked when the
// config is read, so a typo never leaves the server open.
#include <gtest/gtest.h>

#include "app/config.h"

namespace tidemark::app {
namespace {

TEST(ServeConfigTest, DefaultsAreSafe) {
  auto config = ParseConfig("", "t.toml");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->serve.header_timeout_ms, 10'000);
  EXPECT_FALSE(config->serve.connections_per_address.has_value());
  EXPECT_TRUE(config->serve.allowed_roots.empty());
}

TEST(ServeConfigTest, ReadsTheGuardsAndTheRoots) {
  auto config = ParseConfig(R"(
[serve]
header_timeout_ms = 2500
connections_per_address = 64
allowed_roots = ["/srv/media", "file:///data/photos", "webdavs://disk.example.com/p"]
)",
                            "t.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->serve.header_timeout_ms, 2500);
  EXPECT_EQ(config->serve.connections_per_address, 64);
  EXPECT_EQ(config->serve.allowed_roots.size(), 3u);
}

TEST(ServeConfigTest, RefusesBadValuesNamingTheKey) {
  for (const char* bad : {
           "header_timeout_ms = 0",
           "header_timeout_ms = 99",
           "header_timeout_ms = 600001",
           "header_timeout_ms = -1",
           "header_timeout_ms = \"10s\"",
           "header_timeout_ms = 1.5",
           "connections_per_address = 0",
           "connections_per_address = -5",
           "connections_per_address = 100001",
           "connections_per_address = 9223372036854775807",
           "connections_per_address = true",
           "allowed_roots = \"/srv/media\"",
           "allowed_roots = [1]",
           "allowed_roots = [\"srv/media\"]",
           "allowed_roots = [\"\"]",
           "allowed_roots = [\"/srv\", \"../etc\"]",
           "allowed_roots = [\"s3://bucket/prefix\"]",
           "allowed_roots = [\"webdavs://user@host/p\"]",
           "allowed_roots = [\"file://otherhost/srv\"]",
       }) {
    auto config = ParseConfig(std::string("[serve]\n") + bad + "\n", "t.toml");
    ASSERT_FALSE(config.ok()) << bad;
    const std::string key =
        std::string(bad).substr(0, std::string(bad).find(' '));
    EXPECT_NE(config.status().message().find(key), std::string::npos)
        << bad << ": " << config.status().message();
  }
}

}  // namespace
}  // namespace tidemark::app
