// One RepositoryWatcher on its own, on a real temporary folder, with the
// in-memory catalog: what the SyncManager's tests cannot set up, such as a
// lease that expires on the catalog's clock, a storage without change
// events, or a change source that cannot start.
#include "daemon/repository_watcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "daemon/daemon_test_util.h"
#include "fakes/failing_catalog.h"
#include "fakes/fake_clock.h"
#include "fakes/memory_catalog.h"
#include "fakes/scripted_change_source.h"
#include "storage/backend_factories.h"

namespace tidemark {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

constexpr char kWatcherWorker[] = "watcher-under-test";

GatewayOptions Leased(const std::string& worker) {
  GatewayOptions options;
  options.worker_id = worker;
  options.require_lease = true;
  return options;
}

class RepositoryWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = MakeTempDir();
    root_ = base_ + "/photos";
    fs::create_directories(root_);
    auto repo = gateway_.AddRepository("photos", "file://" + root_, "{}");
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
    options_.aggregation.debounce = milliseconds(20);
    options_.discovery = milliseconds(50);
    options_.poll_interval = milliseconds(50);
    options_.unwatched_rescan = milliseconds(100);
    options_.lease.heartbeat = milliseconds(200);
    options_.lease.timeout = milliseconds(1000);
  }
  void TearDown() override {
    watcher_.reset();
    if (HasFailure()) {
      std::lock_guard<std::mutex> lock(log_mu_);
      for (const std::string& line : log_) {
        std::cerr << "watcher: " << line << "\n";
      }
    }
    RemoveTree(base_);
  }

  // Takes the lease and starts a watcher with `setup`.
  void StartWatcher(RepositorySetup setup) {
    auto keeper = LeaseKeeper::Acquire(gateway_, repo_, options_.lease);
    ASSERT_TRUE(keeper.ok()) << keeper.status().ToString();
    watcher_ = std::make_unique<RepositoryWatcher>(
        store_, gateway_, repo_, std::move(setup), std::move(*keeper), options_,
        changes_.Factory(), [this](LogLevel, const std::string& line) {
          std::lock_guard<std::mutex> lock(log_mu_);
          log_.push_back(line);
        });
    watcher_->Start();
  }
  void StartWatcher() {
    auto setup = LocalSetup(repo_);
    ASSERT_TRUE(setup.ok()) << setup.status().ToString();
    StartWatcher(std::move(*setup));
  }

  void WriteFile(const std::string& path, const std::string& content) {
    const fs::path full = fs::path(root_) / path;
    fs::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    ASSERT_TRUE(out.good()) << full;
  }
  std::vector<SyncOperation> Operations() {
    auto ops = store_.ListOperations(repo_.id, 1000);
    EXPECT_TRUE(ops.ok()) << ops.status().ToString();
    return ops.ok() ? *ops : std::vector<SyncOperation>{};
  }
  int CountFinished(OperationType type) {
    int n = 0;
    for (const SyncOperation& op : Operations()) {
      if (op.type == type && op.status != OperationStatus::kRunning) ++n;
    }
    return n;
  }
  int CountFailed(OperationType type) {
    int n = 0;
    for (const SyncOperation& op : Operations()) {
      if (op.type == type && op.status == OperationStatus::kFailed) ++n;
    }
    return n;
  }
  bool HasRecord(const std::string& path) {
    auto record = store_.FindRecord(repo_.id, path);
    return record.ok() && record->has_value();
  }
  std::optional<WatchStatus> Watch() {
    auto statuses = store_.ListWatchStatuses();
    EXPECT_TRUE(statuses.ok()) << statuses.status().ToString();
    if (!statuses.ok()) return std::nullopt;
    for (const WatchStatus& s : *statuses) {
      if (s.repository_id == repo_.id) return s;
    }
    return std::nullopt;
  }
  bool WatchModeIs(WatchMode mode) {
    auto watch = Watch();
    return watch.has_value() && watch->mode == mode;
  }
  bool Logged(const std::string& text) {
    std::lock_guard<std::mutex> lock(log_mu_);
    for (const std::string& line : log_) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

  FakeClock lease_clock_;  // the catalog's clock, which leases run on
  MemoryCatalog memory_{&lease_clock_};
  // Passes everything through until a test makes its commits fail.
  FailingCatalog store_{memory_};
  Gateway gateway_{store_, SystemClock::Default(), Leased(kWatcherWorker)};
  std::string base_;
  std::string root_;
  Repository repo_;
  DaemonOptions options_;
  ScriptedChanges changes_;
  std::unique_ptr<RepositoryWatcher> watcher_;
  std::mutex log_mu_;
  std::vector<std::string> log_;  // guarded by log_mu_
};

TEST_F(RepositoryWatcherTest, LosingTheLeaseEndsTheWatcher) {
  WriteFile("a.jpg", "a");
  StartWatcher();
  ASSERT_TRUE(WaitFor([&] { return CountFinished(OperationType::kStartup); }));
  EXPECT_FALSE(watcher_->finished());

  // This process stalls past its lease on the catalog's clock, and another
  // worker takes the repository over.
  Gateway thief(store_, SystemClock::Default(), Leased("thief"));
  ASSERT_TRUE(WaitFor([&] {
    lease_clock_.AdvanceMs(5'000);
    auto got = thief.AcquireLease(repo_, 600'000);
    return got.ok() && got->acquired;
  }));
  ASSERT_TRUE(WaitFor([&] { return watcher_->finished(); }));
  EXPECT_TRUE(Logged("gave up the repository"));
  EXPECT_EQ(changes_.open_sources(root_), 0);
}

TEST_F(RepositoryWatcherTest, RequestQueuedTwiceIsServedOnce) {
  StartWatcher();
  ASSERT_TRUE(WaitFor([&] { return CountFinished(OperationType::kStartup); }));
  auto request =
      gateway_.RequestSync(repo_.id, OperationType::kReconciliation, "tester");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  watcher_->Request(*request);
  watcher_->Request(*request);
  ASSERT_TRUE(WaitFor([&] {
    auto found = store_.FindRequest(request->id);
    return found.ok() && found->has_value() && (*found)->finished_at_ns != 0;
  }));
  watcher_->Stop();
  watcher_.reset();
  EXPECT_EQ(CountFinished(OperationType::kReconciliation), 1);
}

TEST_F(RepositoryWatcherTest, StorageWithoutEventsIsPolledByReconciliation) {
  options_.reconcile_interval = milliseconds(200);
  auto setup = LocalSetup(repo_);
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  setup->watch_root = "";  // no change events for this storage
  StartWatcher(std::move(*setup));
  ASSERT_TRUE(WaitFor([&] {
    return CountFinished(OperationType::kStartup) &&
           WatchModeIs(WatchMode::kPolling);
  }));
  EXPECT_NE(Watch()->reason.find("no change events"), std::string::npos)
      << Watch()->reason;
  EXPECT_EQ(changes_.started_sources(root_), 0);
  EXPECT_EQ(watcher_->Snapshot().mode, WatchMode::kPolling);
  WriteFile("polled.jpg", "p");
  ASSERT_TRUE(WaitFor([&] { return HasRecord("polled.jpg"); }));
}

TEST_F(RepositoryWatcherTest, SourceThatCannotStartDegradesToRescans) {
  changes_.FailStart(
      root_, Status::ResourceExhausted("inotify instances exhausted; raise "
                                       "fs.inotify.max_user_instances"));
  WriteFile("a.jpg", "a");
  StartWatcher();
  ASSERT_TRUE(WaitFor([&] {
    return CountFinished(OperationType::kStartup) &&
           WatchModeIs(WatchMode::kDegraded);
  }));
  EXPECT_NE(Watch()->reason.find("fs.inotify.max_user_instances"),
            std::string::npos)
      << Watch()->reason;
  EXPECT_TRUE(HasRecord("a.jpg"));
  WriteFile("unseen/b.jpg", "b");
  ASSERT_TRUE(WaitFor([&] { return HasRecord("unseen/b.jpg"); }));
  auto snapshot = watcher_->Snapshot();
  EXPECT_EQ(snapshot.mode, WatchMode::kDegraded);
  ASSERT_TRUE(snapshot.last_operation.has_value());
}

// Issue 15: a rescan that the catalog refused was retried once, then never
// again, while the repository still showed `watching`.
TEST_F(RepositoryWatcherTest, RefusedWritesDegradeAndAreRetriedUntilTaken) {
  options_.catch_up_retry = milliseconds(50);
  options_.catch_up_retry_max = milliseconds(400);
  WriteFile("album/a.jpg", "a");
  WriteFile("album/b.jpg", "b");
  StartWatcher();
  ASSERT_TRUE(WaitFor([&] {
    return CountFinished(OperationType::kStartup) &&
           WatchModeIs(WatchMode::kWatching);
  }));
  const int64_t a_id = (*store_.FindRecord(repo_.id, "album/a.jpg"))->id;

  // Every write of records fails from now on (operation rows still land),
  // as on the "disk full" of issue 15. The folder is renamed.
  store_.FailCommits(
      [](const CommitSummary& s) { return s.writes_records(); },
      Status::ResourceExhausted("catalog.db: disk full (injected)"));
  fs::rename(root_ + "/album", root_ + "/renamed");
  FsEvent from = Event(FsEvent::Kind::kMovedFrom, "album", true);
  from.cookie = 9;
  FsEvent to = Event(FsEvent::Kind::kMovedTo, "renamed", true);
  to.cookie = 9;
  changes_.Push(root_, from);
  changes_.Push(root_, to);

  // Degraded, with the reason, and reconciliations keep coming, each after
  // a longer wait up to the longest.
  ASSERT_TRUE(WaitFor([&] {
    return WatchModeIs(WatchMode::kDegraded) &&
           CountFailed(OperationType::kReconciliation) >= 5;
  }));
  const std::string reason = Watch()->reason;
  EXPECT_NE(reason.find("disk full (injected)"), std::string::npos) << reason;
  EXPECT_NE(reason.find("retried in"), std::string::npos) << reason;
  EXPECT_EQ(watcher_->Snapshot().mode, WatchMode::kDegraded);
  EXPECT_TRUE(Logged("retried in 100 ms"));
  EXPECT_TRUE(Logged("retried in 400 ms"));
  EXPECT_FALSE(Logged("retried in 800 ms"));
  EXPECT_TRUE(HasRecord("album/a.jpg"));  // nothing was lost meanwhile

  // The catalog takes writes again: the next retry converges.
  store_.Clear();
  ASSERT_TRUE(WaitFor([&] {
    return HasRecord("renamed/a.jpg") && HasRecord("renamed/b.jpg") &&
           WatchModeIs(WatchMode::kWatching);
  }));
  EXPECT_FALSE(HasRecord("album/a.jpg"));
  EXPECT_EQ((*store_.FindRecord(repo_.id, "renamed/a.jpg"))->id, a_id);
  EXPECT_EQ(Watch()->reason, "");
  EXPECT_EQ(watcher_->Snapshot().mode, WatchMode::kWatching);
}

// A startup sync that fails is retried too; until then the repository is
// degraded, not watching.
TEST_F(RepositoryWatcherTest, FailedStartupSyncIsRetried) {
  options_.catch_up_retry = milliseconds(50);
  options_.catch_up_retry_max = milliseconds(50);
  WriteFile("a.jpg", "a");
  store_.FailCommits([](const CommitSummary& s) { return s.writes_records(); },
                     Status::Unavailable("catalog is locked (injected)"), 3);
  StartWatcher();
  ASSERT_TRUE(WaitFor([&] { return HasRecord("a.jpg"); }));
  EXPECT_EQ(CountFailed(OperationType::kStartup), 1);
  EXPECT_GE(CountFailed(OperationType::kReconciliation), 2);
  EXPECT_TRUE(Logged("catalog is locked (injected)"));
  ASSERT_TRUE(WaitFor([&] { return WatchModeIs(WatchMode::kWatching); }));
}

}  // namespace
}  // namespace tidemark
