#include "sync/gateway.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "catalog/store_factories.h"
#include "fakes/fake_clock.h"
#include "fakes/memory_catalog.h"

namespace tidemark {
namespace {

FileRecord NewRecord(int64_t repo, std::string path) {
  FileRecord r;
  r.repository_id = repo;
  r.path = std::move(path);
  r.size = 3;
  r.mtime_ns = 10;
  return r;
}

class GatewayTest : public ::testing::TestWithParam<CatalogStoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) GTEST_SKIP() << *GetParam().skip_reason;
    auto store = GetParam().open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    GatewayOptions options;
    options.bulk_event_threshold = 3;
    gateway_ = std::make_unique<Gateway>(*store_, clock_, options);
    auto repo = gateway_->AddRepository("photos", "file:///x", "{}");
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
  }

  ScopedTempDir dir_;
  FakeClock clock_;
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<Gateway> gateway_;
  Repository repo_;
};

TEST_P(GatewayTest, AppliesAChangeSetAndPublishesEachRecord) {
  std::vector<ChangeBatch> seen;
  gateway_->Subscribe([&](const ChangeBatch& b) { seen.push_back(b); });
  ChangeSet set;
  set.repository_id = repo_.id;
  set.added = {NewRecord(repo_.id, "a"), NewRecord(repo_.id, "b")};
  auto applied = gateway_->Apply(set);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->rows_written, 2);
  EXPECT_NE(set.added[0].id, 0);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_FALSE(seen[0].bulk);
  ASSERT_EQ(seen[0].events.size(), 2u);
  EXPECT_EQ(seen[0].events[1].path, "b");
  EXPECT_EQ(seen[0].events[1].record_id, set.added[1].id);

  // A move and a removal.
  ChangeSet next;
  next.repository_id = repo_.id;
  FileRecord moved = set.added[0];
  moved.path = "c";
  next.updated = {moved};
  next.moved_from = {"a"};
  next.removed = {{set.added[1].id, "b"}};
  ASSERT_TRUE(gateway_->Apply(next).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].moved, 1);
  EXPECT_EQ(seen[1].removed, 1);
  EXPECT_EQ(seen[1].events[0].type, ChangeEvent::Type::kMoved);
  EXPECT_EQ(seen[1].events[0].old_path, "a");
  auto found = store_->FindRecord(repo_.id, "c");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, set.added[0].id);
}

TEST_P(GatewayTest, LargeSetsArePublishedAsOneBulkEvent) {
  std::vector<ChangeBatch> seen;
  gateway_->Subscribe([&](const ChangeBatch& b) { seen.push_back(b); });
  ChangeSet set;
  set.repository_id = repo_.id;
  for (int i = 0; i < 5; ++i) {
    set.added.push_back(NewRecord(repo_.id, "f" + std::to_string(i)));
  }
  ASSERT_TRUE(gateway_->Apply(set).ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].bulk);
  EXPECT_TRUE(seen[0].events.empty());
  EXPECT_EQ(seen[0].added, 5);
}

TEST_P(GatewayTest, RepositoryNamesAreValidatedAndUnique) {
  auto dup = gateway_->AddRepository("photos", "file:///y", "{}");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.status().message().find("photos"), std::string::npos);
  auto bad = gateway_->AddRepository("has space", "file:///y", "{}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(GatewayTest, OperationsRecordDurationFromTheClock) {
  auto op = gateway_->BeginOperation(repo_.id, OperationType::kStartup);
  ASSERT_TRUE(op.ok());
  clock_.AdvanceMs(1500);
  op->status = OperationStatus::kCompleted;
  op->counters.added = 4;
  ASSERT_TRUE(gateway_->FinishOperation(*op).ok());
  auto ops = store_->ListOperations(repo_.id, 10);
  ASSERT_TRUE(ops.ok());
  ASSERT_EQ(ops->size(), 1u);
  EXPECT_EQ((*ops)[0].duration_ms, 1500);
  EXPECT_EQ((*ops)[0].counters.added, 4);
  EXPECT_EQ((*ops)[0].type, OperationType::kStartup);
  EXPECT_EQ((*ops)[0].status, OperationStatus::kCompleted);
}

GatewayOptions GatewayOptionsOf(const std::string& id, bool require_lease) {
  GatewayOptions options;
  options.worker_id = id;
  options.require_lease = require_lease;
  return options;
}

TEST_P(GatewayTest, WatchStatusTakesHolderAndTimeFromTheGateway) {
  Gateway daemon(*store_, clock_, GatewayOptionsOf("host-1:42", false));
  WatchStatus s;
  s.repository_id = repo_.id;
  s.mode = WatchMode::kWatching;
  s.updated_at_ns = 1;  // the gateway's clock wins
  ASSERT_TRUE(daemon.SetWatchStatus(s).ok());
  auto listed = store_->ListWatchStatuses();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].holder, "host-1:42");
  EXPECT_EQ((*listed)[0].updated_at_ns, clock_.NowNanos());
  EXPECT_EQ((*listed)[0].mode, WatchMode::kWatching);

  clock_.AdvanceMs(250);
  s.mode = WatchMode::kDegraded;
  s.reason = "raise fs.inotify.max_user_watches";
  s.holder = "named-by-caller";
  ASSERT_TRUE(daemon.SetWatchStatus(s).ok());
  listed = store_->ListWatchStatuses();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].holder, "named-by-caller");
  EXPECT_EQ((*listed)[0].reason, s.reason);
  EXPECT_EQ((*listed)[0].updated_at_ns, clock_.NowNanos());

  s.repository_id = repo_.id + 1000;
  EXPECT_EQ(daemon.SetWatchStatus(s).code(), StatusCode::kNotFound);
}

TEST_P(GatewayTest, RequestsAreStampedTakenAndFinished) {
  Gateway cli(*store_, clock_, GatewayOptionsOf("cli-host:77", false));
  auto asked = cli.RequestSync(repo_.id, OperationType::kReconciliation, "");
  ASSERT_TRUE(asked.ok()) << asked.status().ToString();
  EXPECT_GT(asked->id, 0);
  EXPECT_EQ(asked->requested_by, "cli-host:77");
  EXPECT_EQ(asked->requested_at_ns, clock_.NowNanos());
  EXPECT_TRUE(asked->pending());
  auto named = cli.RequestSync(repo_.id, OperationType::kOnDemand, "ops:1");
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ(named->requested_by, "ops:1");

  clock_.AdvanceMs(10);
  SyncRequest taken = *asked;
  taken.taken_at_ns = clock_.NowNanos();
  taken.taken_by = "daemon";
  taken.operation_id = 5;
  ASSERT_TRUE(gateway_->UpdateRequest(taken).ok());
  auto pending = store_->ListRequests(repo_.id, true);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, named->id);
  EXPECT_EQ((*pending)[0].type, OperationType::kOnDemand);
  auto found = store_->FindRequest(asked->id);
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status().ToString();
  EXPECT_EQ((*found)->taken_by, "daemon");
  EXPECT_EQ((*found)->operation_id, 5);

  EXPECT_EQ(cli.RequestSync(repo_.id + 1000, OperationType::kReconciliation, "")
                .status()
                .code(),
            StatusCode::kNotFound);
}

// With require_lease (the CLI's setting), the watch status and the taking of
// requests need the lease, but anyone may leave a request in the mailbox.
TEST_P(GatewayTest, OnlyTheLeaseHolderPublishesButAnyoneMayRequest) {
  Gateway daemon(*store_, clock_, GatewayOptionsOf("daemon-a", true));
  Gateway cli(*store_, clock_, GatewayOptionsOf("cli:1", true));
  WatchStatus s;
  s.repository_id = repo_.id;
  s.mode = WatchMode::kWatching;
  EXPECT_EQ(cli.SetWatchStatus(s).code(), StatusCode::kFailedPrecondition);
  auto listed = store_->ListWatchStatuses();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_TRUE(listed->empty());

  auto asked = cli.RequestSync(repo_.id, OperationType::kReconciliation, "");
  ASSERT_TRUE(asked.ok()) << asked.status().ToString();
  SyncRequest taken = *asked;
  taken.taken_at_ns = clock_.NowNanos();
  taken.taken_by = "cli:1";
  EXPECT_EQ(cli.UpdateRequest(taken).code(), StatusCode::kFailedPrecondition);

  auto lease = daemon.AcquireLease(repo_, 1);
  ASSERT_TRUE(lease.ok() && lease->acquired) << lease.status().ToString();
  ASSERT_TRUE(daemon.SetWatchStatus(s).ok());
  taken.taken_by = "daemon-a";
  ASSERT_TRUE(daemon.UpdateRequest(taken).ok());

  // Another daemon takes the lease over: the first one's writes are fenced
  // off, but it may still ask the new holder for a sync.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  Gateway successor(*store_, clock_, GatewayOptionsOf("daemon-b", true));
  auto took = successor.AcquireLease(repo_, 60'000);
  ASSERT_TRUE(took.ok() && took->acquired) << took.status().ToString();
  s.mode = WatchMode::kStopped;
  EXPECT_EQ(daemon.SetWatchStatus(s).code(), StatusCode::kAborted);
  taken.finished_at_ns = clock_.NowNanos();
  EXPECT_EQ(daemon.UpdateRequest(taken).code(), StatusCode::kAborted);
  EXPECT_TRUE(
      daemon.RequestSync(repo_.id, OperationType::kReconciliation, "").ok());
  listed = store_->ListWatchStatuses();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].mode, WatchMode::kWatching);
  EXPECT_EQ((*listed)[0].holder, "daemon-a");
  // Each row carries the token of the lease it was written under, so a row
  // left by a dead holder never passes for the live lease's.
  EXPECT_EQ((*listed)[0].lease_token, lease->lease.token);
  ASSERT_TRUE(successor.SetWatchStatus(s).ok());
  ASSERT_TRUE(successor.UpdateRequest(taken).ok());
  listed = store_->ListWatchStatuses();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ((*listed)[0].lease_token, took->lease.token);
  EXPECT_GT(took->lease.token, lease->lease.token);
}

INSTANTIATE_TEST_SUITE_P(Stores, GatewayTest,
                         ::testing::ValuesIn(AllCatalogStoreFactories()),
                         [](const auto& info) { return info.param.name; });

TEST(GatewayFaultTest, AFailedCommitWritesAndPublishesNothing) {
  MemoryCatalog store;
  FakeClock clock;
  Gateway gateway(store, clock);
  auto repo = gateway.AddRepository("r", "file:///r", "{}");
  ASSERT_TRUE(repo.ok());
  int published = 0;
  gateway.Subscribe([&](const ChangeBatch&) { ++published; });
  store.FailCommitsAfter(0, Status::Unavailable("disk gone"));
  ChangeSet set;
  set.repository_id = repo->id;
  set.added = {NewRecord(repo->id, "a")};
  auto applied = gateway.Apply(set);
  ASSERT_FALSE(applied.ok());
  EXPECT_TRUE(applied.status().IsUnavailable());
  EXPECT_EQ(published, 0);
  EXPECT_EQ(gateway.rows_written(), 0);
  auto totals = store.Totals(repo->id);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 0);
}

}  // namespace
}  // namespace tidemark
