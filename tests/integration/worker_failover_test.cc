// Several `tidemark worker` processes on one catalog: exactly one syncs a
// repository; when it dies another takes over once its lease expires; and a
// worker that was paused past its lease cannot write when it wakes up.
// Output shows the measured takeover time; it is never asserted on.
//
// A lease left by a process killed with -9 on this host: `status` says the
// holder is gone instead of "watching by" it, and the next `scan` takes the
// repository over at once (saying so) instead of waiting out the lease (60
// s there, far longer than the test runs). A holder that still runs keeps
// its lease, and `scan` says that its process runs.
#include <signal.h>

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "catalog_kinds.h"
#include "cli_runner.h"

namespace tidemark::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class WorkerFailoverTest : public CatalogKindTest {
 protected:
  void SetUp() override {
    CatalogKindTest::SetUp();
    if (IsSkipped()) return;
    ws_.Write("a.jpg", "a");
    ws_.Write("b/c.jpg", "c");
    ASSERT_EQ(ws_.Run({"repo", "add", "photos", ws_.root()}).exit_code, 0);
  }

  std::unique_ptr<BackgroundRun> StartWorker(const std::string& id,
                                             const std::string& interval) {
    return ws_.Start(
        {"worker", "--worker-id", id, "--heartbeat", "100ms", "--lease-timeout",
         "1s", "--interval", interval, "--poll", "100ms", "--hash", "none"},
        id);
  }

  // The live holder of photos' lease, "" when nobody holds it.
  std::string Holder() {
    RunResult r = ws_.Run({"status", "photos", "--json"});
    if (r.exit_code != 0) return "?" + r.err;
    nlohmann::json j = r.Json();
    if (!j.contains("lease") || j["lease"].is_null()) return "";
    return j["lease"]["holder"].get<std::string>();
  }

  bool Catalogs(const std::string& path) {
    RunResult r = ws_.Run({"files", "photos", "--json"});
    if (r.exit_code != 0) return false;
    for (const std::string& p : PathsOf(r.Json())) {
      if (p == path) return true;
    }
    return false;
  }

  nlohmann::json History() {
    RunResult r = ws_.Run({"history", "photos", "--limit", "10000", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.Json();
  }

  // Polls `done` every 50 ms for up to `limit`; returns how long it took. A
  // takeover from a worker paused inside a transaction waits for the server
  // to end that session (15 s), hence the long default.
  static std::optional<milliseconds> WaitFor(
      const std::function<bool()>& done,
      milliseconds limit = milliseconds(60'000)) {
    const auto start = steady_clock::now();
    while (steady_clock::now() - start < limit) {
      if (done()) {
        return std::chrono::duration_cast<milliseconds>(steady_clock::now() -
                                                        start);
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
    return std::nullopt;
  }
};

TEST_P(WorkerFailoverTest, OneWorkerSyncsAndAnotherTakesOverWhenItIsKilled) {
  auto a = StartWorker("worker-a", "200ms");
  ASSERT_TRUE(WaitFor([&] { return Holder() == "worker-a"; }))
      << a->out() << a->err();
  auto b = StartWorker("worker-b", "200ms");
  std::this_thread::sleep_for(milliseconds(1500));  // > the lease timeout
  EXPECT_EQ(Holder(), "worker-a") << "a live lease was taken\n" << b->out();

  a->Signal(SIGKILL);
  a->Wait();
  auto took = WaitFor([&] { return Holder() == "worker-b"; });
  ASSERT_TRUE(took) << b->out() << b->err();
  std::cout << "takeover after the kill: " << took->count()
            << " ms (lease timeout 1000 ms)\n";
  ws_.Write("after-kill.jpg", "new");
  EXPECT_TRUE(WaitFor([&] { return Catalogs("after-kill.jpg"); }))
      << b->out() << b->err();

  b->Signal(SIGTERM);
  EXPECT_EQ(b->Wait(), 0) << b->err();
  EXPECT_NE(b->out().find("took repository 'photos'"), std::string::npos);
  EXPECT_EQ(Holder(), "") << "a stopped worker releases its lease";
  // Every operation names its worker, and both took part.
  std::set<std::string> workers;
  for (const auto& op : History()) workers.insert(op["worker"]);
  EXPECT_EQ(workers, (std::set<std::string>{"worker-a", "worker-b"}));
}

// PostgreSQL only: a SQLite writer paused inside a transaction keeps the
// database file locked for everyone until it wakes, which no lease can fix
// (one machine, one writer: SQLite is not for sharing between workers).
// PostgreSQL ends such a session (idle_in_transaction_session_timeout).
class PausedWorkerTest : public WorkerFailoverTest {};

TEST_P(PausedWorkerTest, PausedWorkerIsFencedOffWhenItWakes) {
  // A short interval keeps worker-a scanning, so it wakes up mid-work.
  auto a = StartWorker("worker-a", "20ms");
  ASSERT_TRUE(WaitFor([&] { return Holder() == "worker-a"; })) << a->err();
  ASSERT_TRUE(WaitFor([&] { return History().size() >= 3; }));
  a->Signal(SIGSTOP);  // a GC pause, a frozen VM, a network partition

  auto b = StartWorker("worker-b", "200ms");
  ASSERT_TRUE(WaitFor([&] { return Holder() == "worker-b"; })) << b->err();
  ws_.Write("during-pause.jpg", "new");
  ASSERT_TRUE(WaitFor([&] { return Catalogs("during-pause.jpg"); }));

  a->Signal(SIGCONT);
  ASSERT_TRUE(WaitFor([&] {
    return a->out().find("gave up repository 'photos'") != std::string::npos;
  })) << a->out()
      << a->err();
  // Let worker-a run on for a while: it must stay off the repository.
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(Holder(), "worker-b");

  // Nothing worker-a did landed after worker-b took over: its operations
  // all come before worker-b's first one, and the one it had running was
  // closed by worker-b, not by worker-a waking up.
  int64_t last_a = 0, first_b = INT64_MAX;
  for (const auto& op : History()) {
    const int64_t id = op["id"];
    if (op["worker"] == "worker-a") last_a = std::max(last_a, id);
    if (op["worker"] == "worker-b") first_b = std::min(first_b, id);
    if (op["worker"] == "worker-a") {
      EXPECT_NE(op["status"], "running") << op.dump();
    }
  }
  EXPECT_GT(last_a, 0);
  EXPECT_LT(last_a, first_b);
  EXPECT_TRUE(Catalogs("during-pause.jpg"));

  b->Signal(SIGTERM);
  a->Signal(SIGTERM);
  EXPECT_EQ(b->Wait(), 0);
  EXPECT_EQ(a->Wait(), 0);
}

class DeadHolderTest : public WorkerFailoverTest {
 protected:
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

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(WorkerFailoverTest);
INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(DeadHolderTest);
INSTANTIATE_TEST_SUITE_P(Catalogs, PausedWorkerTest,
                         ::testing::Values("postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace tidemark::testing
