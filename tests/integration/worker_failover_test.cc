// Several `tidemark worker` processes on one catalog: exactly one syncs a
// repository; when it dies another takes over once its lease expires; and a
// worker that was paused past its lease cannot write when it wakes up.
// Output shows the measured takeover time; it is never asserted on.
#include <signal.h>

#include <chrono>
#include <functional>
#include <optional>
#include <set>
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

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(WorkerFailoverTest);
INSTANTIATE_TEST_SUITE_P(Catalogs, PausedWorkerTest,
                         ::testing::Values("postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace tidemark::testing
