// The root confinement ([serve] allowed_roots) and the pinned root of a
// local backend: a root registered inside the allowed folders that a
// replaced folder or link now leads outside them is refused, and a link
// that appears under a running backend's root is never followed.
#include "storage/root_confinement.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "storage/local/local_backend.h"

namespace tidemark {
namespace {

namespace fs = std::filesystem;

Location Path(const std::string& path) { return *ParseLocation(path); }

TEST(JudgeConfinedRootTest, ARootInsideMustLeadInside) {
  const std::vector<ConfinedFolder> folders = {
      {Path("/srv/media"), Path("/data/media")}};
  EXPECT_TRUE(
      JudgeConfinedRoot(folders, Path("/srv/media/a"), Path("/srv/media/a"))
          .ok());
  // Where the allowed folder itself led when the server started.
  EXPECT_TRUE(
      JudgeConfinedRoot(folders, Path("/srv/media/a"), Path("/data/media/a"))
          .ok());
  const Status out =
      JudgeConfinedRoot(folders, Path("/srv/media/a"), Path("/etc"));
  EXPECT_EQ(out.code(), StatusCode::kUnavailable);
  EXPECT_NE(out.message().find("'/etc'"), std::string::npos) << out.message();
  EXPECT_NE(out.message().find("allowed_roots"), std::string::npos);
  EXPECT_EQ(
      JudgeConfinedRoot(folders, Path("/srv/media/a"), std::nullopt).code(),
      StatusCode::kUnavailable);
}

TEST(JudgeConfinedRootTest, RootsOutsideAndNoFoldersAreNotJudged) {
  const std::vector<ConfinedFolder> folders = {{Path("/srv/media"), {}}};
  EXPECT_TRUE(
      JudgeConfinedRoot(folders, Path("/home/a"), Path("/elsewhere")).ok());
  EXPECT_TRUE(JudgeConfinedRoot({}, Path("/srv/media/a"), Path("/etc")).ok());
  // "/srv/media2" is not below "/srv/media".
  EXPECT_TRUE(
      JudgeConfinedRoot(folders, Path("/srv/media2"), Path("/etc")).ok());
}

class PinnedRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tidemark-pinned-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = fs::canonical(tmpl).string();
    fs::create_directories(dir_ + "/allowed/repo");
    fs::create_directories(dir_ + "/outside");
    std::ofstream(dir_ + "/outside/secret") << "s";
  }
  void TearDown() override {
    ConfineRoots({});
    fs::remove_all(dir_);
  }
  // Replaces the repository's root with a link to the outside folder.
  void SwapRootForLink() {
    fs::rename(dir_ + "/allowed/repo", dir_ + "/allowed/repo.bak");
    fs::create_directory_symlink(dir_ + "/outside", dir_ + "/allowed/repo");
  }
  std::string dir_;
};

TEST_F(PinnedRootTest, ALinkThatAppearsUnderAnOpenBackendIsNeverFollowed) {
  auto backend = OpenLocalBackend(dir_ + "/allowed/repo");
  ASSERT_TRUE(backend.ok()) << backend.status().message();
  SwapRootForLink();
  auto stat = (*backend)->Stat("secret");
  EXPECT_EQ(stat.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(stat.status().message().find("symlink"), std::string::npos)
      << stat.status().message();
  EXPECT_EQ((*backend)->Remove("secret").code(), StatusCode::kUnavailable);
  EXPECT_TRUE(fs::exists(dir_ + "/outside/secret"));
}

TEST_F(PinnedRootTest, ConfinedRootsThatNowLeadOutsideDoNotOpen) {
  ConfineRoots({{Path(dir_ + "/allowed"), std::nullopt}});
  ASSERT_TRUE(OpenLocalBackend(dir_ + "/allowed/repo").ok());
  SwapRootForLink();
  auto backend = OpenLocalBackend(dir_ + "/allowed/repo");
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.status().code(), StatusCode::kUnavailable);
  // Without the confinement (the command line) the link is the root, as
  // before: its owner may point it anywhere.
  ConfineRoots({});
  auto cli = OpenLocalBackend(dir_ + "/allowed/repo");
  ASSERT_TRUE(cli.ok());
  EXPECT_TRUE((*cli)->Stat("secret").ok());
}

}  // namespace
}  // namespace tidemark
