// InotifyChangeSource when the kernel refuses more watches (ENOSPC): the
// directories it cannot watch are reported as kUnwatched with the limit and
// the fix, and the rest keeps working. Needs root: it lowers
// fs.inotify.max_user_watches to just above what root uses now and restores
// it at once. It runs alone (RUN_SERIAL) because the lowered limit binds
// every process of the user for that moment.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/backend_factories.h"
#include "testing/inotify_limits.h"
#include "watch/inotify_change_source.h"

namespace tidemark {
namespace {

using testing::kMaxUserWatchesFile;
using testing::ReadSysctl;
using testing::RootWatchesInUse;
using testing::SysctlGuard;

TEST(InotifyWatchLimitTest, ExhaustedWatchesAreReportedWithTheFix) {
  ASSERT_EQ(geteuid(), 0u) << "lowering fs.inotify.max_user_watches needs "
                              "root (CI runs as root)";
  const std::string base = MakeTempDir();
  const std::string root = base + "/root";
  ASSERT_EQ(mkdir(root.c_str(), 0755), 0);
  constexpr int kDirectories = 40;
  for (int i = 0; i < kDirectories; ++i) {
    ASSERT_EQ(mkdir((root + "/d" + std::to_string(i)).c_str(), 0755), 0);
  }
  auto opened = OpenInotifyChangeSource(root);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<ChangeSource> source = std::move(opened).value();

  SysctlGuard limit(kMaxUserWatchesFile);
  const long original = limit.original();
  ASSERT_GT(original, 0);
  const long in_use = RootWatchesInUse();
  ASSERT_GE(in_use, 0);
  // Room for the root and a few directories, far from all of them.
  const long lowered = in_use + 5;
  Status started;
  ASSERT_TRUE(limit.Set(lowered)) << "cannot write " << kMaxUserWatchesFile;
  started = source->Start();
  limit.Restore();
  ASSERT_EQ(ReadSysctl(kMaxUserWatchesFile), original);
  ASSERT_TRUE(started.ok()) << started.ToString();

  std::vector<FsEvent> events;
  ASSERT_TRUE(source->Poll(&events, std::chrono::milliseconds(0)).ok());
  const std::string reason =
      "inotify watch limit reached (fs.inotify.max_user_watches = " +
      std::to_string(lowered) +
      "); raise it with: " + "sysctl fs.inotify.max_user_watches=524288";
  int unwatched = 0;
  for (const FsEvent& e : events) {
    if (e.kind != FsEvent::Kind::kUnwatched) continue;
    ++unwatched;
    EXPECT_TRUE(e.is_directory);
    EXPECT_EQ(e.path.substr(0, 1), "d");
    EXPECT_EQ(e.reason, reason);
  }
  EXPECT_GT(unwatched, 0);
  EXPECT_LT(unwatched, kDirectories);

  // The root is still watched.
  const std::string file = root + "/after";
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  close(fd);
  bool seen = false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    events.clear();
    ASSERT_TRUE(source->Poll(&events, std::chrono::milliseconds(100)).ok());
    for (const FsEvent& e : events) seen |= e.path == "after";
  }
  EXPECT_TRUE(seen);
  source.reset();
  RemoveTree(base);
}

}  // namespace
}  // namespace tidemark
