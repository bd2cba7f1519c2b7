#include "app/repository_options.h"

#include <gtest/gtest.h>

namespace tidemark::app {
namespace {

TEST(RepositoryOptionsTest, RoundTripsThroughJson) {
  RepositoryOptions options;
  options.hash = HashAlgorithm::kXxh3;
  options.include = {"*.jpg"};
  options.exclude = {"tmp/**"};
  options.default_ignores = false;
  auto back = ParseRepositoryOptions(RepositoryOptionsToJson(options), "r");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->hash, HashAlgorithm::kXxh3);
  EXPECT_EQ(back->include, options.include);
  EXPECT_EQ(back->exclude, options.exclude);
  EXPECT_EQ(back->default_ignores, false);
  EXPECT_FALSE(ParseRepositoryOptions("{}", "r")->hash.has_value());
}

TEST(RepositoryOptionsTest, MalformedJsonNamesTheRepository) {
  auto bad = ParseRepositoryOptions("{\"hash\": 3}", "photos");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("photos"), std::string::npos);
  EXPECT_FALSE(ParseRepositoryOptions("not json", "r").ok());
}

TEST(RepositoryOptionsTest, RepositoryGlobsAddToTheConfig) {
  Config config;
  config.filters.exclude = {"a/**"};
  RepositoryOptions options;
  options.exclude = {"b/**"};
  options.default_ignores = false;
  FilterConfig f = EffectiveFilters(config, options);
  EXPECT_EQ(f.exclude, (std::vector<std::string>{"a/**", "b/**"}));
  EXPECT_FALSE(f.ignore_hidden);
  EXPECT_FALSE(f.ignore_backups);
}

}  // namespace
}  // namespace tidemark::app
