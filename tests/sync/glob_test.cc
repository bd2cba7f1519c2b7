#include "sync/glob.h"

#include <gtest/gtest.h>

namespace tidemark {
namespace {

TEST(GlobTest, StarStopsAtSlash) {
  EXPECT_TRUE(GlobMatch("a/*.jpg", "a/x.jpg"));
  EXPECT_FALSE(GlobMatch("a/*.jpg", "a/b/x.jpg"));
}

TEST(GlobTest, DoubleStarCrossesDirectories) {
  EXPECT_TRUE(GlobMatch("a/**/x.jpg", "a/b/c/x.jpg"));
  EXPECT_TRUE(GlobMatch("a/**/x.jpg", "a/x.jpg"));
  EXPECT_TRUE(GlobMatch("**/x.jpg", "x.jpg"));
  EXPECT_TRUE(GlobMatch("cache/**", "cache/a/b"));
  EXPECT_FALSE(GlobMatch("cache/**", "other/a"));
}

TEST(GlobTest, PatternWithoutSlashMatchesBaseName) {
  EXPECT_TRUE(GlobMatch("*.tmp", "deep/dir/file.tmp"));
  EXPECT_FALSE(GlobMatch("*.tmp", "deep/file.tmp.jpg"));
}

TEST(GlobTest, QuestionMarkAndBrackets) {
  EXPECT_TRUE(GlobMatch("IMG_000?.jpg", "IMG_0007.jpg"));
  EXPECT_FALSE(GlobMatch("IMG_000?.jpg", "IMG_00077.jpg"));
  EXPECT_TRUE(GlobMatch("[a-c]x", "bx"));
  EXPECT_FALSE(GlobMatch("[a-c]x", "dx"));
  EXPECT_TRUE(GlobMatch("[!a-c]x", "dx"));
  EXPECT_TRUE(GlobMatch("\\*x", "*x"));
  EXPECT_FALSE(GlobMatch("\\*x", "ax"));
}

TEST(GlobTest, ValidateRejectsMalformedPatterns) {
  EXPECT_FALSE(ValidateGlob("[abc").ok());
  EXPECT_FALSE(ValidateGlob("abc\\").ok());
  EXPECT_FALSE(ValidateGlob("").ok());
  EXPECT_TRUE(ValidateGlob("**/*.jpg").ok());
}

}  // namespace
}  // namespace tidemark
