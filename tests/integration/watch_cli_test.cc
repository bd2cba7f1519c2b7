// The real-time daemon through the real binary: `tidemark watch` on real
// directories, over both catalogs. Files and directories are created,
// changed, renamed, deleted and moved into and out of the root while it
// runs, and the catalog (read with `files`, `status` and `history`) must
// follow: every change cataloged once, moves kept as moves, a mass deletion
// paused, a vanished root kept offline. Also: a burst, kill -9 in the middle
// of one and a restart that converges, SIGINT and SIGTERM, `reconcile`, and
// `repo remove` while watching. Waits poll with generous deadlines; the
// only time asserted on is the 2 s stop that the daemon promises.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "catalog_kinds.h"
#include "cli_runner.h"
#include "watch_driver.h"

namespace tidemark::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr char kHelloWorldSha256[] =
    "09ca7e4eaa6e8ae9c7d261167129184883644d07dfba7cbfbc4c8a2e08360d5b";

class WatchCliTest : public CatalogKindTest {
 protected:
  // Twenty files no test deletes, so that deleting a few stays far below
  // the mass-removal threshold (half the repository).
  void WriteKeptFiles() {
    for (int i = 0; i < 20; ++i) {
      ws_.Write("keep/k" + std::to_string(100 + i) + ".txt",
                "kept " + std::to_string(i));
    }
  }

  // Stops the daemon with SIGTERM and expects a clean exit.
  void Stop(BackgroundRun& daemon) {
    daemon.Signal(SIGTERM);
    EXPECT_EQ(daemon.Wait(), 0) << daemon.out() << daemon.err();
  }

  // Operations that `worker` ran, of `type` ("" = any).
  static std::vector<nlohmann::json> OpsOf(const nlohmann::json& history,
                                           const std::string& worker,
                                           const std::string& type = "") {
    std::vector<nlohmann::json> out;
    for (const auto& op : history) {
      if (op["worker"] != worker) continue;
      if (!type.empty() && op["type"] != type) continue;
      out.push_back(op);
    }
    return out;
  }

  // Every operation ended, and none failed.
  static void ExpectAllFinishedWell(const nlohmann::json& history) {
    for (const auto& op : history) {
      EXPECT_NE(op["status"], "running") << op.dump();
      EXPECT_NE(op["status"], "failed") << op.dump();
    }
  }

  WatchDriver lib_{ws_};
};

TEST_P(WatchCliTest, FileChangesAreCatalogedAsTheyHappen) {
  WriteKeptFiles();
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("daemon-1");
  ASSERT_TRUE(lib_.Converges(daemon.get()));

  // Create.
  ws_.Write("new.txt", "hello");
  ws_.Write("docs/readme.md", "read me");
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  const nlohmann::json created = lib_.FileNamed("new.txt");
  ASSERT_FALSE(created.is_null());
  EXPECT_EQ(created["content_hash"], kHelloSha256);

  // Modify: a new hash, the same record.
  ws_.Write("new.txt", "hello, world");
  ASSERT_TRUE(WaitUntil([&] {
    nlohmann::json f = lib_.FileNamed("new.txt");
    return !f.is_null() && f["content_hash"] == kHelloWorldSha256;
  })) << daemon->out();
  const nlohmann::json modified = lib_.FileNamed("new.txt");
  EXPECT_EQ(modified["id"], created["id"]);
  EXPECT_EQ(modified["size"], 12);

  // Rename within the root: the same record and hash, counted as a move.
  const nlohmann::json readme = lib_.FileNamed("docs/readme.md");
  ASSERT_FALSE(readme.is_null());
  const int64_t moved_before = WatchDriver::Sum(lib_.History(), "moved");
  const int64_t added_before = WatchDriver::Sum(lib_.History(), "added");
  ASSERT_EQ(std::rename(ws_.Path("docs/readme.md").c_str(),
                        ws_.Path("docs/renamed.md").c_str()),
            0);
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  const nlohmann::json renamed = lib_.FileNamed("docs/renamed.md");
  ASSERT_FALSE(renamed.is_null());
  EXPECT_EQ(renamed["id"], readme["id"]);
  EXPECT_EQ(renamed["content_hash"], readme["content_hash"]);
  nlohmann::json history = lib_.History();
  EXPECT_EQ(WatchDriver::Sum(history, "moved") - moved_before, 1);
  EXPECT_EQ(WatchDriver::Sum(history, "added") - added_before, 0)
      << "a rename must not add (and rehash) the file";

  // Delete.
  ASSERT_EQ(unlink(ws_.Path("keep/k100.txt").c_str()), 0);
  ASSERT_TRUE(lib_.Converges(daemon.get()));

  // A file created and deleted at once leaves nothing behind. The file
  // written after it is cataloged once both were looked at.
  ws_.Write("draft.txt", "scratch");
  ASSERT_EQ(unlink(ws_.Path("draft.txt").c_str()), 0);
  ws_.Write("after-draft.txt", "after");
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  EXPECT_TRUE(lib_.FileNamed("draft.txt").is_null());

  history = lib_.History();
  EXPECT_EQ(WatchDriver::Sum(history, "removed"), 1);
  // new.txt, docs/readme.md, after-draft.txt, and the startup's 20.
  EXPECT_EQ(WatchDriver::Sum(history, "added"), 23);
  EXPECT_EQ(OpsOf(history, "daemon-1", "startup").size(), 1u);
  EXPECT_GE(OpsOf(history, "daemon-1", "realtime").size(), 4u);
  EXPECT_EQ(OpsOf(history, "daemon-1").size(), history.size())
      << "every operation was the daemon's";
  Stop(*daemon);
  ExpectAllFinishedWell(lib_.History());
}

TEST_P(WatchCliTest, DirectoriesAreFollowedIntoAndOutOfTheRoot) {
  WriteKeptFiles();
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("daemon-1");

  // New directories with files written the moment they exist: whatever is
  // written before the watch on a new directory is in place must be found.
  ws_.Write("a/b/c/deep.txt", "deep");
  ws_.Write("a/b/mid.txt", "mid");
  ws_.Write("a/top.txt", "top");
  for (int d = 0; d < 5; ++d) {
    const std::string dir = "fresh" + std::to_string(d);
    ASSERT_EQ(mkdir(ws_.Path(dir).c_str(), 0755), 0);
    for (int f = 0; f < 4; ++f) {
      ws_.Write(dir + "/f" + std::to_string(f) + ".txt",
                dir + std::to_string(f));
    }
  }
  ASSERT_TRUE(lib_.Converges(daemon.get()));

  // Rename a directory with contents: its records move with their ids and
  // hashes.
  std::map<std::string, nlohmann::json> before;
  for (const char* p : {"a/top.txt", "a/b/mid.txt", "a/b/c/deep.txt"}) {
    before[p] = lib_.FileNamed(p);
    ASSERT_FALSE(before[p].is_null()) << p;
  }
  nlohmann::json history = lib_.History();
  int64_t moved = WatchDriver::Sum(history, "moved");
  int64_t added = WatchDriver::Sum(history, "added");
  int64_t removed = WatchDriver::Sum(history, "removed");
  ASSERT_EQ(std::rename(ws_.Path("a").c_str(), ws_.Path("z").c_str()), 0);
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  for (const auto& [path, record] : before) {
    const nlohmann::json now = lib_.FileNamed("z" + path.substr(1));
    ASSERT_FALSE(now.is_null()) << path;
    EXPECT_EQ(now["id"], record["id"]) << path;
    EXPECT_EQ(now["content_hash"], record["content_hash"]) << path;
  }
  history = lib_.History();
  EXPECT_EQ(WatchDriver::Sum(history, "moved") - moved, 3);
  EXPECT_EQ(WatchDriver::Sum(history, "added") - added, 0);
  EXPECT_EQ(WatchDriver::Sum(history, "removed") - removed, 0);

  // Move a directory with contents out of the root: its records go.
  const std::string outside = ws_.dir() + "/outside";
  ASSERT_EQ(mkdir(outside.c_str(), 0755), 0);
  moved = WatchDriver::Sum(history, "moved");
  removed = WatchDriver::Sum(history, "removed");
  ASSERT_EQ(std::rename(ws_.Path("z").c_str(), (outside + "/z").c_str()), 0);
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  history = lib_.History();
  EXPECT_EQ(WatchDriver::Sum(history, "removed") - removed, 3);
  EXPECT_EQ(WatchDriver::Sum(history, "moved") - moved, 0);

  // Move a directory with contents into the root: all of it appears.
  WriteAt(outside + "/incoming/x/1.txt", "one");
  WriteAt(outside + "/incoming/x/y/2.txt", "two");
  WriteAt(outside + "/incoming/3.txt", "three");
  WriteAt(outside + "/incoming/4.txt", "four");
  added = WatchDriver::Sum(history, "added");
  ASSERT_EQ(std::rename((outside + "/incoming").c_str(),
                        ws_.Path("incoming").c_str()),
            0);
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  history = lib_.History();
  EXPECT_EQ(WatchDriver::Sum(history, "added") - added, 4);
  EXPECT_EQ(lib_.FileNamed("incoming/x/y/2.txt")["size"], 3);
  Stop(*daemon);
  ExpectAllFinishedWell(lib_.History());
}

TEST_P(WatchCliTest, MassDeletionIsPausedNotApplied) {
  for (int d = 0; d < 10; ++d) {
    for (int i = 0; i < 3; ++i) {
      ws_.Write(
          "photos/" + std::to_string(d) + "/p" + std::to_string(i) + ".jpg",
          std::to_string(d * 10 + i));
    }
  }
  WriteKeptFiles();
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("daemon-1");
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  const std::vector<std::string> cataloged = lib_.CatalogPaths();

  // One `rm -rf` takes 30 of 50 files: past half the repository. All of
  // it must wait for confirmation, none of it may slip through first.
  ASSERT_EQ(std::system(("rm -rf '" + ws_.Path("photos") + "'").c_str()), 0);
  // Wait for the daemon to act on it (a paused batch, or any removal),
  // then for any deletion events still pending: a negative can only be
  // checked by waiting, here ten debounce periods.
  ASSERT_TRUE(WaitUntil([&] { return lib_.History().size() > 1; }))
      << daemon->out();
  std::this_thread::sleep_for(milliseconds(1000));
  const nlohmann::json history = lib_.History();
  EXPECT_EQ(WatchDriver::Sum(history, "removed"), 0)
      << "part of a mass deletion was applied\n"
      << daemon->out();
  EXPECT_EQ(lib_.CatalogPaths(), cataloged) << "the records must be kept";
  nlohmann::json paused;
  for (const auto& op : history) {
    if (op["status"] == "partial" &&
        op["error_message"].get<std::string>().find("mass removal paused") !=
            std::string::npos) {
      paused = op;
    }
  }
  ASSERT_FALSE(paused.is_null()) << "no operation says it paused\n"
                                 << history.dump(1);
  EXPECT_EQ(paused["counters"]["removed"], 0) << paused.dump();
  EXPECT_EQ(paused["worker"], "daemon-1");
  Stop(*daemon);
}

// kill -9 while a large copy is being cataloged, then a new daemon: once
// the dead one's lease expires it takes the repository over, its startup
// sync brings the catalog to exactly what is on disk, and the operation the
// dead daemon left running is closed.
TEST_P(WatchCliTest, KilledInTheMiddleOfABurstConvergesAfterARestart) {
  WriteKeptFiles();
  const std::string staging = ws_.dir() + "/staging/burst";
  MakeTree(staging, 100, 200);  // 20,000 files
  lib_.AddRepo();
  auto first = lib_.StartWatching("daemon-1");

  const int cp =
      SpawnProcess({"/bin/cp", "-r", staging, ws_.root() + "/burst"});
  ASSERT_GT(cp, 0);
  ASSERT_TRUE(WaitUntil(
      [&] {
        nlohmann::json s = lib_.Status();
        return !s.is_null() && s["totals"]["files"].get<int64_t>() > 20;
      },
      std::chrono::seconds(20), milliseconds(20)))
      << first->out();
  first->Signal(SIGKILL);
  EXPECT_EQ(first->Wait(), 128 + SIGKILL);
  const int64_t at_kill = lib_.Status()["totals"]["files"].get<int64_t>();
  ASSERT_EQ(WaitProcess(cp), 0);
  std::cout << "killed the daemon with " << at_kill
            << " files cataloged of 20,020\n";

  auto second = lib_.Start("daemon-2");
  ASSERT_TRUE(lib_.Converges(second.get()));
  EXPECT_EQ(ws_.ListFiles().size(), 20'020u);
  const nlohmann::json history = lib_.History();
  const auto startups = OpsOf(history, "daemon-2", "startup");
  ASSERT_EQ(startups.size(), 1u) << second->out();
  EXPECT_EQ(startups[0]["status"], "completed") << startups[0].dump();
  const nlohmann::json status = lib_.Status();
  EXPECT_EQ(status["watch"]["holder"], "daemon-2");
  EXPECT_EQ(status["watch"]["mode"], "watching");
  // New changes still flow after the takeover.
  ws_.Write("after-restart.txt", "new");
  ASSERT_TRUE(lib_.Converges(second.get()));
  Stop(*second);
  for (const auto& op : lib_.History()) {
    EXPECT_NE(op["status"], "running") << op.dump();
  }
}

TEST_P(WatchCliTest, SigtermStopsTheDaemonWithinTwoSeconds) {
  ws_.Write("a.txt", "a");
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("daemon-1");
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  ASSERT_EQ(lib_.Status()["watch"]["watching"], true);

  const auto signalled = steady_clock::now();
  daemon->Signal(SIGTERM);
  const int code = daemon->Wait();
  const auto took = steady_clock::now() - signalled;
  EXPECT_EQ(code, 0) << daemon->err();
  EXPECT_LT(took, std::chrono::seconds(2))
      << std::chrono::duration_cast<milliseconds>(took).count() << " ms";
  EXPECT_NE(daemon->out().find("stopped"), std::string::npos) << daemon->out();

  const nlohmann::json status = lib_.Status();
  EXPECT_EQ(status["watch"]["watching"], false) << status.dump();
  EXPECT_EQ(status["watch"]["mode"], "stopped");
  EXPECT_TRUE(status["lease"].is_null()) << "the lease is released";
  ExpectAllFinishedWell(lib_.History());
}

// A daemon killed with -9 leaves its "watching" row behind. A later holder
// of the lease with the same name (a fixed --worker-id, here a worker) is
// not watching, and status must not say it is.
TEST_P(WatchCliTest, StatusAfterKillDoesNotTrustAReusedWorkerName) {
  ws_.Write("a.txt", "a");
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("node-1");
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  ASSERT_EQ(lib_.Status()["watch"]["watching"], true);
  daemon->Signal(SIGKILL);
  daemon->Wait();
  auto worker =
      ws_.Start({"worker", "lib", "--worker-id", "node-1", "--heartbeat",
                 "500ms", "--lease-timeout", "2s", "--poll", "200ms"},
                "worker");
  ASSERT_TRUE(WaitUntil([&] {
    const nlohmann::json status = lib_.Status();
    // The worker holds the lease under the dead daemon's name (its
    // process runs; the dead daemon's lease shows as "gone").
    return status["lease"].is_object() &&
           status["lease"]["holder"] == "node-1" &&
           status["lease"]["holder_process"] == "running" &&
           status["watch"]["mode"] != "watching";
  })) << lib_.Status().dump();
  const nlohmann::json status = lib_.Status();
  EXPECT_EQ(status["watch"]["watching"], false) << status.dump();
  worker->Signal(SIGTERM);
  EXPECT_EQ(worker->Wait(), 0) << worker->err();
}

// SIGINT while the startup sync of a large tree runs: the scan stops, what
// it wrote stays, nothing bogus is left, and the operation is closed.
TEST_P(WatchCliTest, SigintStopsTheDaemonWithinTwoSecondsEvenMidScan) {
  MakeTree(ws_.root() + "/big", 50, 200);  // 10,000 files
  lib_.AddRepo();
  auto daemon = lib_.Start("daemon-1");
  ASSERT_TRUE(WatchDriver::WaitForLog(*daemon, "lib: watching"))
      << daemon->out() << daemon->err();
  const bool mid_scan =
      daemon->out().find("lib: startup ") == std::string::npos;

  const auto signalled = steady_clock::now();
  daemon->Signal(SIGINT);
  const int code = daemon->Wait();
  const auto took = steady_clock::now() - signalled;
  std::cout << "signalled " << (mid_scan ? "during" : "after")
            << " the startup sync; stopped in "
            << std::chrono::duration_cast<milliseconds>(took).count()
            << " ms\n";
  EXPECT_EQ(code, 0) << daemon->err();
  EXPECT_LT(took, std::chrono::seconds(2));
  EXPECT_NE(daemon->out().find("stopped"), std::string::npos) << daemon->out();

  const nlohmann::json status = lib_.Status();
  EXPECT_EQ(status["watch"]["watching"], false) << status.dump();
  EXPECT_TRUE(status["lease"].is_null());
  // Whatever it cataloged exists on disk.
  const std::vector<std::string> disk = ws_.ListFiles();
  const std::set<std::string> on_disk(disk.begin(), disk.end());
  for (const std::string& path : lib_.CatalogPaths()) {
    ASSERT_TRUE(on_disk.contains(path)) << path;
  }
  for (const auto& op : lib_.History()) {
    EXPECT_NE(op["status"], "running") << op.dump();
  }
}

TEST_P(WatchCliTest, StatusShowsTheDaemonAndHistoryShowsEveryOperation) {
  ws_.Write("a.txt", "a");
  ws_.Write("b/c.txt", "c");
  ws_.Write("b/d.txt", "d");
  lib_.AddRepo();
  nlohmann::json status = lib_.Status();
  EXPECT_EQ(status["watch"]["mode"], "stopped") << status.dump();
  EXPECT_EQ(status["watch"]["watching"], false);

  auto daemon = lib_.StartWatching("daemon-1");
  ASSERT_TRUE(WaitUntil([&] {
    status = lib_.Status();
    return !status.is_null() && status["watch"]["mode"] == "watching";
  })) << status.dump();
  EXPECT_EQ(status["watch"]["watching"], true);
  EXPECT_EQ(status["watch"]["degraded"], false);
  EXPECT_EQ(status["watch"]["reason"], "");
  EXPECT_EQ(status["watch"]["holder"], "daemon-1");
  EXPECT_EQ(status["lease"]["holder"], "daemon-1");
  EXPECT_EQ(status["detached"], false);
  EXPECT_EQ(status["state"], "online");
  EXPECT_EQ(status["totals"]["files"], 3);
  RunResult human = ws_.Run({"status", "lib"});
  EXPECT_NE(human.out.find("watching by daemon-1"), std::string::npos)
      << human.out;

  ws_.Write("e.txt", "e");
  ws_.Write("b/f.txt", "f");
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  const nlohmann::json history = lib_.History();
  ASSERT_GE(history.size(), 2u);
  const nlohmann::json& startup = history.back();  // the oldest
  EXPECT_EQ(startup["type"], "startup");
  EXPECT_EQ(startup["status"], "completed");
  EXPECT_EQ(startup["worker"], "daemon-1");
  EXPECT_EQ(startup["counters"]["added"], 3);
  EXPECT_EQ(startup["counters"]["scanned"], 3);
  int64_t realtime_added = 0;
  for (size_t i = 0; i + 1 < history.size(); ++i) {
    EXPECT_EQ(history[i]["type"], "realtime") << history[i].dump();
    EXPECT_EQ(history[i]["worker"], "daemon-1");
    realtime_added += history[i]["counters"]["added"].get<int64_t>();
  }
  EXPECT_EQ(realtime_added, 2);
  EXPECT_EQ(lib_.Status()["last_operation"]["type"], "realtime");
  RunResult human_history = ws_.Run({"history", "lib"});
  EXPECT_NE(human_history.out.find("realtime"), std::string::npos);
  EXPECT_NE(human_history.out.find("startup"), std::string::npos);
  Stop(*daemon);
  status = lib_.Status();
  EXPECT_EQ(status["watch"]["watching"], false) << status.dump();
  EXPECT_TRUE(status["lease"].is_null());
}

TEST_P(WatchCliTest, ReconcileAsksTheDaemonThatHoldsTheRepository) {
  for (int i = 0; i < 5; ++i) {
    ws_.Write("f" + std::to_string(i) + ".txt", std::to_string(i));
  }
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("daemon-1");

  RunResult r = ws_.Run({"--worker-id", "cli-1", "reconcile", "lib", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << daemon->out();
  const nlohmann::json done = r.Json();
  EXPECT_EQ(done["type"], "reconciliation") << done.dump();
  EXPECT_EQ(done["status"], "completed");
  EXPECT_EQ(done["worker"], "daemon-1") << "the daemon ran it, not the CLI";
  EXPECT_EQ(done["counters"]["scanned"], 5) << "a full reconciliation";
  EXPECT_GT(done["request"].get<int64_t>(), 0);
  EXPECT_NE(daemon->out().find("lib: reconciliation requested by cli-1"),
            std::string::npos)
      << daemon->out();
  bool in_history = false;
  for (const auto& op : lib_.History()) {
    in_history |= op["id"] == done["id"] && op["type"] == "reconciliation" &&
                  op["worker"] == "daemon-1";
  }
  EXPECT_TRUE(in_history);

  // --no-wait only queues the request; the daemon runs it soon after.
  RunResult queued = ws_.Run({"reconcile", "lib", "--no-wait", "--json"});
  ASSERT_EQ(queued.exit_code, 0) << queued.out << queued.err;
  const nlohmann::json q = queued.Json();
  EXPECT_EQ(q["status"], "queued") << q.dump();
  EXPECT_EQ(q["holder"], "daemon-1");
  EXPECT_GT(q["request"].get<int64_t>(), done["request"].get<int64_t>());
  EXPECT_TRUE(WaitUntil([&] {
    return OpsOf(lib_.History(), "daemon-1", "reconciliation").size() == 2;
  })) << daemon->out();
  Stop(*daemon);
}

TEST_P(WatchCliTest, ReconcileWithoutADaemonRunsHere) {
  for (int i = 0; i < 5; ++i) {
    ws_.Write("f" + std::to_string(i) + ".txt", std::to_string(i));
  }
  lib_.AddRepo();
  RunResult r = ws_.Run({"--worker-id", "cli-1", "reconcile", "lib", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json j = r.Json();
  EXPECT_EQ(j["status"], "completed") << j.dump();
  EXPECT_EQ(j["counters"]["added"], 5);
  ASSERT_TRUE(lib_.Converges());
  const auto ops = OpsOf(lib_.History(), "cli-1", "reconciliation");
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0]["counters"]["added"], 5);
}

TEST_P(WatchCliTest, RepoRemoveWhileWatchingKeepsTheRecordsAndStopsWatching) {
  ws_.Write("a.txt", "a");
  ws_.Write("b/c.txt", "c");
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("daemon-1");
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  const std::vector<std::string> cataloged = lib_.CatalogPaths();

  RunResult removed = ws_.Run({"repo", "remove", "lib", "--json"});
  ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  EXPECT_EQ(removed.Json()["records_kept"], 2);
  ASSERT_TRUE(WatchDriver::WaitForLog(*daemon, "lib: no longer in the catalog"))
      << daemon->out();
  nlohmann::json status = lib_.Status();
  EXPECT_EQ(status["detached"], true) << status.dump();
  EXPECT_EQ(status["watch"]["watching"], false);
  EXPECT_EQ(status["totals"]["files"], 2);
  EXPECT_EQ(lib_.CatalogPaths(), cataloged);

  // Not watched any more: a new file stays out of the catalog. A negative
  // can only be checked by waiting: ten debounce periods.
  ws_.Write("new.txt", "new");
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_EQ(lib_.CatalogPaths(), cataloged);
  EXPECT_FALSE(daemon->Exited()) << "the daemon keeps running";

  RunResult purged = ws_.Run({"repo", "remove", "lib", "--purge", "--json"});
  ASSERT_EQ(purged.exit_code, 0) << purged.out << purged.err;
  EXPECT_EQ(purged.Json()["records_removed"], 2);
  EXPECT_NE(ws_.Run({"status", "lib"}).exit_code, 0) << "the repository left";
  RunResult list = ws_.Run({"repo", "list", "--json"});
  EXPECT_EQ(list.Json(), nlohmann::json::array());
  Stop(*daemon);
}

TEST_P(WatchCliTest, RepoRemovePurgeWhileWatchingDeletesTheRecords) {
  ws_.Write("a.txt", "a");
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("daemon-1");
  ASSERT_TRUE(lib_.Converges(daemon.get()));

  RunResult purged = ws_.Run({"repo", "remove", "lib", "--purge", "--json"});
  ASSERT_EQ(purged.exit_code, 0) << purged.out << purged.err;
  EXPECT_EQ(purged.Json()["records_removed"], 1);
  EXPECT_TRUE(WatchDriver::WaitForLog(*daemon, "lib: no longer in the catalog"))
      << daemon->out();
  RunResult list = ws_.Run({"repo", "list", "--json"});
  EXPECT_EQ(list.Json(), nlohmann::json::array());
  EXPECT_FALSE(daemon->Exited());
  Stop(*daemon);
}

// rm -rf of the root: rule 1 keeps every record and the repository goes
// offline; when a root is back it is reconciled.
TEST_P(WatchCliTest, RootDeletedWhileWatchingGoesOfflineAndComesBack) {
  for (int i = 0; i < 5; ++i) {
    ws_.Write("a/" + std::to_string(i) + ".txt", "a" + std::to_string(i));
    ws_.Write("b/" + std::to_string(i) + ".txt", "b" + std::to_string(i));
  }
  ws_.Write("top.txt", "top");
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("daemon-1");
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  const std::vector<std::string> cataloged = lib_.CatalogPaths();

  ASSERT_EQ(std::system(("rm -rf '" + ws_.root() + "'").c_str()), 0);
  nlohmann::json status;
  ASSERT_TRUE(WaitUntil([&] {
    status = lib_.Status();
    return !status.is_null() && status["state"] == "offline";
  })) << status.dump()
      << daemon->out();
  EXPECT_EQ(lib_.CatalogPaths(), cataloged) << "rule 1: records are kept";
  EXPECT_EQ(status["totals"]["files"], 11);
  // Give it a few polls (500 ms each) to be sure nothing is removed later.
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_EQ(lib_.CatalogPaths(), cataloged);
  EXPECT_EQ(WatchDriver::Sum(lib_.History(), "removed"), 0);

  // The root comes back (in one rename), one file short and one new.
  const std::string staging = ws_.dir() + "/new-root";
  for (int i = 0; i < 5; ++i) {
    WriteAt(staging + "/a/" + std::to_string(i) + ".txt",
            "a" + std::to_string(i));
    if (i > 0) {
      WriteAt(staging + "/b/" + std::to_string(i) + ".txt",
              "b" + std::to_string(i));
    }
  }
  WriteAt(staging + "/top.txt", "top");
  WriteAt(staging + "/back.txt", "back");
  ASSERT_EQ(std::rename(staging.c_str(), ws_.root().c_str()), 0);
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  ASSERT_TRUE(WaitUntil([&] {
    status = lib_.Status();
    return !status.is_null() && status["state"] == "online" &&
           status["watch"]["mode"] == "watching";
  })) << status.dump();
  EXPECT_NE(daemon->out().find("the root is back"), std::string::npos);
  EXPECT_FALSE(OpsOf(lib_.History(), "daemon-1", "reconciliation").empty());
  // Watching again: a change is picked up by events.
  ws_.Write("a/after.txt", "after");
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  Stop(*daemon);
}

// Issue 15: the catalog refused the daemon's writes (there, a false "disk
// full"; here, a trigger): one failed rescan, one failed reconciliation,
// then no retry, while `status` said `watching`. Now it is `degraded` with
// the reason, reconciliations are retried, and once the catalog takes
// writes again the catalog converges and it is `watching` again.
TEST_P(WatchCliTest, RefusedWritesShowDegradedAndAreRetriedUntilTheyConverge) {
  WriteKeptFiles();
  ws_.Write("album/a.txt", "a");
  ws_.Write("album/b.txt", "b");
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("daemon-1");
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  const nlohmann::json a_before = lib_.FileNamed("album/a.txt");

  const std::string refuse =
      postgres()
          ? "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'refused by the test'; END $$; CREATE "
            "TRIGGER refuse BEFORE INSERT OR UPDATE ON file_records FOR EACH "
            "ROW EXECUTE FUNCTION refuse();"
          : "CREATE TRIGGER refuse_insert BEFORE INSERT ON file_records BEGIN "
            "SELECT RAISE(ABORT, 'refused by the test'); END; CREATE TRIGGER "
            "refuse_update BEFORE UPDATE ON file_records BEGIN SELECT "
            "RAISE(ABORT, 'refused by the test'); END;";
  const std::string allow =
      postgres() ? "DROP TRIGGER refuse ON file_records;"
                 : "DROP TRIGGER refuse_insert; DROP TRIGGER refuse_update;";
  // The daemon may hold SQLite's write lock for a moment.
  Status sql;
  ASSERT_TRUE(WaitUntil([&] { return (sql = Sql(refuse)).ok(); }))
      << sql.ToString();
  ASSERT_EQ(std::rename(ws_.Path("album").c_str(), ws_.Path("renamed").c_str()),
            0);

  nlohmann::json status;
  ASSERT_TRUE(WaitUntil([&] {
    status = lib_.Status();
    return !status.is_null() && status["watch"]["mode"] == "degraded";
  })) << status.dump()
      << daemon->out();
  const std::string reason = status["watch"]["reason"];
  EXPECT_NE(reason.find("refused by the test"), std::string::npos) << reason;
  EXPECT_NE(reason.find("retried in"), std::string::npos) << reason;
  RunResult human = ws_.Run({"status", "lib"});
  EXPECT_NE(human.out.find("degraded by daemon-1"), std::string::npos)
      << human.out;
  // The first retry fails too, and it stays degraded; nothing was lost.
  ASSERT_TRUE(WaitUntil(
      [&] {
        return !OpsOf(lib_.History(), "daemon-1", "reconciliation").empty();
      },
      std::chrono::seconds(30)))
      << daemon->out();
  EXPECT_EQ(lib_.Status()["watch"]["mode"], "degraded");
  EXPECT_EQ(lib_.FileNamed("album/a.txt"), a_before);

  // The catalog takes writes again: a later retry converges.
  ASSERT_TRUE(WaitUntil([&] { return (sql = Sql(allow)).ok(); }))
      << sql.ToString();
  ASSERT_TRUE(WaitUntil(
      [&] {
        status = lib_.Status();
        return !status.is_null() && status["watch"]["mode"] == "watching";
      },
      std::chrono::seconds(30)))
      << status.dump() << daemon->out();
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  EXPECT_EQ(lib_.FileNamed("renamed/a.txt")["id"], a_before["id"]);
  EXPECT_EQ(status["watch"]["reason"], "");
  Stop(*daemon);
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(WatchCliTest);

// A burst, on SQLite only (the PostgreSQL write path is covered by the
// kill -9 burst above): 5,000 files in 50 directories copied in with cp -r
// are all cataloged, and each is counted as added exactly once.
class WatchBurstTest : public WatchCliTest {};

TEST_P(WatchBurstTest, EveryFileOfABurstIsCatalogedOnce) {
  WriteKeptFiles();
  const std::string staging = ws_.dir() + "/staging/burst";
  MakeTree(staging, 50, 100);
  lib_.AddRepo();
  auto daemon = lib_.StartWatching("daemon-1");

  const int cp =
      SpawnProcess({"/bin/cp", "-r", staging, ws_.root() + "/burst"});
  ASSERT_EQ(WaitProcess(cp), 0);
  ASSERT_EQ(ws_.ListFiles().size(), 5'020u);
  ASSERT_TRUE(lib_.Converges(daemon.get()));
  const nlohmann::json history = lib_.History();
  EXPECT_EQ(WatchDriver::Sum(history, "added"), 5'020)
      << "no file may be counted twice";
  EXPECT_EQ(WatchDriver::Sum(history, "removed"), 0);
  Stop(*daemon);
  ExpectAllFinishedWell(lib_.History());
}

INSTANTIATE_TEST_SUITE_P(Catalogs, WatchBurstTest, ::testing::Values("sqlite"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace tidemark::testing
