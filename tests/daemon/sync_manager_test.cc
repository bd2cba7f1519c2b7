// The real-time daemon, one repository's life: a SyncManager with its
// RepositoryWatchers on real temporary folders (LocalBackend), fed by a
// scripted change source, over every catalog store, with leases required as
// in `tidemark watch`: the startup sync, events, overflow, an unwatched
// directory, a vanished root and a requested reconciliation.
//
// The daemon runs on its own threads with short timings; the tests only
// wait (WaitFor, up to 10 s) for what a user would see in the catalog, and
// assert nothing about how long it took.
#include "daemon/sync_manager_fixture.h"

namespace tidemark {
namespace {

TEST_P(SyncManagerTest, RejectsIntervalsThatAreNotPositive) {
  options_.discovery = milliseconds(0);
  SyncManager manager(*store_, *gateway_, options_, LocalSetup,
                      changes_.Factory(), [](LogLevel, const std::string&) {});
  EXPECT_EQ(manager.Start().code(), StatusCode::kInvalidArgument);
  options_.discovery = milliseconds(50);
  options_.lease.heartbeat = options_.lease.timeout;
  SyncManager again(*store_, *gateway_, options_, LocalSetup,
                    changes_.Factory(), [](LogLevel, const std::string&) {});
  EXPECT_EQ(again.Start().code(), StatusCode::kInvalidArgument);
}

TEST_P(SyncManagerTest, StartupSyncCatalogsTheTreeAndPublishesWatching) {
  WriteFile("a.jpg", "a");
  WriteFile("album/b.jpg", "bb");
  WriteFile("album/.hidden", "filtered out");
  const Repository repo = AddRepository("photos", root_);
  StartManager();
  WaitUntilWatching(repo);

  auto startup = FinishedOperation(repo.id, OperationType::kStartup);
  ASSERT_TRUE(startup.has_value());
  EXPECT_EQ(startup->status, OperationStatus::kCompleted)
      << startup->error_message;
  EXPECT_EQ(startup->counters.added, 2);
  EXPECT_EQ(startup->worker, kWorker);
  auto records = Records(repo.id);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records["album/b.jpg"].content_hash,
            HashBytes("bb", HashAlgorithm::kSha256));

  auto watch = Watch(repo.id);
  ASSERT_TRUE(watch.has_value());
  EXPECT_EQ(watch->holder, kWorker);
  EXPECT_TRUE(watch->reason.empty()) << watch->reason;
  EXPECT_EQ(changes_.open_sources(root_), 1);
  auto lease = LeaseOf(repo.id);
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ(lease->holder, kWorker);

  auto statuses = manager_->Statuses();
  ASSERT_TRUE(statuses.ok()) << statuses.status().ToString();
  ASSERT_EQ(statuses->size(), 1u);
  EXPECT_EQ((*statuses)[0].repository.name, "photos");
  EXPECT_EQ((*statuses)[0].mode, WatchMode::kWatching);
  EXPECT_EQ((*statuses)[0].totals.files, 2);
}

TEST_P(SyncManagerTest, NewFileEventAddsTheRecordInARealtimeOperation) {
  WriteFile("keep.jpg", "k");
  const Repository repo = AddRepository("photos", root_);
  StartManager();
  WaitUntilWatching(repo);

  WriteWithEvents("album/new.jpg", "new pixels");
  ASSERT_TRUE(WaitFor([&] { return HasRecord(repo.id, "album/new.jpg"); }));
  EXPECT_EQ(Records(repo.id)["album/new.jpg"].content_hash,
            HashBytes("new pixels", HashAlgorithm::kSha256));
  // The record is committed with its batch; the row is finished after.
  std::optional<SyncOperation> realtime;
  ASSERT_TRUE(WaitFor([&] {
    realtime = FinishedOperation(
        repo.id, OperationType::kRealtime,
        [](const SyncOperation& op) { return op.counters.added == 1; });
    return realtime.has_value();
  }));
  EXPECT_EQ(realtime->status, OperationStatus::kCompleted)
      << realtime->error_message;
  EXPECT_EQ(realtime->worker, kWorker);
}

TEST_P(SyncManagerTest, RenameAndDeleteEventsMoveAndRemoveRecords) {
  for (const char* p : {"a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"}) {
    WriteFile(p, p);
  }
  const Repository repo = AddRepository("photos", root_);
  StartManager();
  WaitUntilWatching(repo);
  const int64_t a_id = Records(repo.id)["a.jpg"].id;

  fs::rename(root_ + "/a.jpg", root_ + "/renamed.jpg");
  FsEvent from = Event(FsEvent::Kind::kMovedFrom, "a.jpg");
  from.cookie = 7;
  FsEvent to = Event(FsEvent::Kind::kMovedTo, "renamed.jpg");
  to.cookie = 7;
  changes_.Push(root_, from);
  changes_.Push(root_, to);
  fs::remove(root_ + "/b.jpg");
  changes_.Push(root_, Event(FsEvent::Kind::kDeleted, "b.jpg"));

  ASSERT_TRUE(WaitFor([&] {
    auto records = Records(repo.id);
    return records.contains("renamed.jpg") && !records.contains("b.jpg");
  }));
  auto records = Records(repo.id);
  EXPECT_EQ(records.size(), 4u);
  EXPECT_FALSE(records.contains("a.jpg"));
  EXPECT_EQ(records["renamed.jpg"].id, a_id);
}

TEST_P(SyncManagerTest, OverflowOfTheRootRescansEverything) {
  WriteFile("keep.jpg", "k");
  const Repository repo = AddRepository("photos", root_);
  StartManager();
  WaitUntilWatching(repo);

  WriteFile("deep/unseen.jpg", "no event for this one");
  changes_.Push(root_, Event(FsEvent::Kind::kOverflow, ""));
  ASSERT_TRUE(WaitFor([&] { return HasRecord(repo.id, "deep/unseen.jpg"); }));
  std::optional<SyncOperation> rescan;
  ASSERT_TRUE(WaitFor([&] {
    rescan = FinishedOperation(
        repo.id, OperationType::kRealtime,
        [](const SyncOperation& op) { return op.counters.added == 1; });
    return rescan.has_value();
  }));
  EXPECT_EQ(rescan->status, OperationStatus::kCompleted)
      << rescan->error_message;
}

TEST_P(SyncManagerTest, UnwatchedDirectoryDegradesAndIsRescanned) {
  WriteFile("keep.jpg", "k");
  WriteFile("many/first.jpg", "1");
  const Repository repo = AddRepository("photos", root_);
  StartManager();
  WaitUntilWatching(repo);

  FsEvent unwatched = Event(FsEvent::Kind::kUnwatched, "many", true);
  unwatched.reason =
      "out of inotify watches; raise fs.inotify.max_user_watches";
  changes_.Push(root_, unwatched);
  ASSERT_TRUE(
      WaitFor([&] { return WatchModeIs(repo.id, WatchMode::kDegraded); }));
  auto watch = Watch(repo.id);
  ASSERT_TRUE(watch.has_value());
  EXPECT_NE(watch->reason.find("fs.inotify.max_user_watches"),
            std::string::npos)
      << watch->reason;
  EXPECT_NE(watch->reason.find("many"), std::string::npos) << watch->reason;
  EXPECT_EQ(watch->holder, kWorker);

  // No event will ever say so: the periodic rescan finds it.
  WriteFile("many/second.jpg", "2");
  ASSERT_TRUE(WaitFor([&] { return HasRecord(repo.id, "many/second.jpg"); }));
  auto statuses = manager_->Statuses();
  ASSERT_TRUE(statuses.ok()) << statuses.status().ToString();
  ASSERT_EQ(statuses->size(), 1u);
  EXPECT_EQ((*statuses)[0].mode, WatchMode::kDegraded);
}

TEST_P(SyncManagerTest, RootGoneGoesOfflineKeepsRecordsAndComesBack) {
  WriteFile("a.jpg", "a");
  WriteFile("b.jpg", "b");
  const Repository repo = AddRepository("photos", root_);
  StartManager();
  WaitUntilWatching(repo);

  RemoveTree(root_);
  FsEvent gone = Event(FsEvent::Kind::kRootGone, "");
  gone.reason = "the root was deleted";
  changes_.Push(root_, gone);
  ASSERT_TRUE(WaitFor([&] {
    auto found = Find("photos");
    return found.has_value() && found->state == RepositoryState::kOffline;
  }));
  EXPECT_EQ(Records(repo.id).size(), 2u);
  ASSERT_TRUE(
      WaitFor([&] { return WatchModeIs(repo.id, WatchMode::kPolling); }));
  EXPECT_EQ(changes_.open_sources(root_), 0);
  const size_t ops_while_gone = Operations(repo.id).size();

  PlaceTree(root_, {{"a.jpg", "a"}, {"b.jpg", "b"}, {"c.jpg", "new"}});
  ASSERT_TRUE(WaitFor([&] {
    auto found = Find("photos");
    return found.has_value() && found->state == RepositoryState::kOnline &&
           HasRecord(repo.id, "c.jpg") &&
           WatchModeIs(repo.id, WatchMode::kWatching);
  }));
  EXPECT_GT(Operations(repo.id).size(), ops_while_gone);
  std::optional<SyncOperation> reconciled;
  ASSERT_TRUE(WaitFor([&] {
    reconciled = FinishedOperation(repo.id, OperationType::kReconciliation);
    return reconciled.has_value();
  }));
  EXPECT_EQ(reconciled->status, OperationStatus::kCompleted)
      << reconciled->error_message;
  EXPECT_EQ(reconciled->counters.added, 1);
  EXPECT_EQ(Records(repo.id).size(), 3u);
  EXPECT_EQ(changes_.open_sources(root_), 1);
}

TEST_P(SyncManagerTest, RootMissingAtStartIsOfflineUntilItAppears) {
  const Repository repo = AddRepository("photos", root_);
  RemoveTree(root_);
  StartManager();
  ASSERT_TRUE(WaitFor([&] {
    auto found = Find("photos");
    return found.has_value() && found->state == RepositoryState::kOffline &&
           WatchModeIs(repo.id, WatchMode::kPolling);
  }));
  EXPECT_TRUE(Records(repo.id).empty());

  PlaceTree(root_, {{"a.jpg", "a"}, {"sub/b.jpg", "b"}});
  ASSERT_TRUE(WaitFor([&] {
    return Records(repo.id).size() == 2 &&
           WatchModeIs(repo.id, WatchMode::kWatching);
  }));
  auto found = Find("photos");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->state, RepositoryState::kOnline);
}

TEST_P(SyncManagerTest, RequestedReconciliationIsTakenServedAndFinished) {
  WriteFile("keep.jpg", "k");
  const Repository repo = AddRepository("photos", root_);
  StartManager();
  WaitUntilWatching(repo);

  WriteFile("unseen.jpg", "no event");
  auto request = manager_->RequestReconciliation("photos", "tester");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(request->pending());
  EXPECT_EQ(request->repository_id, repo.id);
  std::optional<SyncRequest> done;
  ASSERT_TRUE(WaitFor([&] {
    auto found = store_->FindRequest(request->id);
    if (!found.ok() || !found->has_value()) return false;
    done = **found;
    return done->finished_at_ns != 0;
  }));
  EXPECT_NE(done->taken_at_ns, 0);
  EXPECT_EQ(done->taken_by, kWorker);
  EXPECT_EQ(done->requested_by, "tester");
  ASSERT_NE(done->operation_id, 0);
  std::optional<SyncOperation> served;
  for (const SyncOperation& op : Operations(repo.id)) {
    if (op.id == done->operation_id) served = op;
  }
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->type, OperationType::kReconciliation);
  EXPECT_EQ(served->status, OperationStatus::kCompleted)
      << served->error_message;
  EXPECT_EQ(served->counters.added, 1);
  EXPECT_TRUE(HasRecord(repo.id, "unseen.jpg"));

  EXPECT_EQ(manager_->RequestReconciliation("nope", "tester").status().code(),
            StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Stores, SyncManagerTest,
                         ::testing::ValuesIn(AllCatalogStoreFactories()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tidemark
