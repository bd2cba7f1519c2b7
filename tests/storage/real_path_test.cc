// RealPath: where a local path leads once its links are followed, also
// through a part that does not exist yet; dangling links are refused.
#include "storage/local/real_path.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace tidemark {
namespace {

namespace fs = std::filesystem;

class RealPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tidemark-realpath-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    // The temp folder may itself be reached through a link.
    dir_ = fs::canonical(tmpl).string();
    fs::create_directories(dir_ + "/allowed/real");
    fs::create_directories(dir_ + "/outside");
    fs::create_directory_symlink(dir_ + "/outside", dir_ + "/allowed/escape");
    fs::create_directory_symlink(dir_ + "/allowed/real",
                                 dir_ + "/allowed/inner");
    fs::create_symlink(dir_ + "/nowhere", dir_ + "/allowed/dangling");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(RealPathTest, FollowsLinksInTheExistingPart) {
  EXPECT_EQ(*RealPath(dir_ + "/allowed/real"), dir_ + "/allowed/real");
  EXPECT_EQ(*RealPath(dir_ + "/allowed/inner"), dir_ + "/allowed/real");
  EXPECT_EQ(*RealPath(dir_ + "/allowed/escape"), dir_ + "/outside");
  EXPECT_EQ(*RealPath(dir_ + "/allowed/escape/new/dir"),
            dir_ + "/outside/new/dir");
  EXPECT_EQ(*RealPath(dir_ + "/allowed/missing/a"),
            dir_ + "/allowed/missing/a");
  EXPECT_EQ(*RealPath("/"), "/");
  EXPECT_EQ(*RealPath("/no-such-top-folder-xyz/a"),
            "/no-such-top-folder-xyz/a");
}

TEST_F(RealPathTest, RefusesADanglingLink) {
  for (const std::string& p :
       {dir_ + "/allowed/dangling", dir_ + "/allowed/dangling/below"}) {
    auto r = RealPath(p);
    ASSERT_FALSE(r.ok()) << p << " -> " << *r;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("dangling"), std::string::npos)
        << r.status().message();
  }
}

}  // namespace
}  // namespace tidemark
