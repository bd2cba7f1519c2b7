// Leases above the store: the Gateway's fences, the LeaseKeeper's heartbeat
// and the Worker's loop, with two "processes" (two Gateways) on one catalog.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "sync/gateway.h"
#include "sync/lease_fixture.h"
#include "sync/lease_keeper.h"
#include "sync/worker.h"

namespace tidemark {
namespace {

using std::chrono::milliseconds;

GatewayOptions Leased(const std::string& worker) {
  GatewayOptions options;
  options.worker_id = worker;
  options.require_lease = true;
  return options;
}

class LeaseTest : public LeaseFixture {
 protected:
  void SetUp() override { AddPhotos(a_); }

  Gateway a_{store_, clock_, Leased("worker-a")};
  Gateway b_{store_, clock_, Leased("worker-b")};
};

TEST_F(LeaseTest, WritesNeedTheLease) {
  Status s = Write(a_, "x.jpg");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  ASSERT_TRUE(a_.AcquireLease(repo_, 60'000).ok());
  EXPECT_TRUE(Write(a_, "x.jpg").ok());
}

TEST_F(LeaseTest, OperationsNameTheirWorker) {
  ASSERT_TRUE(a_.AcquireLease(repo_, 60'000).ok());
  auto op = a_.BeginOperation(repo_.id, OperationType::kOnDemand);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  auto ops = store_.ListOperations(repo_.id, 1);
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ((*ops)[0].worker, "worker-a");
}

TEST_F(LeaseTest, FencedOffWorkerCannotWriteAndItsRunningOperationFails) {
  ASSERT_TRUE(a_.AcquireLease(repo_, 1000).ok());
  auto op = a_.BeginOperation(repo_.id, OperationType::kOnDemand);
  ASSERT_TRUE(op.ok());
  lease_clock_.AdvanceMs(1001);  // worker-a paused past its lease
  auto got = b_.AcquireLease(repo_, 1000);
  ASSERT_TRUE(got.ok() && got->acquired);

  Status s = Write(a_, "late.jpg");
  EXPECT_EQ(s.code(), StatusCode::kAborted) << s.ToString();
  op->status = OperationStatus::kCompleted;
  EXPECT_EQ(a_.FinishOperation(*op).code(), StatusCode::kAborted);
  auto late = store_.FindRecord(repo_.id, "late.jpg");
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());

  // worker-b found worker-a's operation running and closed it.
  auto ops = store_.ListOperations(repo_.id, 1);
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ((*ops)[0].status, OperationStatus::kFailed);
  EXPECT_NE((*ops)[0].error_message.find("worker-a"), std::string::npos);
  EXPECT_TRUE(Write(b_, "b.jpg").ok());
}

TEST_F(LeaseTest, KeeperRefusesABusyRepositoryNamingTheHolder) {
  auto held = LeaseKeeper::Acquire(a_, repo_, {});
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  auto busy = LeaseKeeper::Acquire(b_, repo_, {});
  EXPECT_EQ(busy.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(busy.status().message().find("worker-a"), std::string::npos)
      << busy.status().ToString();
  held->reset();  // releases
  EXPECT_TRUE(LeaseKeeper::Acquire(b_, repo_, {}).ok());
}

TEST_F(LeaseTest, KeeperRejectsBadTiming) {
  LeaseTiming timing{milliseconds(100), milliseconds(100)};
  EXPECT_EQ(LeaseKeeper::Acquire(a_, repo_, timing).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LeaseTest, KeeperHeartbeatKeepsTheLeaseAndNoticesATakeover) {
  LeaseTiming timing{milliseconds(5), milliseconds(1000)};
  auto keeper = LeaseKeeper::Acquire(a_, repo_, timing);
  ASSERT_TRUE(keeper.ok());
  // Heartbeats renew on the catalog's clock: the lease stays ahead of it.
  for (int i = 0; i < 5; ++i) {
    lease_clock_.AdvanceMs(500);
    std::this_thread::sleep_for(milliseconds(50));
    auto got = b_.AcquireLease(repo_, 1000);
    ASSERT_TRUE(got.ok());
    EXPECT_FALSE(got->acquired) << "round " << i;
  }
  EXPECT_FALSE((*keeper)->lost());
  // Stop the heartbeat from landing in time: a takeover, then a renewal.
  ASSERT_TRUE(store_.ReleaseLease({repo_.id, (*keeper)->lease().token}).ok());
  ASSERT_TRUE(b_.AcquireLease(repo_, 60'000)->acquired);
  for (int i = 0; i < 200 && !(*keeper)->lost(); ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_TRUE((*keeper)->lost());
  EXPECT_EQ(Write(a_, "late.jpg").code(), StatusCode::kAborted);
}

TEST_F(LeaseTest, WorkersShareRepositoriesAndOneTakesOverWhenTheOtherStops) {
  ASSERT_TRUE(a_.AddRepository("music", "file:///y", "{}").ok());
  WorkerOptions options;
  options.lease = {milliseconds(10), milliseconds(500)};
  options.interval = milliseconds(20);
  options.poll = milliseconds(10);
  std::atomic<int> synced_by_a{0}, synced_by_b{0};
  auto sync_counter = [](std::atomic<int>& n) {
    return [&n](Repository&) {
      ++n;
      return Status::Ok();
    };
  };
  Worker worker_a(store_, a_, options, sync_counter(synced_by_a),
                  [](LogLevel, const std::string&) {});
  Worker worker_b(store_, b_, options, sync_counter(synced_by_b),
                  [](LogLevel, const std::string&) {});
  std::thread run_a([&] { EXPECT_TRUE(worker_a.Run().ok()); });
  for (int i = 0; i < 400 && worker_a.HeldRepositories().size() < 2; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_EQ(worker_a.HeldRepositories().size(), 2u);
  std::thread run_b([&] { EXPECT_TRUE(worker_b.Run().ok()); });
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_TRUE(worker_b.HeldRepositories().empty());
  EXPECT_EQ(synced_by_b.load(), 0);
  EXPECT_GT(synced_by_a.load(), 0);

  worker_a.Stop();
  run_a.join();
  for (int i = 0; i < 400 && worker_b.HeldRepositories().size() < 2; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(worker_b.HeldRepositories().size(), 2u);
  worker_b.Stop();
  run_b.join();
  EXPECT_GT(synced_by_b.load(), 0);
}

TEST_F(LeaseTest, WorkerTakesOverWhileItsOwnScanStillRuns) {
  auto music = a_.AddRepository("music", "file:///y", "{}");
  ASSERT_TRUE(music.ok());
  // worker-b holds music until the test lets it go.
  auto b_keeper = LeaseKeeper::Acquire(b_, *music, {});
  ASSERT_TRUE(b_keeper.ok());

  WorkerOptions options;
  options.lease = {milliseconds(10), milliseconds(500)};
  options.poll = milliseconds(10);
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool open = false;
  std::atomic<bool> scanning{false};
  Worker worker_a(
      store_, a_, options,
      [&](Repository& repo) {
        if (repo.name != "photos") return Status::Ok();
        scanning = true;  // a scan that takes as long as the test wants
        std::unique_lock<std::mutex> lock(gate_mu);
        gate_cv.wait(lock, [&] { return open; });
        return Status::Ok();
      },
      [](LogLevel, const std::string&) {});
  std::thread run([&] { EXPECT_TRUE(worker_a.Run().ok()); });
  for (int i = 0; i < 400 && !scanning; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_TRUE(scanning.load());
  b_keeper->reset();  // worker-b goes away mid-scan of worker-a
  bool took = false;
  for (int i = 0; i < 400 && !took; ++i) {
    took = worker_a.HeldRepositories().size() == 2;
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_TRUE(took) << "music was not taken while photos was scanning";
  {
    std::lock_guard<std::mutex> lock(gate_mu);
    open = true;
  }
  gate_cv.notify_all();
  worker_a.Stop();
  run.join();
}

}  // namespace
}  // namespace tidemark
