#include "sync/path_filter.h"

#include <gtest/gtest.h>

#include "common/writer_files.h"

namespace tidemark {
namespace {

PathFilterRules Rules(FilterConfig config = {}) {
  auto rules = PathFilterRules::Create(std::move(config));
  EXPECT_TRUE(rules.ok());
  return std::move(rules).value();
}

TEST(PathFilterTest, SeedDefaultsIgnoreHiddenTemporarySystemAndBackups) {
  PathFilterRules rules = Rules();
  EXPECT_FALSE(rules.Accept("a/.hidden", false));
  EXPECT_FALSE(rules.Accept(".git", true));
  EXPECT_FALSE(rules.Accept("a/file~", false));
  EXPECT_FALSE(rules.Accept("a/upload.tmp", false));
  EXPECT_FALSE(rules.Accept("a/.DS_Store", false));
  EXPECT_FALSE(rules.Accept("a/Thumbs.db", false));
  EXPECT_FALSE(rules.Accept("a/old.bak", false));
  EXPECT_FALSE(rules.Accept("a/.x.swp", false));
  EXPECT_TRUE(rules.Accept("a/photo.jpg", false));
  EXPECT_TRUE(rules.Accept("a/tmp", true));
}

TEST(PathFilterTest, DefaultsCanBeTurnedOff) {
  FilterConfig config;
  config.ignore_hidden = config.ignore_temporary = false;
  config.ignore_system = config.ignore_backups = false;
  PathFilterRules rules = Rules(config);
  EXPECT_TRUE(rules.Accept("a/.hidden", false));
  EXPECT_TRUE(rules.Accept("a/upload.tmp", false));
  EXPECT_TRUE(rules.Accept("Thumbs.db", false));
}

// tidemark's own writer files are never catalogued, whatever the defaults
// say; the list filter for scans and checks lets them through (in the
// folders the rules keep) so that leftovers among them are reported.
TEST(PathFilterTest, WriterFilesAreNeverAcceptedButCanBeListed) {
  FilterConfig config;
  config.ignore_hidden = config.ignore_temporary = false;
  config.include = {"**/*.jpg"};
  PathFilterRules rules = Rules(config);
  const std::string temp = "a/" + TemporaryName(SystemProcessProbe().Self(), 1);
  const std::string old =
      "a/" + OldCopyName("x.jpg", SystemProcessProbe().Self(), 2);
  EXPECT_FALSE(rules.Accept(temp, false));
  EXPECT_FALSE(rules.Accept(old, false));
  EXPECT_FALSE(rules.Accept("a/.tidemark-12-0-34.tmp", false));
  EXPECT_TRUE(rules.Accept("a/.x.jpg", false));

  PathFilter listed = PathFilterRules::ListFilterWithWriterFiles(&rules);
  EXPECT_TRUE(listed(temp, false));
  EXPECT_TRUE(listed(old, false));
  EXPECT_FALSE(listed("a/notes.txt", false)) << "the include globs still hold";
  FilterConfig defaults;
  PathFilterRules hidden = Rules(defaults);
  PathFilter listed_default =
      PathFilterRules::ListFilterWithWriterFiles(&hidden);
  EXPECT_FALSE(listed_default(".cache", true)) << "pruned folders stay pruned";
  EXPECT_TRUE(listed_default(temp, false));
  EXPECT_FALSE(
      static_cast<bool>(PathFilterRules::ListFilterWithWriterFiles(nullptr)));
}

TEST(PathFilterTest, ExcludePrunesDirectoriesAndFiles) {
  FilterConfig config;
  config.exclude = {"cache/**", "*.raw"};
  PathFilterRules rules = Rules(config);
  EXPECT_FALSE(rules.Accept("cache", true));
  EXPECT_FALSE(rules.Accept("cache/x.jpg", false));
  EXPECT_FALSE(rules.Accept("a/b.raw", false));
  EXPECT_TRUE(rules.Accept("cachet", true));
}

TEST(PathFilterTest, IncludeLimitsFilesButNotDirectories) {
  FilterConfig config;
  config.include = {"*.jpg", "docs/**"};
  PathFilterRules rules = Rules(config);
  EXPECT_TRUE(rules.Accept("a/b.jpg", false));
  EXPECT_TRUE(rules.Accept("docs/readme.txt", false));
  EXPECT_FALSE(rules.Accept("a/b.png", false));
  EXPECT_TRUE(rules.Accept("a", true));
}

TEST(PathFilterTest, MalformedGlobIsRejected) {
  FilterConfig config;
  config.exclude = {"[oops"};
  auto rules = PathFilterRules::Create(config);
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.status().message().find("[oops"), std::string::npos);
}

}  // namespace
}  // namespace tidemark
