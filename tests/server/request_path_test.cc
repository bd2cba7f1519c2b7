#include "server/request_path.h"

#include <gtest/gtest.h>

namespace tidemark::server {
namespace {

TEST(CleanRequestPathTest, KeepsPlainRelativePaths) {
  auto p = CleanRequestPath("photos//2024/a.jpg/", "path", false);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(*p, "photos/2024/a.jpg");
}

TEST(CleanRequestPathTest, RefusesEveryFormOfClimbingOut) {
  for (const char* bad :
       {"../etc/passwd", "a/../../b", "/etc/passwd", "a/./b", "%2e%2e/x",
        "a/%2E%2E/b", "%252e%252e/x", "a\\b", "a%5cb"}) {
    auto p = CleanRequestPath(bad, "path", false);
    EXPECT_FALSE(p.ok()) << bad;
  }
  EXPECT_FALSE(CleanRequestPath(std::string("a\0b", 3), "path", false).ok());
}

TEST(CleanRequestPathTest, EmptyOnlyWhenAllowed) {
  EXPECT_TRUE(CleanRequestPath("", "prefix", true).ok());
  EXPECT_FALSE(CleanRequestPath("", "path", false).ok());
}

TEST(CleanRequestPathTest, ErrorNamesTheInputAndTheFix) {
  auto p = CleanRequestPath("../x", "object path", false);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("object path '../x'"), std::string::npos);
  EXPECT_NE(p.status().message().find("relative"), std::string::npos);
}

}  // namespace
}  // namespace tidemark::server
