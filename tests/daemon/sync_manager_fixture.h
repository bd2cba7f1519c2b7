// The fixture of the SyncManager tests: a SyncManager with its
// RepositoryWatchers on real temporary folders (LocalBackend), fed by a
// scripted change source, over every catalog store, with leases required
// as in `tidemark watch`; and ListHookCatalog, a store that lets a test act
// in the middle of a discovery. Included by one test file each; not
// thread-safe beyond what the daemon itself does.
#ifndef TIDEMARK_TESTS_DAEMON_SYNC_MANAGER_FIXTURE_H_
#define TIDEMARK_TESTS_DAEMON_SYNC_MANAGER_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/store_factories.h"
#include "common/clock.h"
#include "daemon/daemon_test_util.h"
#include "daemon/sync_manager.h"
#include "fakes/catalog_store_wrapper.h"
#include "fakes/scripted_change_source.h"
#include "storage/backend_factories.h"
#include "sync/hasher.h"
#include "testing/catalog_reads.h"

namespace tidemark {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

inline constexpr char kWorker[] = "daemon-under-test";

// A CatalogStore that passes everything to another one and runs a hook
// after each ListRepositories (the first read of the SyncManager's
// discovery), so a test can act in the middle of a discovery.
class ListHookCatalog final : public CatalogStoreWrapper {
 public:
  explicit ListHookCatalog(CatalogStore& base) : CatalogStoreWrapper(base) {}

  void SetAfterListRepositories(std::function<void()> hook) {
    std::lock_guard<std::mutex> lock(mu_);
    hook_ = std::move(hook);
  }

  Result<std::vector<Repository>> ListRepositories() override {
    auto repos = CatalogStoreWrapper::ListRepositories();
    std::function<void()> hook;
    {
      std::lock_guard<std::mutex> lock(mu_);
      hook = hook_;
    }
    if (hook) hook();
    return repos;
  }

 private:
  std::mutex mu_;
  std::function<void()> hook_;  // guarded by mu_
};

class SyncManagerTest : public ::testing::TestWithParam<CatalogStoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) GTEST_SKIP() << *GetParam().skip_reason;
    base_ = MakeTempDir();
    root_ = base_ + "/photos";
    fs::create_directories(root_);
    auto store = GetParam().open(catalog_dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    GatewayOptions gateway_options;
    gateway_options.worker_id = kWorker;
    gateway_options.require_lease = true;
    gateway_ = std::make_unique<Gateway>(*store_, SystemClock::Default(),
                                         gateway_options);
    options_.aggregation.debounce = milliseconds(20);
    options_.discovery = milliseconds(50);
    options_.poll_interval = milliseconds(50);
    options_.unwatched_rescan = milliseconds(100);
    options_.lease.heartbeat = milliseconds(200);
    options_.lease.timeout = milliseconds(1000);
  }
  void TearDown() override {
    manager_.reset();  // stops the daemon before what it borrows goes
    hooked_gateway_.reset();
    hooked_.reset();
    if (HasFailure()) {
      std::lock_guard<std::mutex> lock(log_mu_);
      for (const std::string& line : log_)
        std::cerr << "daemon: " << line << "\n";
    }
    gateway_.reset();
    store_.reset();
    if (!base_.empty()) RemoveTree(base_);
  }

  Repository AddRepository(const std::string& name, const std::string& root) {
    auto repo = gateway_->AddRepository(name, "file://" + root, "{}");
    EXPECT_TRUE(repo.ok()) << repo.status().ToString();
    return repo.ok() ? *repo : Repository{};
  }
  void StartManager() {
    manager_ = std::make_unique<SyncManager>(
        *store_, *gateway_, options_, LocalSetup, changes_.Factory(),
        [this](LogLevel, const std::string& line) {
          std::lock_guard<std::mutex> lock(log_mu_);
          log_.push_back(line);
        });
    Status started = manager_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  // Writes a file below `root` (default: the repository's root) directly,
  // as another program would: no temporary file, no event.
  void WriteFile(const std::string& path, const std::string& content,
                 const std::string& root = "") {
    const fs::path full = fs::path(root.empty() ? root_ : root) / path;
    fs::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    ASSERT_TRUE(out.good()) << full;
  }
  // Writes `path` and says so, as inotify would (open, close-write).
  void WriteWithEvents(const std::string& path, const std::string& content,
                       const std::string& root = "") {
    WriteFile(path, content, root);
    FsEvent created = Event(FsEvent::Kind::kCreated, path);
    created.may_be_open = true;
    changes_.Push(root.empty() ? root_ : root, created);
    changes_.Push(root.empty() ? root_ : root,
                  Event(FsEvent::Kind::kModified, path));
  }
  // Puts a complete tree at `root` at once (built aside, then renamed in),
  // so the daemon never sees it half made.
  void PlaceTree(const std::string& root,
                 const std::map<std::string, std::string>& files) {
    const std::string staging = base_ + "/staging";
    for (const auto& [path, content] : files) {
      WriteFile(path, content, staging);
    }
    fs::rename(staging, root);
  }

  std::vector<SyncOperation> Operations(int64_t repository_id) {
    auto ops = store_->ListOperations(repository_id, 1000);
    EXPECT_TRUE(ops.ok()) << ops.status().ToString();
    return ops.ok() ? *ops : std::vector<SyncOperation>{};
  }
  // The newest finished operation of `type` that satisfies `also`.
  std::optional<SyncOperation> FinishedOperation(
      int64_t repository_id, OperationType type,
      const std::function<bool(const SyncOperation&)>& also = nullptr) {
    for (const SyncOperation& op : Operations(repository_id)) {
      if (op.type == type && op.status != OperationStatus::kRunning &&
          (!also || also(op))) {
        return op;
      }
    }
    return std::nullopt;
  }
  std::optional<WatchStatus> Watch(int64_t repository_id) {
    auto statuses = store_->ListWatchStatuses();
    EXPECT_TRUE(statuses.ok()) << statuses.status().ToString();
    if (!statuses.ok()) return std::nullopt;
    for (const WatchStatus& s : *statuses) {
      if (s.repository_id == repository_id) return s;
    }
    return std::nullopt;
  }
  bool WatchModeIs(int64_t repository_id, WatchMode mode) {
    auto watch = Watch(repository_id);
    return watch.has_value() && watch->mode == mode;
  }
  std::map<std::string, FileRecord> Records(int64_t repository_id) {
    return RecordsByPath(*store_, repository_id);
  }
  bool HasRecord(int64_t repository_id, const std::string& path) {
    return Records(repository_id).contains(path);
  }
  std::optional<Repository> Find(const std::string& name) {
    auto repo = store_->FindRepository(name);
    EXPECT_TRUE(repo.ok()) << repo.status().ToString();
    return repo.ok() ? *repo : std::nullopt;
  }
  std::optional<Lease> LeaseOf(int64_t repository_id) {
    auto leases = store_->ListLeases();
    EXPECT_TRUE(leases.ok()) << leases.status().ToString();
    if (!leases.ok()) return std::nullopt;
    for (const Lease& lease : *leases) {
      if (lease.repository_id == repository_id) return lease;
    }
    return std::nullopt;
  }
  bool Logged(const std::string& text) {
    std::lock_guard<std::mutex> lock(log_mu_);
    for (const std::string& line : log_) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  // Started, synced at startup and watching.
  void WaitUntilWatching(const Repository& repo) {
    ASSERT_TRUE(WaitFor([&] {
      return FinishedOperation(repo.id, OperationType::kStartup).has_value() &&
             WatchModeIs(repo.id, WatchMode::kWatching);
    })) << repo.name
        << " was not watched";
  }

  std::string base_;
  std::string root_;
  ScopedTempDir catalog_dir_;
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<Gateway> gateway_;
  DaemonOptions options_;
  ScriptedChanges changes_;
  // For a daemon on a wrapped catalog; declared before manager_, which
  // borrows them.
  std::unique_ptr<ListHookCatalog> hooked_;
  std::unique_ptr<Gateway> hooked_gateway_;
  std::unique_ptr<SyncManager> manager_;
  std::mutex log_mu_;
  std::vector<std::string> log_;  // guarded by log_mu_
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_DAEMON_SYNC_MANAGER_FIXTURE_H_
