// `tidemark watch` at the kernel's inotify limits, on the real binary:
//  - a queue overflow (fs.inotify.max_queued_events lowered before the
//    daemon creates its inotify instance, which keeps that size) is
//    followed by a rescan, and no file is lost;
//  - running out of watches (fs.inotify.max_user_watches lowered to just
//    above what root uses now) degrades the repository, `status` says so
//    and names the sysctl, and the directories left unwatched are still
//    cataloged by the periodic rescan.
// Needs root to write the sysctls (CI runs as root); each is restored as
// soon as the daemon has made its instance or its watches, and again when
// the test ends however it ends. The lowered limits bind every process of
// the user, so this binary runs alone (RUN_SERIAL).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "cli_runner.h"
#include "testing/inotify_limits.h"
#include "watch_driver.h"

namespace tidemark::testing {
namespace {

constexpr const char* kMaxQueuedEvents = kMaxQueuedEventsFile;
constexpr const char* kMaxUserWatches = kMaxUserWatchesFile;

bool InCi() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr) return false;
  const std::string v = ci;
  return v == "true" || v == "TRUE" || v == "True" || v == "1" || v == "yes";
}

class WatchLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() == 0) return;
    // CI runs as root, and a skip there is a failure anyway.
    if (InCi()) FAIL() << "the inotify sysctls can only be lowered as root";
    GTEST_SKIP() << "needs root to lower the inotify sysctls";
  }

  Workspace ws_;
  WatchDriver lib_{ws_};
};

TEST_F(WatchLimitsTest, QueueOverflowIsFollowedByARescanAndNothingIsLost) {
  ws_.Write("seed.txt", "seed");
  lib_.AddRepo();
  SysctlGuard queued(kMaxQueuedEvents);
  ASSERT_GT(queued.original(), 16);
  // The size of an inotify queue is fixed when the instance is made, at
  // the daemon's start; the sysctl is back before the burst.
  ASSERT_TRUE(queued.Set(16)) << "cannot write " << kMaxQueuedEvents;
  auto daemon = lib_.StartWatching("daemon-1");
  queued.Restore();
  ASSERT_EQ(ReadSysctl(kMaxQueuedEvents), queued.original());
  ASSERT_TRUE(lib_.Converges(daemon.get()));

  // Stopped, the daemon reads no events: 300 files make ~900 events for a
  // queue of 16, which overflows for certain.
  daemon->Signal(SIGSTOP);
  for (int i = 0; i < 300; ++i) {
    ws_.Write("burst-" + std::to_string(i) + ".txt", std::to_string(i));
  }
  daemon->Signal(SIGCONT);
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  // The overflow of the root became one full rescan ("realtime completed"),
  // not batches of paths.
  EXPECT_NE(daemon->out().find("lib: realtime completed"), std::string::npos)
      << daemon->out();
  const nlohmann::json history = lib_.History();
  EXPECT_EQ(WatchDriver::Sum(history, "added"), 301)
      << "no file may be counted twice";
  EXPECT_EQ(WatchDriver::Sum(history, "removed"), 0);
  daemon->Signal(SIGTERM);
  EXPECT_EQ(daemon->Wait(), 0) << daemon->err();
}

TEST_F(WatchLimitsTest,
       ExhaustedWatchesDegradeAndUnwatchedDirectoriesAreRescanned) {
  constexpr int kDirectories = 30;
  for (int i = 0; i < kDirectories; ++i) {
    ws_.Write("d" + std::to_string(10 + i) + "/first.txt", "first");
  }
  lib_.AddRepo();
  SysctlGuard watches(kMaxUserWatches);
  ASSERT_GT(watches.original(), 0);
  const long in_use = RootWatchesInUse();
  ASSERT_GE(in_use, 0);
  // Room for the root and a few directories, far from all of them.
  const long lowered = in_use + 5;
  ASSERT_TRUE(watches.Set(lowered)) << "cannot write " << kMaxUserWatches;
  auto daemon = lib_.StartWatching("daemon-1");
  nlohmann::json status;
  const bool degraded = WaitUntil([&] {
    status = lib_.Status();
    return !status.is_null() && status["watch"]["mode"] == "degraded";
  });
  // Watches refused stay refused: the limit can go back at once.
  watches.Restore();
  ASSERT_EQ(ReadSysctl(kMaxUserWatches), watches.original());
  ASSERT_TRUE(degraded) << status.dump() << "\n" << daemon->out();
  EXPECT_EQ(status["watch"]["degraded"], true);
  EXPECT_EQ(status["watch"]["watching"], true);
  EXPECT_EQ(status["watch"]["holder"], "daemon-1");
  const std::string reason = status["watch"]["reason"];
  EXPECT_NE(reason.find("max_user_watches"), std::string::npos) << reason;
  EXPECT_NE(reason.find("not watched"), std::string::npos) << reason;
  RunResult human = ws_.Run({"status", "lib"});
  EXPECT_NE(human.out.find("degraded by daemon-1"), std::string::npos)
      << human.out;
  EXPECT_NE(human.out.find("max_user_watches"), std::string::npos);
  ASSERT_TRUE(lib_.Converges(daemon.get()));

  // A new file in every directory: those without a watch send no events
  // and are found by the periodic rescan (every 1 s here).
  for (int i = 0; i < kDirectories; ++i) {
    ws_.Write("d" + std::to_string(10 + i) + "/second.txt", "second");
  }
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  EXPECT_NE(daemon->out().find("rescan of '"), std::string::npos)
      << daemon->out();
  EXPECT_EQ(WatchDriver::Sum(lib_.History(), "added"), 2 * kDirectories);
  daemon->Signal(SIGTERM);
  EXPECT_EQ(daemon->Wait(), 0) << daemon->err();
}

}  // namespace
}  // namespace tidemark::testing
