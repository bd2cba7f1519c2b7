// A lease left by a process killed with -9 on this host: `status` says the
// holder is gone instead of "watching by" it, and the next `scan` takes the
// repository over at once (saying so) instead of waiting out the lease (60
// s here, far longer than the test runs). A holder that still runs keeps
// its lease, and `scan` says that its process runs. Over both catalogs,
// with real processes.
#include <signal.h>

#include <string>

#include "catalog_kinds.h"
#include "cli_runner.h"

namespace tidemark::testing {
namespace {

class DeadHolderTest : public CatalogKindTest {
 protected:
  void SetUp() override {
    CatalogKindTest::SetUp();
    if (IsSkipped()) return;
    ws_.Write("a.jpg", "a");
    ws_.Write("b/c.jpg", "c");
    ASSERT_EQ(ws_.Run({"repo", "add", "photos", ws_.root()}).exit_code, 0);
  }

  // `tidemark watch` under a worker id of the operator's choosing (which
  // says nothing of the process), with the default 60 s lease, once its
  // startup sync is done and it shows as watching.
  std::unique_ptr<BackgroundRun> StartDaemon() {
    auto daemon = ws_.Start({"watch", "photos", "--worker-id", "node-1",
                             "--heartbeat", "1s", "--lease-timeout", "60s"},
                            "node-1");
    const bool watching = WaitUntil([&] {
      nlohmann::json s = Status();
      return (!s.is_null() && s["watch"]["watching"] == true) ||
             daemon->Exited();
    });
    EXPECT_TRUE(watching) << daemon->out() << daemon->err();
    return daemon;
  }

  nlohmann::json Status() {
    RunResult r = ws_.Run({"status", "photos", "--json"});
    if (r.exit_code != 0) return nullptr;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  bool Catalogs(const std::string& path) {
    RunResult r = ws_.Run({"files", "photos", "--json"});
    if (r.exit_code != 0) return false;
    for (const std::string& p : PathsOf(r.Json())) {
      if (p == path) return true;
    }
    return false;
  }
};

TEST_P(DeadHolderTest, ScanTakesOverAtOnceFromADaemonKilledWithMinus9) {
  auto daemon = StartDaemon();
  const std::string pid = std::to_string(daemon->pid());
  daemon->Signal(SIGKILL);
  ASSERT_EQ(daemon->Wait(), 128 + SIGKILL);

  // The lease has most of its 60 s left, but its process is gone.
  RunResult status = ws_.Run({"status", "photos"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(Contains(status.out, "held by a process that is gone (process " +
                                       pid + " on this host)"))
      << status.out;
  EXPECT_FALSE(Contains(status.out, "watching by")) << status.out;
  nlohmann::json s = Status();
  ASSERT_FALSE(s.is_null());
  EXPECT_EQ(s["lease"]["holder"], "node-1") << s.dump();
  EXPECT_EQ(s["lease"]["holder_process"], "gone") << s.dump();
  EXPECT_EQ(s["watch"]["watching"], false) << s.dump();

  ws_.Write("after-kill.jpg", "new");
  RunResult scan = ws_.Run({"scan", "photos"});
  EXPECT_EQ(scan.exit_code, 0) << scan.out << scan.err;
  EXPECT_TRUE(Contains(scan.err,
                       "took over repository 'photos' from worker 'node-1' "
                       "at once: its process " +
                           pid + " on this host is gone"))
      << scan.err;
  EXPECT_TRUE(Catalogs("after-kill.jpg"));
  // The scan released its lease when done: nobody holds it now.
  s = Status();
  ASSERT_FALSE(s.is_null());
  EXPECT_TRUE(s["lease"].is_null()) << s.dump();
}

TEST_P(DeadHolderTest, LiveHolderOnThisHostKeepsItsLease) {
  auto daemon = StartDaemon();
  const std::string pid = std::to_string(daemon->pid());

  RunResult scan = ws_.Run({"scan", "photos"});
  EXPECT_EQ(scan.exit_code, 4) << scan.out << scan.err;
  EXPECT_TRUE(
      Contains(scan.err, "is being synced by worker 'node-1' (process " + pid +
                             " on this host, running; its lease expires in"))
      << scan.err;
  RunResult status = ws_.Run({"status", "photos"});
  EXPECT_TRUE(Contains(status.out, "watching by node-1")) << status.out;
  nlohmann::json s = Status();
  ASSERT_FALSE(s.is_null());
  EXPECT_EQ(s["lease"]["holder_process"], "running") << s.dump();

  // Stopped (not killed), it releases the lease, and scans go on.
  daemon->Signal(SIGTERM);
  EXPECT_EQ(daemon->Wait(), 0) << daemon->err();
  scan = ws_.Run({"scan", "photos"});
  EXPECT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_FALSE(Contains(scan.err, "took over")) << scan.err;
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(DeadHolderTest);

}  // namespace
}  // namespace tidemark::testing
