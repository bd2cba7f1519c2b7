// TakeLease: a command's own lease, or the one this process already holds
// (the daemon of `tidemark serve`), and the writer turn that keeps two
// writers of one repository in this process from sharing a lease, over the
// in-memory catalog.
#include "app/lease_scope.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "app/context.h"
#include "app_fixture.h"

namespace tidemark::app {
namespace {

class TakeLeaseTest : public AppFixture {
 protected:
  void SetUp() override {
    AppFixture::SetUp();
    gateway_ = &ctx_->gateway();
    auto repo = gateway_->AddRepository("photos", "file:///photos", "{}");
    ASSERT_TRUE(repo.ok()) << repo.status().message();
    repo_ = *repo;
  }

  Gateway* gateway_ = nullptr;
  Repository repo_;
};

TEST_F(TakeLeaseTest, TakesTheLeaseAndReleasesItWhenDone) {
  auto lease = TakeLease(*ctx_, repo_);
  ASSERT_TRUE(lease.ok()) << lease.status().message();
  ASSERT_NE((*lease)->keeper(), nullptr);
  EXPECT_TRUE(gateway_->FenceFor(repo_.id).has_value());
  lease->reset();
  EXPECT_FALSE(gateway_->FenceFor(repo_.id).has_value());
}

TEST_F(TakeLeaseTest, UsesTheLeaseThisProcessHoldsAndLeavesIt) {
  // As the daemon of `tidemark serve` does for a repository it watches.
  auto held = gateway_->AcquireLease(repo_, 60'000);
  ASSERT_TRUE(held.ok() && held->acquired);
  const int64_t token = gateway_->FenceFor(repo_.id)->token;

  Repository stale = repo_;
  stale.url = "file:///stale";
  auto lease = TakeLease(*ctx_, stale);
  ASSERT_TRUE(lease.ok()) << lease.status().message();
  EXPECT_EQ((*lease)->keeper(), nullptr);
  EXPECT_EQ(stale.url, "file:///photos");  // read again
  lease->reset();
  ASSERT_TRUE(gateway_->FenceFor(repo_.id).has_value());
  EXPECT_EQ(gateway_->FenceFor(repo_.id)->token, token);
}

TEST_F(TakeLeaseTest, RemovedRepositoryUnderOurLeaseIsNotFound) {
  ASSERT_TRUE(gateway_->AcquireLease(repo_, 60'000).ok());
  Repository stale = repo_;
  ASSERT_TRUE(gateway_->RemoveRepository(repo_).ok());
  auto lease = TakeLease(*ctx_, stale);
  ASSERT_FALSE(lease.ok());
  EXPECT_EQ(lease.status().code(), StatusCode::kNotFound);
}

TEST_F(TakeLeaseTest, AnotherHolderMakesItUnavailable) {
  auto other = ctx_->store().AcquireLease(repo_.id, "other-worker", 60'000);
  ASSERT_TRUE(other.ok() && other->acquired);
  auto lease = TakeLease(*ctx_, repo_);
  ASSERT_FALSE(lease.ok());
  EXPECT_EQ(lease.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(lease.status().message().find("other-worker"), std::string::npos);
}

// Two writers of one repository in one process (two API uploads) used to
// share the first one's lease: when it finished, the lease was released
// under the second. Now the second waits for its turn and takes a lease of
// its own.
TEST_F(TakeLeaseTest, ASecondWriterWaitsAndTakesItsOwnLease) {
  auto first = TakeLease(*ctx_, repo_);
  ASSERT_TRUE(first.ok()) << first.status().message();
  const int64_t first_token = gateway_->FenceFor(repo_.id)->token;

  std::atomic<bool> second_took{false};
  Result<std::unique_ptr<WriteLease>> second = Status::Internal("not run");
  std::thread writer([&] {
    Repository mine = repo_;
    second = TakeLease(*ctx_, mine);
    second_took = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(second_took) << "the second writer did not wait its turn";
  first->reset();  // the first write is done: lease released, then the turn
  writer.join();
  ASSERT_TRUE(second.ok()) << second.status().message();
  ASSERT_NE((*second)->keeper(), nullptr);
  ASSERT_TRUE(gateway_->FenceFor(repo_.id).has_value());
  EXPECT_NE(gateway_->FenceFor(repo_.id)->token, first_token);
  second->reset();
  EXPECT_FALSE(gateway_->FenceFor(repo_.id).has_value());
}

TEST_F(TakeLeaseTest, TheSameThreadMayTakeItAgain) {
  auto outer = TakeLease(*ctx_, repo_);
  ASSERT_TRUE(outer.ok()) << outer.status().message();
  auto inner = TakeLease(*ctx_, repo_);  // a write that scans inside
  ASSERT_TRUE(inner.ok()) << inner.status().message();
  EXPECT_EQ((*inner)->keeper(), nullptr);  // the outer one's lease
  inner->reset();
  EXPECT_TRUE(gateway_->FenceFor(repo_.id).has_value());
}

TEST(WriterTurnsTest, AWriterKeptWaitingTooLongIsAborted) {
  WriterTurns turns;
  auto held = turns.Take(7, "photos", std::chrono::milliseconds(10));
  ASSERT_TRUE(held.ok());
  Result<WriterTurns::Turn> waiting = Status::Internal("not run");
  std::thread other([&] {
    waiting = turns.Take(7, "photos", std::chrono::milliseconds(50));
  });
  other.join();
  ASSERT_FALSE(waiting.ok());
  EXPECT_EQ(waiting.status().code(), StatusCode::kAborted);
  EXPECT_NE(waiting.status().message().find("'photos'"), std::string::npos);
  // Another repository's turn is free meanwhile.
  std::thread another([&] {
    EXPECT_TRUE(turns.Take(8, "music", std::chrono::milliseconds(10)).ok());
  });
  another.join();
}

}  // namespace
}  // namespace tidemark::app
