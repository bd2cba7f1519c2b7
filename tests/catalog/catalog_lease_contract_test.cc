// The CatalogStore contract for leases and fenced writes: one holder at a
// time, tokens that only grow, and no write from a holder that lost its lease.
#include <gmock/gmock.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "catalog/catalog_contract_test.h"
#include "catalog/catalog_test_util.h"

namespace tidemark {
namespace {

using ::testing::HasSubstr;
using ::testing::TestParamInfo;
using ::testing::ValuesIn;

constexpr int64_t kLong = 60'000;  // ms: does not expire during a test

class LeaseContractTest : public CatalogContractTest {
 protected:
  void SetUp() override {
    CatalogContractTest::SetUp();
    if (store_ != nullptr) repo_ = AddRepository(*store_, "photos");
  }

  LeaseAcquisition Acquire(const std::string& holder, int64_t ttl_ms = kLong) {
    auto got = store_->AcquireLease(repo_, holder, ttl_ms);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : LeaseAcquisition{};
  }

  // Acquires a lease that is already over when this returns.
  LeaseAcquisition AcquireExpired(const std::string& holder) {
    LeaseAcquisition got = Acquire(holder, 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    return got;
  }

  WriteFence Fence(const LeaseAcquisition& got) const {
    return {repo_, got.lease.token};
  }

  // Inserts one record at `path` in a transaction fenced by `fence`.
  Status FencedInsert(const WriteFence& fence, const std::string& path) {
    ASSIGN_OR_RETURN(auto txn, store_->Begin(fence));
    std::vector<FileRecord> records = {MakeRecord(repo_, path)};
    RETURN_IF_ERROR(txn->InsertRecords(records));
    return txn->Commit();
  }

  bool HasRecord(const std::string& path) {
    auto found = store_->FindRecord(repo_, path);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() && found->has_value();
  }

  int64_t repo_ = 0;
};

TEST_P(LeaseContractTest, FirstHolderGetsTokenOne) {
  LeaseAcquisition got = Acquire("worker-a");
  EXPECT_TRUE(got.acquired);
  EXPECT_EQ(got.lease.repository_id, repo_);
  EXPECT_EQ(got.lease.holder, "worker-a");
  EXPECT_EQ(got.lease.token, 1);
  EXPECT_TRUE(got.lease.live());
  EXPECT_GT(got.lease.expires_at_ns, got.lease.acquired_at_ns);
}

TEST_P(LeaseContractTest, LiveLeaseIsNotTakenByAnyone) {
  LeaseAcquisition a = Acquire("worker-a");
  LeaseAcquisition b = Acquire("worker-b");
  EXPECT_FALSE(b.acquired);
  EXPECT_EQ(b.lease.holder, "worker-a");
  EXPECT_EQ(b.lease.token, a.lease.token);
  // Not even by its own holder: a second process with the same name must not
  // share it, and a holder renews with RenewLease.
  LeaseAcquisition again = Acquire("worker-a");
  EXPECT_FALSE(again.acquired);
  EXPECT_EQ(again.lease.token, a.lease.token);
}

ProcessIdentity Process(int64_t pid, uint64_t start_ticks) {
  return {"8e1f5c2a-boot", 4026531836u, pid, start_ticks};
}

TEST_P(LeaseContractTest, LeaseKeepsItsHoldersProcess) {
  LeaseClaim claim{"worker-a", Process(812, 99'000), 0};
  auto got = store_->AcquireLease(repo_, claim, kLong);
  ASSERT_TRUE(got.ok() && got->acquired) << got.status().ToString();
  EXPECT_EQ(got->lease.process, claim.process);
  EXPECT_FALSE(got->taken_from_gone.has_value());
  auto renewed = store_->RenewLease(Fence(*got), kLong);
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  EXPECT_EQ(renewed->process, claim.process);
  auto leases = store_->ListLeases();
  ASSERT_TRUE(leases.ok() && leases->size() == 1u);
  EXPECT_EQ((*leases)[0].process, claim.process);
  // The largest values a pid namespace inode and a start time can take.
  LeaseClaim big{"worker-b", {"b", UINT64_MAX, INT32_MAX, UINT64_MAX}, 0};
  ASSERT_TRUE(store_->ReleaseLease(Fence(*got)).ok());
  got = store_->AcquireLease(repo_, big, kLong);
  ASSERT_TRUE(got.ok() && got->acquired) << got.status().ToString();
  leases = store_->ListLeases();
  ASSERT_TRUE(leases.ok() && leases->size() == 1u);
  EXPECT_EQ((*leases)[0].process, big.process);
}

// The caller found the holder's process gone: it takes that very lease at
// once, with a larger token, and never another holder's.
TEST_P(LeaseContractTest, LiveLeaseOfAGoneHolderIsTakenOnlyWithItsToken) {
  LeaseClaim dead{"worker-a", Process(812, 99'000), 0};
  auto a = store_->AcquireLease(repo_, dead, kLong);
  ASSERT_TRUE(a.ok() && a->acquired) << a.status().ToString();

  LeaseClaim wrong{"worker-b", Process(900, 5), a->lease.token + 1};
  auto refused = store_->AcquireLease(repo_, wrong, kLong);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_FALSE(refused->acquired);
  EXPECT_EQ(refused->lease.holder, "worker-a");

  LeaseClaim takeover{"worker-b", Process(900, 5), a->lease.token};
  auto b = store_->AcquireLease(repo_, takeover, kLong);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE(b->acquired);
  EXPECT_EQ(b->lease.holder, "worker-b");
  EXPECT_EQ(b->lease.process, takeover.process);
  EXPECT_GT(b->lease.token, a->lease.token);
  ASSERT_TRUE(b->taken_from_gone.has_value());
  EXPECT_EQ(b->taken_from_gone->holder, "worker-a");
  EXPECT_EQ(b->taken_from_gone->token, a->lease.token);
  EXPECT_EQ(b->taken_from_gone->process, dead.process);
  // The dead holder's fence is off; the same claim again finds worker-b.
  EXPECT_EQ(FencedInsert(Fence(*a), "late.jpg").code(), StatusCode::kAborted);
  auto again = store_->AcquireLease(repo_, takeover, kLong);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->acquired);
  EXPECT_EQ(again->lease.token, b->lease.token);
}

TEST_P(LeaseContractTest, ExpiredLeaseGoesToNextHolderWithLargerToken) {
  LeaseAcquisition a = AcquireExpired("worker-a");
  LeaseAcquisition b = Acquire("worker-b");
  EXPECT_TRUE(b.acquired);
  EXPECT_EQ(b.lease.holder, "worker-b");
  EXPECT_GT(b.lease.token, a.lease.token);
}

TEST_P(LeaseContractTest, RenewExtendsAndKeepsToken) {
  LeaseAcquisition a = Acquire("worker-a", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  // Expired, but nobody took it: the holder may still renew.
  auto renewed = store_->RenewLease(Fence(a), kLong);
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  EXPECT_EQ(renewed->token, a.lease.token);
  EXPECT_EQ(renewed->holder, "worker-a");
  EXPECT_TRUE(renewed->live());
  EXPECT_FALSE(Acquire("worker-b").acquired);
}

TEST_P(LeaseContractTest, RenewAfterTakeoverIsAborted) {
  LeaseAcquisition a = AcquireExpired("worker-a");
  LeaseAcquisition b = Acquire("worker-b");
  ASSERT_TRUE(b.acquired);
  auto renewed = store_->RenewLease(Fence(a), kLong);
  EXPECT_EQ(renewed.status().code(), StatusCode::kAborted);
  EXPECT_THAT(renewed.status().message(), HasSubstr("worker-b"));
}

TEST_P(LeaseContractTest, ReleaseFreesAtOnceAndStaleReleaseDoesNothing) {
  LeaseAcquisition a = Acquire("worker-a");
  ASSERT_TRUE(store_->ReleaseLease(Fence(a)).ok());
  LeaseAcquisition b = Acquire("worker-b");
  ASSERT_TRUE(b.acquired);
  EXPECT_GT(b.lease.token, a.lease.token);
  // worker-a releasing again must not free worker-b's lease.
  ASSERT_TRUE(store_->ReleaseLease(Fence(a)).ok());
  EXPECT_FALSE(Acquire("worker-c").acquired);
  // After its own release, worker-a cannot write or renew.
  EXPECT_EQ(store_->RenewLease(Fence(a), kLong).status().code(),
            StatusCode::kAborted);
}

TEST_P(LeaseContractTest, FencedWriteWithCurrentTokenCommits) {
  LeaseAcquisition a = Acquire("worker-a");
  ASSERT_TRUE(FencedInsert(Fence(a), "a.jpg").ok());
  EXPECT_TRUE(HasRecord("a.jpg"));
}

TEST_P(LeaseContractTest, FencedWriteWithStaleTokenIsRefusedAndWritesNothing) {
  LeaseAcquisition a = AcquireExpired("worker-a");
  ASSERT_TRUE(Acquire("worker-b").acquired);
  Status s = FencedInsert(Fence(a), "late.jpg");
  EXPECT_EQ(s.code(), StatusCode::kAborted) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("worker-b"));
  EXPECT_FALSE(HasRecord("late.jpg"));
}

TEST_P(LeaseContractTest, FencedWriteWithoutAnyLeaseIsRefused) {
  Status s = FencedInsert({repo_, 1}, "x.jpg");
  EXPECT_EQ(s.code(), StatusCode::kAborted) << s.ToString();
  EXPECT_FALSE(HasRecord("x.jpg"));
}

TEST_P(LeaseContractTest, NoFencedWriteCommitsAfterATakeover) {
  LeaseAcquisition a = Acquire("worker-a", 1);
  auto txn = store_->Begin(Fence(a));
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  std::vector<FileRecord> records = {MakeRecord(repo_, "in-flight.jpg")};
  ASSERT_TRUE((*txn)->InsertRecords(records).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // a expired

  std::atomic<bool> done{false};
  Result<LeaseAcquisition> b = Status::Internal("not run");
  std::thread taker([&] {
    b = store_->AcquireLease(repo_, "worker-b", kLong);
    done = true;
  });
  // Either the takeover waits for worker-a's open write, or it goes ahead
  // and worker-a's commit is refused. Give it time to go ahead.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const bool took_over_first = done.load();
  Status committed = (*txn)->Commit();
  taker.join();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE(b->acquired);
  if (took_over_first) {
    EXPECT_EQ(committed.code(), StatusCode::kAborted) << committed.ToString();
    EXPECT_FALSE(HasRecord("in-flight.jpg"));
  } else {
    EXPECT_TRUE(committed.ok()) << committed.ToString();
    EXPECT_TRUE(HasRecord("in-flight.jpg"));
  }
  EXPECT_EQ(FencedInsert(Fence(a), "after.jpg").code(), StatusCode::kAborted);
}

TEST_P(LeaseContractTest, TokensNeverRepeatWhenARepositoryIdIsReused) {
  LeaseAcquisition a = Acquire("worker-a");
  auto txn = Begin();
  ASSERT_TRUE(txn->DeleteRepository(repo_).ok());
  ASSERT_TRUE(txn->Commit().ok());
  // SQLite gives the next repository the largest id again.
  const int64_t again = AddRepository(*store_, "music");
  auto b = store_->AcquireLease(again, "worker-b", kLong);
  ASSERT_TRUE(b.ok() && b->acquired) << b.status().ToString();
  EXPECT_GT(b->lease.token, a.lease.token);
  // worker-a's old fence must not pass for the new repository.
  WriteFence stale{again, a.lease.token};
  auto write = store_->Begin(stale);
  EXPECT_EQ(write.status().code(), StatusCode::kAborted);
}

TEST_P(LeaseContractTest, BadRequestsAreRefused) {
  EXPECT_EQ(store_->AcquireLease(repo_, "", kLong).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AcquireLease(repo_, "w", 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AcquireLease(repo_ + 1000, "w", kLong).status().code(),
            StatusCode::kNotFound);
}

TEST_P(LeaseContractTest, ListShowsHoldersAndGoesWithTheRepository) {
  const int64_t other = AddRepository(*store_, "music");
  ASSERT_TRUE(Acquire("worker-a").acquired);
  ASSERT_TRUE(store_->AcquireLease(other, "worker-b", 1).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  auto leases = store_->ListLeases();
  ASSERT_TRUE(leases.ok()) << leases.status().ToString();
  ASSERT_EQ(leases->size(), 2u);
  EXPECT_EQ((*leases)[0].repository_id, repo_);
  EXPECT_EQ((*leases)[0].holder, "worker-a");
  EXPECT_TRUE((*leases)[0].live());
  EXPECT_EQ((*leases)[1].holder, "worker-b");
  EXPECT_FALSE((*leases)[1].live());

  auto txn = Begin();
  ASSERT_TRUE(txn->DeleteRepository(repo_).ok());
  ASSERT_TRUE(txn->Commit().ok());
  leases = store_->ListLeases();
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].repository_id, other);
}

TEST_P(LeaseContractTest, OperationKeepsItsWorker) {
  SyncOperation op;
  op.repository_id = repo_;
  op.start_ns = 1;
  op.worker = "host-1:42";
  auto txn = Begin();
  auto id = txn->InsertOperation(op);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(txn->Commit().ok());
  auto ops = store_->ListOperations(repo_, 10);
  ASSERT_TRUE(ops.ok());
  ASSERT_EQ(ops->size(), 1u);
  EXPECT_EQ((*ops)[0].worker, "host-1:42");

  op.id = *id;
  op.worker = "host-2:7";
  txn = Begin();
  ASSERT_TRUE(txn->UpdateOperation(op).ok());
  ASSERT_TRUE(txn->Commit().ok());
  ops = store_->ListOperations(repo_, 10);
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ((*ops)[0].worker, "host-2:7");
}

INSTANTIATE_TEST_SUITE_P(AllStores, LeaseContractTest,
                         ValuesIn(AllCatalogStoreFactories()),
                         [](const TestParamInfo<CatalogStoreFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tidemark
