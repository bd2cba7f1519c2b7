#include "common/paths.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace tidemark {
namespace {

TEST(PathsTest, DisplayPathEscapesAndRoundTrips) {
  const std::vector<std::string> raws = {
      "plain/ascii.jpg", "Фото/машина.jpg", "bad\xff\xfe",
      "tab\there",       "back\\slash",     std::string("nul\0byte", 8),
      "\xc3\x28",        "\xed\xa0\x80"};
  for (const std::string& raw : raws) {
    const std::string display = DisplayPath(raw);
    EXPECT_TRUE(IsValidUtf8(display)) << display;
    auto back = ParseDisplayPath(display);
    ASSERT_TRUE(back.ok()) << display;
    EXPECT_EQ(*back, raw);
  }
  EXPECT_EQ(DisplayPath("a\xff"), "a\\xff");
  EXPECT_EQ(DisplayPath("Фото"), "Фото");
}

TEST(PathsTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("héllo"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST(PathsTest, ParseDisplayPathRejectsBadEscapes) {
  EXPECT_FALSE(ParseDisplayPath("a\\q").ok());
  EXPECT_FALSE(ParseDisplayPath("a\\x4").ok());
  EXPECT_FALSE(ParseDisplayPath("a\\").ok());
}

TEST(PathsTest, PrefixSuccessorBoundsEveryExtension) {
  EXPECT_EQ(PrefixSuccessor("a/"), "a0");
  EXPECT_EQ(PrefixSuccessor("a\xff"), "b");
  EXPECT_EQ(PrefixSuccessor("\xff\xff"), "");
  EXPECT_EQ(PrefixSuccessor(""), "");
  const std::string p = "dir/";
  for (const std::string& s : {p + "x", p + "\xff\xff", p}) {
    EXPECT_LT(s, PrefixSuccessor(p));
  }
}

TEST(PathsTest, NormalizeRelativePath) {
  EXPECT_EQ(*NormalizeRelativePath("/a//b/"), "a/b");
  EXPECT_EQ(*NormalizeRelativePath(""), "");
  EXPECT_FALSE(NormalizeRelativePath("a/../b").ok());
  EXPECT_FALSE(NormalizeRelativePath("./a").ok());
  EXPECT_FALSE(NormalizeRelativePath(std::string("a\0b", 3)).ok());
}

TEST(PathsTest, ScopeAndNames) {
  EXPECT_TRUE(PathInScope("a/b", "a"));
  EXPECT_TRUE(PathInScope("a", "a"));
  EXPECT_FALSE(PathInScope("ab", "a"));
  EXPECT_TRUE(PathInScope("x", ""));
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(BaseName("a/b/c.jpg"), "c.jpg");
  EXPECT_EQ(ToHex("\x01\xab"), "01ab");
}

TEST(PathsTest, ByteOrderPutsDirectoryContentsBetweenSiblings) {
  // The order the catalog and the walker share.
  std::vector<std::string> paths = {"a/b0", "a/b/c", "a/b.txt", "a/b-c/x"};
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths,
            (std::vector<std::string>{"a/b-c/x", "a/b.txt", "a/b/c", "a/b0"}));
}

}  // namespace
}  // namespace tidemark
