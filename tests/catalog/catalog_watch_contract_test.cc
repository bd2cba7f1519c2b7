// The CatalogStore contract for what the real-time daemon shares with other
// processes: the watch status of each repository (an upsert) and the sync
// request mailbox. Both go with their repository, and fenced writes of them
// are refused after a takeover like any other.
#include <gmock/gmock.h>

#include <chrono>
#include <thread>

#include "catalog/catalog_contract_test.h"
#include "catalog/catalog_test_util.h"

namespace tidemark {
namespace {

using ::testing::ElementsAre;
using ::testing::TestParamInfo;
using ::testing::ValuesIn;

constexpr int64_t kLongTtlMs = 60'000;  // ms: does not expire during a test

WatchStatus MakeWatch(int64_t repository_id, WatchMode mode,
                      const std::string& reason = "") {
  WatchStatus s;
  s.repository_id = repository_id;
  s.mode = mode;
  s.reason = reason;
  s.holder = "host-1:42";
  s.lease_token = 7 + repository_id;
  s.updated_at_ns = 1'700'000'000'000'000'000 + repository_id;
  return s;
}

SyncRequest MakeRequest(int64_t repository_id,
                        const std::string& requested_by = "host-2:7") {
  SyncRequest r;
  r.repository_id = repository_id;
  r.type = OperationType::kReconciliation;
  r.requested_by = requested_by;
  r.requested_at_ns = 1'700'000'000'000'000'000;
  return r;
}

void ExpectSameWatch(const WatchStatus& a, const WatchStatus& b) {
  EXPECT_EQ(a.repository_id, b.repository_id);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.holder, b.holder);
  EXPECT_EQ(a.lease_token, b.lease_token);
  EXPECT_EQ(a.updated_at_ns, b.updated_at_ns);
}

void ExpectSameRequest(const SyncRequest& a, const SyncRequest& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.repository_id, b.repository_id);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.requested_by, b.requested_by);
  EXPECT_EQ(a.requested_at_ns, b.requested_at_ns);
  EXPECT_EQ(a.taken_at_ns, b.taken_at_ns);
  EXPECT_EQ(a.taken_by, b.taken_by);
  EXPECT_EQ(a.operation_id, b.operation_id);
  EXPECT_EQ(a.finished_at_ns, b.finished_at_ns);
}

std::vector<int64_t> Ids(const std::vector<SyncRequest>& requests) {
  std::vector<int64_t> out;
  for (const SyncRequest& r : requests) out.push_back(r.id);
  return out;
}

class WatchContractTest : public CatalogContractTest {
 protected:
  void SetUp() override {
    CatalogContractTest::SetUp();
    if (store_ == nullptr) return;
    photos_ = AddRepository(*store_, "photos");
    music_ = AddRepository(*store_, "music");
  }

  Status Put(const WatchStatus& s) {
    ASSIGN_OR_RETURN(auto txn, store_->Begin());
    RETURN_IF_ERROR(txn->PutWatchStatus(s));
    return txn->Commit();
  }

  // Inserts `r` in its own transaction; returns it with its id.
  SyncRequest Insert(SyncRequest r) {
    auto txn = Begin();
    if (txn == nullptr) return r;
    auto id = txn->InsertRequest(r);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    Status committed = txn->Commit();
    EXPECT_TRUE(committed.ok()) << committed.ToString();
    r.id = id.ok() ? *id : 0;
    return r;
  }

  Status Update(const SyncRequest& r) {
    ASSIGN_OR_RETURN(auto txn, store_->Begin());
    RETURN_IF_ERROR(txn->UpdateRequest(r));
    return txn->Commit();
  }

  std::vector<WatchStatus> Watches() {
    auto listed = store_->ListWatchStatuses();
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    return listed.ok() ? *listed : std::vector<WatchStatus>{};
  }

  std::vector<SyncRequest> Requests(int64_t repository_id, bool pending_only) {
    auto listed = store_->ListRequests(repository_id, pending_only);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    return listed.ok() ? *listed : std::vector<SyncRequest>{};
  }

  void DeleteRepository(int64_t id) {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    ASSERT_TRUE(txn->DeleteRepository(id).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

  int64_t photos_ = 0;
  int64_t music_ = 0;
};

TEST_P(WatchContractTest, WatchStatusIsUpsertedAndListedByRepository) {
  EXPECT_TRUE(Watches().empty());
  const WatchStatus music = MakeWatch(music_, WatchMode::kWatching);
  const WatchStatus polling =
      MakeWatch(photos_, WatchMode::kPolling, "inotify is unavailable");
  ASSERT_TRUE(Put(music).ok());
  ASSERT_TRUE(Put(polling).ok());
  std::vector<WatchStatus> listed = Watches();
  ASSERT_EQ(listed.size(), 2u);
  ExpectSameWatch(listed[0], polling);  // ascending repository id
  ExpectSameWatch(listed[1], music);

  // A second put replaces every field of that repository's row.
  WatchStatus degraded =
      MakeWatch(photos_, WatchMode::kDegraded,
                "3 directories unwatched (out of inotify watches): raise "
                "fs.inotify.max_user_watches");
  degraded.holder = "host-3:9";
  degraded.lease_token += 100;
  degraded.updated_at_ns += 1000;
  ASSERT_TRUE(Put(degraded).ok());
  listed = Watches();
  ASSERT_EQ(listed.size(), 2u);
  ExpectSameWatch(listed[0], degraded);
  ExpectSameWatch(listed[1], music);

  WatchStatus stopped = MakeWatch(photos_, WatchMode::kStopped);
  stopped.holder.clear();
  ASSERT_TRUE(Put(stopped).ok());
  listed = Watches();
  ASSERT_EQ(listed.size(), 2u);
  ExpectSameWatch(listed[0], stopped);
}

TEST_P(WatchContractTest, DetachIsKeptWhenTheHolderRewritesItsRepository) {
  auto found = store_->FindRepository("photos");
  ASSERT_TRUE(found.ok() && found->has_value());
  Repository held = **found;  // the lease holder's copy, not detached
  EXPECT_FALSE(held.detached);
  {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    ASSERT_TRUE(txn->SetRepositoryDetached(photos_, true).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  // The holder's next rewrite (a scan generation) must not attach it again.
  held.scan_generation += 1;
  {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    ASSERT_TRUE(txn->UpdateRepository(held).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto after = store_->FindRepository("photos");
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_TRUE((*after)->detached);
  EXPECT_EQ((*after)->scan_generation, held.scan_generation);
  auto music = store_->FindRepository("music");
  ASSERT_TRUE(music.ok() && music->has_value());
  EXPECT_FALSE((*music)->detached);
  {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    ASSERT_TRUE(txn->SetRepositoryDetached(photos_, false).ok());
    EXPECT_TRUE(txn->SetRepositoryDetached(999'999, true).IsNotFound());
  }
}

TEST_P(WatchContractTest, UnknownRepositoryIsNotFoundAndTheCallIsUndone) {
  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  EXPECT_EQ(txn->PutWatchStatus(MakeWatch(424242, WatchMode::kWatching)).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(txn->InsertRequest(MakeRequest(424242)).status().code(),
            StatusCode::kNotFound);
  // The transaction goes on: the good writes around the failures commit.
  ASSERT_TRUE(
      txn->PutWatchStatus(MakeWatch(photos_, WatchMode::kWatching)).ok());
  auto id = txn->InsertRequest(MakeRequest(photos_));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(txn->Commit().ok());
  ASSERT_EQ(Watches().size(), 1u);
  EXPECT_EQ(Watches()[0].repository_id, photos_);
  EXPECT_THAT(Ids(Requests(0, false)), ElementsAre(*id));
}

TEST_P(WatchContractTest, RequestsAreListedPendingOrAllAndUpdatedById) {
  const SyncRequest a = Insert(MakeRequest(photos_, "host-2:7"));
  SyncRequest b = MakeRequest(music_, "host-4:1");
  b.type = OperationType::kOnDemand;
  b = Insert(b);
  const SyncRequest c = Insert(MakeRequest(photos_, "host-5:3"));
  ASSERT_GT(a.id, 0);
  EXPECT_LT(a.id, b.id);
  EXPECT_LT(b.id, c.id);

  EXPECT_THAT(Ids(Requests(photos_, false)), ElementsAre(a.id, c.id));
  EXPECT_THAT(Ids(Requests(photos_, true)), ElementsAre(a.id, c.id));
  EXPECT_THAT(Ids(Requests(0, false)), ElementsAre(a.id, b.id, c.id));
  std::vector<SyncRequest> all = Requests(0, false);
  ASSERT_EQ(all.size(), 3u);
  ExpectSameRequest(all[0], a);
  ExpectSameRequest(all[1], b);
  ExpectSameRequest(all[2], c);

  // The holder takes `a`: it is no longer pending.
  SyncRequest taken = a;
  taken.taken_at_ns = a.requested_at_ns + 5;
  taken.taken_by = "host-1:42";
  ASSERT_TRUE(Update(taken).ok());
  EXPECT_THAT(Ids(Requests(photos_, true)), ElementsAre(c.id));
  EXPECT_THAT(Ids(Requests(0, true)), ElementsAre(b.id, c.id));
  EXPECT_THAT(Ids(Requests(photos_, false)), ElementsAre(a.id, c.id));

  // ... and finishes it. Only what happened to it changes: who asked for
  // what stays as inserted.
  SyncRequest finished = taken;
  finished.operation_id = 77;
  finished.finished_at_ns = taken.taken_at_ns + 100;
  finished.repository_id = music_;
  finished.type = OperationType::kRepair;
  finished.requested_by = "someone else";
  finished.requested_at_ns = 1;
  ASSERT_TRUE(Update(finished).ok());
  auto found = store_->FindRequest(a.id);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  SyncRequest expected = taken;
  expected.operation_id = 77;
  expected.finished_at_ns = finished.finished_at_ns;
  ExpectSameRequest(**found, expected);
  EXPECT_THAT(Ids(Requests(music_, false)), ElementsAre(b.id));

  found = store_->FindRequest(c.id + 1000);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_FALSE(found->has_value());
  SyncRequest ghost = MakeRequest(photos_);
  ghost.id = c.id + 1000;
  EXPECT_EQ(Update(ghost).code(), StatusCode::kNotFound);
  EXPECT_TRUE(Requests(424242, false).empty());
}

TEST_P(WatchContractTest, DeletingARepositoryTakesItsWatchAndRequests) {
  ASSERT_TRUE(Put(MakeWatch(photos_, WatchMode::kWatching)).ok());
  ASSERT_TRUE(Put(MakeWatch(music_, WatchMode::kPolling, "no inotify")).ok());
  const SyncRequest gone = Insert(MakeRequest(photos_));
  const SyncRequest kept = Insert(MakeRequest(music_));
  DeleteRepository(photos_);

  std::vector<WatchStatus> watches = Watches();
  ASSERT_EQ(watches.size(), 1u);
  EXPECT_EQ(watches[0].repository_id, music_);
  EXPECT_THAT(Ids(Requests(0, false)), ElementsAre(kept.id));
  EXPECT_TRUE(Requests(photos_, false).empty());
  auto found = store_->FindRequest(gone.id);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_FALSE(found->has_value());
  SyncRequest taken = gone;
  taken.taken_at_ns = 5;
  EXPECT_EQ(Update(taken).code(), StatusCode::kNotFound);

  // Also what the same transaction wrote before the delete.
  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  ASSERT_TRUE(txn->PutWatchStatus(MakeWatch(music_, WatchMode::kStopped)).ok());
  ASSERT_TRUE(txn->InsertRequest(MakeRequest(music_)).ok());
  ASSERT_TRUE(txn->DeleteRepository(music_).ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_TRUE(Watches().empty());
  EXPECT_TRUE(Requests(0, false).empty());
}

TEST_P(WatchContractTest, RequestIdsAreNotReusedAfterTheirRepositoryGoes) {
  // A requester may be waiting on an id: it must never name another
  // repository's request later.
  const SyncRequest first = Insert(MakeRequest(music_));
  DeleteRepository(music_);
  const int64_t again = AddRepository(*store_, "music");
  const SyncRequest second = Insert(MakeRequest(again));
  EXPECT_GT(second.id, first.id);
  auto found = store_->FindRequest(first.id);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_FALSE(found->has_value());
}

TEST_P(WatchContractTest, FencedWritesAreRefusedAfterATakeover) {
  auto a = store_->AcquireLease(photos_, "worker-a", 1);
  ASSERT_TRUE(a.ok() && a->acquired) << a.status().ToString();
  const WriteFence fence_a{photos_, a->lease.token};
  const SyncRequest request = Insert(MakeRequest(photos_));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // a expired
  auto b = store_->AcquireLease(photos_, "worker-b", kLongTtlMs);
  ASSERT_TRUE(b.ok() && b->acquired) << b.status().ToString();
  const WriteFence fence_b{photos_, b->lease.token};

  auto fenced_put = [&](const WriteFence& fence,
                        const WatchStatus& s) -> Status {
    ASSIGN_OR_RETURN(auto txn, store_->Begin(fence));
    RETURN_IF_ERROR(txn->PutWatchStatus(s));
    return txn->Commit();
  };
  auto fenced_update = [&](const WriteFence& fence,
                           const SyncRequest& r) -> Status {
    ASSIGN_OR_RETURN(auto txn, store_->Begin(fence));
    RETURN_IF_ERROR(txn->UpdateRequest(r));
    return txn->Commit();
  };

  WatchStatus stale = MakeWatch(photos_, WatchMode::kWatching);
  stale.holder = "worker-a";
  Status s = fenced_put(fence_a, stale);
  EXPECT_EQ(s.code(), StatusCode::kAborted) << s.ToString();
  EXPECT_TRUE(Watches().empty());
  SyncRequest taken = request;
  taken.taken_at_ns = 9;
  taken.taken_by = "worker-a";
  s = fenced_update(fence_a, taken);
  EXPECT_EQ(s.code(), StatusCode::kAborted) << s.ToString();
  EXPECT_THAT(Ids(Requests(photos_, true)), ElementsAre(request.id));

  // The new holder's fence passes.
  WatchStatus current = MakeWatch(photos_, WatchMode::kWatching);
  current.holder = "worker-b";
  ASSERT_TRUE(fenced_put(fence_b, current).ok());
  ASSERT_EQ(Watches().size(), 1u);
  EXPECT_EQ(Watches()[0].holder, "worker-b");
  taken.taken_by = "worker-b";
  ASSERT_TRUE(fenced_update(fence_b, taken).ok());
  EXPECT_TRUE(Requests(photos_, true).empty());
}

INSTANTIATE_TEST_SUITE_P(AllStores, WatchContractTest,
                         ValuesIn(AllCatalogStoreFactories()),
                         [](const TestParamInfo<CatalogStoreFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tidemark
