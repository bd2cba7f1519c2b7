// PathSync (the watcher's half of the pipeline) over every combination of
// storage backend and catalog store: each case seeds the catalog with a
// scan, changes storage, and hands PathSync the paths an event would name.
#include "sync/path_sync.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/store_factories.h"
#include "fakes/fake_clock.h"
#include "fakes/faulty_storage.h"
#include "fakes/memory_storage.h"
#include "sync/hasher.h"
#include "sync/reconciler.h"
#include "testing/backend_catalog_fixture.h"

namespace tidemark {
namespace {

class PathSyncTest : public BackendCatalogTest {
 protected:
  void SetUp() override {
    BackendCatalogTest::SetUp();
    options_.batch_size = 2;  // several batches even in small cases
  }

  // Removes the directory `dir` with everything below it.
  void RemoveDirectory(const std::string& dir) {
    ListOptions list;
    list.scope = dir;
    auto listing = backend_->List(list);
    ASSERT_TRUE(listing.ok()) << listing.status().ToString();
    std::vector<std::string> paths;
    ListItem item;
    for (;;) {
      auto more = (*listing)->Next(&item);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      paths.push_back(item.entry.path);
    }
    for (const std::string& path : paths) Remove(path);
    if (local()) RemoveTree(storage_dir_ + "/" + dir);  // the empty dirs
  }
  void MakeRootUnreachable() { ASSERT_TRUE(hooks_->LoseRoot().ok()); }

  // A full scan, so the catalog starts in step with storage.
  void Seed() {
    Reconciler reconciler(*backend_, *store_, *gateway_);
    ReconcileOptions options;
    options.batch_size = 2;
    auto report = reconciler.Run(repo_, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_EQ(report->operation.status, OperationStatus::kCompleted);
  }

  Result<PathSyncReport> Run(std::vector<std::string> paths,
                             StorageBackend* backend = nullptr) {
    PathSync sync(backend != nullptr ? *backend : *backend_, *store_,
                  *gateway_);
    return sync.Run(repo_, std::move(paths), options_);
  }
  PathSyncReport Sync(std::vector<std::string> paths,
                      StorageBackend* backend = nullptr) {
    auto report = Run(std::move(paths), backend);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : PathSyncReport{};
  }

  PathSyncOptions options_;
};

TEST_P(PathSyncTest, NewFileIsAddedAndHashedInOneRealtimeOperation) {
  Put("keep.jpg", "k");
  Seed();
  Put("album/new.jpg", "fresh pixels");
  PathSyncReport report = Sync({"album/new.jpg"});
  ASSERT_TRUE(report.wrote_operation);
  EXPECT_FALSE(report.offline);
  EXPECT_EQ(report.rows_written, 1);
  auto records = Records();
  ASSERT_TRUE(records.contains("album/new.jpg"));
  const FileRecord& added = records["album/new.jpg"];
  EXPECT_EQ(added.size, 12);
  EXPECT_EQ(added.hash_algorithm, HashAlgorithm::kSha256);
  EXPECT_EQ(added.content_hash,
            HashBytes("fresh pixels", HashAlgorithm::kSha256));

  SyncOperation op = LastOperation();
  EXPECT_EQ(op.id, report.operation.id);
  EXPECT_EQ(op.type, OperationType::kRealtime);
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.scanned, 1);
  EXPECT_EQ(op.counters.added, 1);
  EXPECT_EQ(op.counters.updated, 0);
  EXPECT_EQ(op.counters.moved, 0);
  EXPECT_EQ(op.counters.removed, 0);
  EXPECT_EQ(op.counters.errors, 0);
  EXPECT_NE(op.end_ns, 0);
  EXPECT_EQ(report.operation.counters.added, 1);
}

TEST_P(PathSyncTest, ChangedFileIsRehashedInPlace) {
  Put("a.jpg", "old");
  Put("b.jpg", "same");
  Seed();
  const FileRecord before = Records()["a.jpg"];
  Put("a.jpg", "new content");
  PathSyncReport report = Sync({"a.jpg", "b.jpg"});
  ASSERT_TRUE(report.wrote_operation);
  EXPECT_EQ(report.rows_written, 1);  // b.jpg is unchanged
  const FileRecord after = Records()["a.jpg"];
  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.size, 11);
  EXPECT_EQ(after.content_hash,
            HashBytes("new content", HashAlgorithm::kSha256));
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.type, OperationType::kRealtime);
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.scanned, 2);
  EXPECT_EQ(op.counters.updated, 1);
  EXPECT_EQ(op.counters.added, 0);
  EXPECT_EQ(op.counters.removed, 0);
}

TEST_P(PathSyncTest, UnchangedPathsWriteNothingNotEvenAnOperation) {
  Put("a.jpg", "a");
  Put("dir/b.jpg", "b");
  Seed();
  const size_t ops = Operations().size();
  const auto before = Records();
  // Duplicates, a directory that is still there and a path that never
  // existed are all nothing to do.
  PathSyncReport report =
      Sync({"dir/b.jpg", "a.jpg", "a.jpg", "dir", "never-was.jpg"});
  EXPECT_FALSE(report.wrote_operation);
  EXPECT_EQ(report.rows_written, 0);
  EXPECT_FALSE(report.offline);
  EXPECT_EQ(Operations().size(), ops);
  auto after = Records();
  ASSERT_EQ(after.size(), before.size());
  EXPECT_EQ(after["a.jpg"].updated_at_ns, before.at("a.jpg").updated_at_ns);
}

TEST_P(PathSyncTest, DeletedFileIsRemoved) {
  for (const char* p : {"a.jpg", "b.jpg", "c.jpg"}) Put(p, p);
  Seed();
  Remove("b.jpg");
  PathSyncReport report = Sync({"b.jpg"});
  ASSERT_TRUE(report.wrote_operation);
  EXPECT_EQ(report.removals_deferred, 0);
  auto records = Records();
  EXPECT_FALSE(records.contains("b.jpg"));
  EXPECT_EQ(records.size(), 2u);
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.type, OperationType::kRealtime);
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.removed, 1);
  EXPECT_EQ(op.counters.added, 0);
  EXPECT_EQ(op.counters.scanned, 0);
}

TEST_P(PathSyncTest, DeletedDirectoryRemovesEveryRecordBelowIt) {
  for (const char* p : {"dir/a.jpg", "dir/sub/b.jpg", "dir/sub/deeper/c.jpg"}) {
    Put(p, p);
  }
  // Neighbours whose paths start like the directory's are not below it.
  for (const char* p : {"dir.jpg", "dir2/x.jpg", "dir-x/y.jpg", "k.jpg"}) {
    Put(p, p);
  }
  Seed();
  RemoveDirectory("dir");
  PathSyncReport report = Sync({"dir"});
  ASSERT_TRUE(report.wrote_operation);
  EXPECT_EQ(report.removals_deferred, 0) << report.removal_pause_reason;
  auto records = Records();
  EXPECT_EQ(records.size(), 4u);
  for (const char* p : {"dir.jpg", "dir2/x.jpg", "dir-x/y.jpg", "k.jpg"}) {
    EXPECT_TRUE(records.contains(p)) << p;
  }
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.removed, 3);
}

// A daemon does not see into its unwatched directories: a file moved into
// one sends only "moved away". Its record is held back until the caller has
// rescanned that directory (which finds the move by inode), then the paths
// are synced again, and what is still gone is removed.
TEST_P(PathSyncTest, RemovalsAreHeldBackWhileAMoveIntoAnUnlistedDirMayExplain) {
  for (const char* p : {"a.jpg", "b.jpg", "c.jpg", "d.jpg", "unwatched/x"}) {
    Put(p, p);
  }
  Seed();
  const FileRecord moved = Records()["a.jpg"];
  ASSERT_TRUE(backend_->Move("a.jpg", "unwatched/a.jpg").ok());
  Remove("b.jpg");
  options_.unlisted = {"unwatched"};
  PathSyncReport held = Sync({"a.jpg", "b.jpg"});
  EXPECT_EQ(held.held_back, (std::vector<std::string>{"a.jpg", "b.jpg"}));
  EXPECT_EQ(held.removals_deferred, 2);
  EXPECT_TRUE(Records().contains("a.jpg"));
  EXPECT_TRUE(Records().contains("b.jpg"));
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kPartial);
  EXPECT_EQ(op.counters.removed, 0);
  EXPECT_NE(op.error_message.find("'unwatched'"), std::string::npos)
      << op.error_message;

  // The caller's rescan of the directory finds the move...
  Reconciler reconciler(*backend_, *store_, *gateway_);
  ReconcileOptions rescan;
  rescan.scope = "unwatched";
  auto report = reconciler.Run(repo_, rescan);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->operation.counters.moved, 1);
  // ...and the held-back paths, synced again, remove what is really gone.
  options_.unlisted.clear();
  PathSyncReport released = Sync(held.held_back);
  EXPECT_TRUE(released.held_back.empty());
  EXPECT_EQ(released.removals_deferred, 0);
  auto records = Records();
  EXPECT_FALSE(records.contains("a.jpg"));
  EXPECT_FALSE(records.contains("b.jpg"));
  ASSERT_TRUE(records.contains("unwatched/a.jpg"));
  EXPECT_EQ(records["unwatched/a.jpg"].id, moved.id);
  EXPECT_EQ(records["unwatched/a.jpg"].content_hash, moved.content_hash);
  EXPECT_EQ(LastOperation().counters.removed, 1);
}

TEST_P(PathSyncTest, FileReplacedByADirectory) {
  for (const char* p : {"p", "k1", "k2", "k3"}) Put(p, "was a file");
  Seed();
  const int64_t old_id = Records()["p"].id;
  Remove("p");
  Put("p/inner.jpg", "inside");
  PathSyncReport report = Sync({"p", "p/inner.jpg"});
  ASSERT_TRUE(report.wrote_operation);
  auto records = Records();
  EXPECT_FALSE(records.contains("p"));
  ASSERT_TRUE(records.contains("p/inner.jpg"));
  EXPECT_NE(records["p/inner.jpg"].id, old_id);
  EXPECT_EQ(records["p/inner.jpg"].content_hash,
            HashBytes("inside", HashAlgorithm::kSha256));
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.added, 1);
  EXPECT_EQ(op.counters.removed, 1);
  EXPECT_EQ(op.counters.moved, 0);
}

TEST_P(PathSyncTest, FileThatReplacedADirectoryRemovesWhatWasBelowIt) {
  for (const char* p : {"d/x.jpg", "d/y.jpg", "k1", "k2", "k3"}) Put(p, p);
  Seed();
  RemoveDirectory("d");
  Put("d", "now a file");
  PathSyncReport report = Sync({"d"});
  ASSERT_TRUE(report.wrote_operation);
  auto records = Records();
  EXPECT_FALSE(records.contains("d/x.jpg"));
  EXPECT_FALSE(records.contains("d/y.jpg"));
  ASSERT_TRUE(records.contains("d"));
  EXPECT_EQ(records["d"].content_hash,
            HashBytes("now a file", HashAlgorithm::kSha256));
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.added, 1);
  EXPECT_EQ(op.counters.removed, 2);
}

TEST_P(PathSyncTest, RenameWithinTheBatchKeepsTheRecordAndItsHash) {
  Put("old/photo.jpg", "pixels");
  Put("k1", "k");
  Put("k2", "k");
  Seed();
  const FileRecord before = Records()["old/photo.jpg"];
  ASSERT_TRUE(backend_->Move("old/photo.jpg", "new/photo.jpg").ok());
  PathSyncReport report = Sync({"new/photo.jpg", "old/photo.jpg"});
  ASSERT_TRUE(report.wrote_operation);
  EXPECT_EQ(report.removals_deferred, 0);
  auto records = Records();
  EXPECT_EQ(records.size(), 3u);
  EXPECT_FALSE(records.contains("old/photo.jpg"));
  ASSERT_TRUE(records.contains("new/photo.jpg"));
  const FileRecord& after = records["new/photo.jpg"];
  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.content_hash, before.content_hash);
  EXPECT_EQ(after.hash_algorithm, before.hash_algorithm);
  EXPECT_EQ(after.created_at_ns, before.created_at_ns);
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.moved, 1);
  EXPECT_EQ(op.counters.added, 0);
  EXPECT_EQ(op.counters.removed, 0);
  EXPECT_EQ(op.counters.updated, 0);
}

TEST_P(PathSyncTest, RenamedDirectoryWithItsFilesNamedIsMoves) {
  for (const char* p : {"album/a.jpg", "album/b.jpg", "k1"}) Put(p, p);
  Seed();
  const auto before = Records();
  ASSERT_TRUE(backend_->Move("album", "trip").ok());
  PathSyncReport report = Sync({"album", "trip/a.jpg", "trip/b.jpg"});
  ASSERT_TRUE(report.wrote_operation);
  EXPECT_EQ(report.removals_deferred, 0) << report.removal_pause_reason;
  auto records = Records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records["trip/a.jpg"].id, before.at("album/a.jpg").id);
  EXPECT_EQ(records["trip/b.jpg"].id, before.at("album/b.jpg").id);
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.moved, 2);
  EXPECT_EQ(op.counters.added, 0);
  EXPECT_EQ(op.counters.removed, 0);
}

TEST_P(PathSyncTest, CopyThenDeleteWithTheSameContentIsAMove) {
  Put("a.jpg", "pixels");
  Put("k1", "k");
  Put("k2", "k");
  Seed();
  const FileRecord before = Records()["a.jpg"];
  // A copy is a new file with a new inode; then the original goes.
  Put("b.jpg", "pixels");
  Remove("a.jpg");
  ASSERT_NE(backend_->Stat("b.jpg")->inode, before.inode);
  PathSyncReport report = Sync({"a.jpg", "b.jpg"});
  ASSERT_TRUE(report.wrote_operation);
  auto records = Records();
  EXPECT_EQ(records.size(), 3u);
  EXPECT_FALSE(records.contains("a.jpg"));
  ASSERT_TRUE(records.contains("b.jpg"));
  EXPECT_EQ(records["b.jpg"].id, before.id);
  EXPECT_EQ(records["b.jpg"].content_hash, before.content_hash);
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.moved, 1);
  EXPECT_EQ(op.counters.added, 0);
  EXPECT_EQ(op.counters.removed, 0);
  // The moved record now carries the copy's fingerprint: nothing to do.
  const size_t ops = Operations().size();
  EXPECT_FALSE(Sync({"b.jpg"}).wrote_operation);
  EXPECT_EQ(Operations().size(), ops);
}

TEST_P(PathSyncTest, DeleteAndCreateWithOtherContentIsARemoveAndAnAdd) {
  Put("a.jpg", "pixels");
  Put("k1", "k");
  Put("k2", "k");
  Seed();
  const FileRecord before = Records()["a.jpg"];
  Put("b.jpg", "other!");  // the same size, other bytes
  Remove("a.jpg");
  PathSyncReport report = Sync({"a.jpg", "b.jpg"});
  ASSERT_TRUE(report.wrote_operation);
  auto records = Records();
  EXPECT_EQ(records.size(), 3u);
  EXPECT_FALSE(records.contains("a.jpg"));
  ASSERT_TRUE(records.contains("b.jpg"));
  EXPECT_NE(records["b.jpg"].id, before.id);
  EXPECT_EQ(records["b.jpg"].content_hash,
            HashBytes("other!", HashAlgorithm::kSha256));
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.moved, 0);
  EXPECT_EQ(op.counters.added, 1);
  EXPECT_EQ(op.counters.removed, 1);
}

TEST_P(PathSyncTest, FilteredPathsAreNotAdded) {
  auto rules = PathFilterRules::Create(FilterConfig{});
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  options_.filter = &*rules;
  Put("k.jpg", "k");
  Seed();
  const size_t ops = Operations().size();
  Put(".hidden.jpg", "h");
  Put("album/.secret.jpg", "s");
  Put(".hdir/photo.jpg", "below a hidden directory");
  Put(".hdir/sub/deep.jpg", "further below");
  Put("album/upload.tmp", "t");
  PathSyncReport report =
      Sync({".hidden.jpg", "album/.secret.jpg", ".hdir/photo.jpg",
            ".hdir/sub/deep.jpg", "album/upload.tmp"});
  EXPECT_FALSE(report.wrote_operation);
  EXPECT_EQ(Operations().size(), ops);
  EXPECT_EQ(Records().size(), 1u);

  Put("album/ok.jpg", "visible");
  report = Sync({".hdir/photo.jpg", "album/ok.jpg", "album/.secret.jpg"});
  ASSERT_TRUE(report.wrote_operation);
  auto records = Records();
  EXPECT_EQ(records.size(), 2u);
  EXPECT_TRUE(records.contains("album/ok.jpg"));
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.counters.scanned, 1);
  EXPECT_EQ(op.counters.added, 1);
}

TEST_P(PathSyncTest, MassRemovalIsPausedUntilAllowed) {
  for (const char* p : {"a", "b", "c", "d"}) Put(p, p);
  Seed();
  for (const char* p : {"a", "b", "c"}) Remove(p);
  PathSyncReport paused = Sync({"a", "b", "c"});
  ASSERT_TRUE(paused.wrote_operation);
  EXPECT_EQ(paused.removals_deferred, 3);
  EXPECT_NE(paused.removal_pause_reason.find("--allow-mass-removal"),
            std::string::npos)
      << paused.removal_pause_reason;
  EXPECT_EQ(Records().size(), 4u);
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kPartial);
  EXPECT_EQ(op.counters.removed, 0);
  EXPECT_EQ(op.error_message, paused.removal_pause_reason);

  options_.allow_mass_removal = true;
  PathSyncReport confirmed = Sync({"a", "b", "c"});
  EXPECT_EQ(confirmed.removals_deferred, 0);
  auto records = Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records.contains("d"));
  op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.removed, 3);
}

TEST_P(PathSyncTest, UnreachableRootMarksOfflineAndTouchesNothing) {
  for (const char* p : {"a", "b", "c"}) Put(p, p);
  Seed();
  const size_t ops = Operations().size();
  MakeRootUnreachable();
  PathSyncReport report = Sync({"a", "b", "new"});
  EXPECT_TRUE(report.offline);
  EXPECT_FALSE(report.wrote_operation);
  EXPECT_EQ(report.rows_written, 0);
  EXPECT_EQ(Records().size(), 3u);
  EXPECT_EQ(Operations().size(), ops);
  auto repo = store_->FindRepository("repo");
  ASSERT_TRUE(repo.ok() && repo->has_value());
  EXPECT_EQ((*repo)->state, RepositoryState::kOffline);
  EXPECT_FALSE((*repo)->state_reason.empty());
  EXPECT_EQ(repo_.state, RepositoryState::kOffline);  // the caller's copy too
}

TEST_P(PathSyncTest, StatErrorIsCountedAndKeepsTheRecords) {
  for (const char* p : {"locked.jpg", "dir/a.jpg", "dir/b.jpg", "k1", "k2"}) {
    Put(p, p);
  }
  Seed();
  // They are gone, but storage cannot say so for two of them.
  Remove("locked.jpg");
  RemoveDirectory("dir");
  Put("new.jpg", "n");
  FaultyStorage faulty(*backend_);
  faulty.SetStatHook([](std::string_view path) {
    if (path == "locked.jpg" || path == "dir/a.jpg") {
      return Status::PermissionDenied("cannot look at it");
    }
    return Status::Ok();
  });
  PathSyncReport report = Sync({"dir", "locked.jpg", "new.jpg"}, &faulty);
  ASSERT_TRUE(report.wrote_operation);
  EXPECT_FALSE(report.warnings.empty());
  auto records = Records();
  EXPECT_TRUE(records.contains("locked.jpg"));
  EXPECT_TRUE(records.contains("dir/a.jpg"));
  EXPECT_FALSE(records.contains("dir/b.jpg"));  // confirmed gone
  EXPECT_TRUE(records.contains("new.jpg"));
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.type, OperationType::kRealtime);
  EXPECT_EQ(op.status, OperationStatus::kPartial);
  EXPECT_EQ(op.counters.errors, 2);
  EXPECT_EQ(op.counters.added, 1);
  EXPECT_EQ(op.counters.removed, 1);
  EXPECT_FALSE(op.error_message.empty());
}

TEST_P(PathSyncTest, CancelledBeforeTheBatchChangesNothing) {
  for (const char* p : {"a", "b", "c", "d"}) Put(p, p);
  Seed();
  const size_t ops = Operations().size();
  Remove("a");
  Put("new", "n");
  std::atomic<bool> cancel{true};
  options_.cancel = &cancel;
  auto report = Run({"a", "new"});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kCancelled)
      << report.status().ToString();
  auto records = Records();
  EXPECT_EQ(records.size(), 4u);
  EXPECT_TRUE(records.contains("a"));
  EXPECT_FALSE(records.contains("new"));
  EXPECT_EQ(Operations().size(), ops);
}

TEST_P(PathSyncTest, CancelledMidBatchSkipsWhatWasNotHashedAndRemovesNothing) {
  for (const char* p : {"changed", "gone", "k1", "k2", "k3"}) Put(p, p);
  Seed();
  Put("changed", "new content");
  Remove("gone");
  Put("new1", "1");
  Put("new2", "2");
  std::atomic<bool> cancel{false};
  options_.cancel = &cancel;
  FaultyStorage faulty(*backend_);
  // The stop arrives while the paths are looked at: after the last one.
  faulty.SetStatHook([&](std::string_view path) {
    if (path == "new2") cancel = true;
    return Status::Ok();
  });
  auto report = Run({"changed", "gone", "new1", "new2"}, &faulty);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kCancelled)
      << report.status().ToString();
  auto records = Records();
  EXPECT_TRUE(records.contains("gone"));  // nothing is removed
  // Stopping does not wait for hashing: the change was not read, so its
  // record still describes the old content (the next sync sees the new).
  EXPECT_EQ(records["changed"].content_hash,
            HashBytes("changed", HashAlgorithm::kSha256));
  EXPECT_FALSE(records.contains("new1"));
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.type, OperationType::kRealtime);
  EXPECT_NE(op.status, OperationStatus::kRunning);
  EXPECT_NE(op.end_ns, 0);
  EXPECT_EQ(op.counters.removed, 0);
}

INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(PathSyncTest);

// What the in-memory storage can show and a real folder cannot: which files
// were read.
class PathSyncReadTest : public ::testing::TestWithParam<CatalogStoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) GTEST_SKIP() << *GetParam().skip_reason;
    auto store = GetParam().open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    gateway_ = std::make_unique<Gateway>(*store_, clock_);
    auto repo = gateway_->AddRepository("repo", storage_.RootUrl(), "{}");
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
    Reconciler reconciler(storage_, *store_, *gateway_);
    storage_.PutFile("a/photo.jpg", "pixels", 5);
    storage_.PutFile("k1", "k", 5);
    storage_.PutFile("k2", "k", 5);
    auto seeded = reconciler.Run(repo_, ReconcileOptions{});
    ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
    storage_.SetBeforeOpenHook([this](std::string_view path) {
      std::lock_guard<std::mutex> lock(mu_);
      opened_.emplace_back(path);
    });
  }

  PathSyncReport Sync(std::vector<std::string> paths) {
    PathSync sync(storage_, *store_, *gateway_);
    auto report = sync.Run(repo_, std::move(paths), PathSyncOptions{});
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : PathSyncReport{};
  }
  std::vector<std::string> Opened() {
    std::lock_guard<std::mutex> lock(mu_);
    return opened_;
  }

  ScopedTempDir dir_;
  FakeClock clock_;
  MemoryStorage storage_;
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<Gateway> gateway_;
  Repository repo_;
  std::mutex mu_;
  std::vector<std::string> opened_;  // guarded by mu_
};

TEST_P(PathSyncReadTest, RenameIsNotRead) {
  ASSERT_TRUE(storage_.Move("a/photo.jpg", "b/photo.jpg").ok());
  PathSyncReport report = Sync({"a/photo.jpg", "b/photo.jpg"});
  EXPECT_EQ(report.operation.counters.moved, 1);
  EXPECT_EQ(report.operation.counters.added, 0);
  EXPECT_TRUE(Opened().empty());
}

TEST_P(PathSyncReadTest, CopyThenDeleteIsReadOnce) {
  storage_.PutFile("b/copy.jpg", "pixels", 9);
  ASSERT_TRUE(storage_.Remove("a/photo.jpg").ok());
  PathSyncReport report = Sync({"a/photo.jpg", "b/copy.jpg"});
  EXPECT_EQ(report.operation.counters.moved, 1);
  EXPECT_EQ(Opened(), std::vector<std::string>{"b/copy.jpg"});
}

INSTANTIATE_TEST_SUITE_P(Stores, PathSyncReadTest,
                         ::testing::ValuesIn(AllCatalogStoreFactories()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tidemark
