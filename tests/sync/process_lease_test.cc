// A lease held by a process that is gone from this host (killed with -9)
// is taken over at once; a holder that still runs, one on another host, and
// one without an identity (a lease from before schema v5) keep their lease
// until it expires. Two "processes" (Gateways with their own probes) on one
// catalog whose clock never moves, so no lease ever expires by itself.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "fakes/fake_process_probe.h"
#include "sync/gateway.h"
#include "sync/lease_fixture.h"
#include "sync/lease_keeper.h"
#include "sync/worker.h"

namespace tidemark {
namespace {

using std::chrono::milliseconds;

constexpr int64_t kA = 100;  // worker-a's pid
constexpr int64_t kB = 200;  // worker-b's pid

GatewayOptions On(const std::string& worker, const ProcessProbe* probe) {
  GatewayOptions options;
  options.worker_id = worker;
  options.require_lease = true;
  options.process_probe = probe;
  return options;
}

class ProcessLeaseTest : public LeaseFixture {
 protected:
  // The catalog's clock is never advanced here: leases do not expire.
  void SetUp() override {
    host_.Start(kA, 5000);
    host_.Start(kB, 7000);
    other_host_.Start(kA, 5000);
    AddPhotos(a_);
  }

  FakeHost host_{"boot-1"};
  FakeHost other_host_{"boot-2"};
  FakeProcessProbe probe_a_{host_, kA};
  FakeProcessProbe probe_b_{host_, kB};
  Gateway a_{store_, clock_, On("worker-a", &probe_a_)};
  Gateway b_{store_, clock_, On("worker-b", &probe_b_)};
};

TEST_F(ProcessLeaseTest, HolderGoneFromThisHostIsTakenOverAtOnce) {
  ASSERT_TRUE(a_.AcquireLease(repo_, 60'000).ok());
  auto op = a_.BeginOperation(repo_.id, OperationType::kOnDemand);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  host_.Kill(kA);

  auto got = b_.AcquireLease(repo_, 60'000);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->acquired);
  ASSERT_TRUE(got->taken_from_gone.has_value());
  EXPECT_EQ(got->taken_from_gone->holder, "worker-a");
  EXPECT_EQ(got->taken_from_gone->process.pid, kA);
  EXPECT_EQ(got->lease.process, probe_b_.Self());
  // An ordinary takeover: the dead holder's fence is off, its running
  // operation failed, and the new holder writes.
  EXPECT_EQ(Write(a_, "late.jpg").code(), StatusCode::kAborted);
  auto ops = store_.ListOperations(repo_.id, 1);
  ASSERT_TRUE(ops.ok() && !ops->empty());
  EXPECT_EQ((*ops)[0].status, OperationStatus::kFailed);
  EXPECT_TRUE(Write(b_, "b.jpg").ok());
}

TEST_F(ProcessLeaseTest, ReusedPidMeansTheHolderIsGone) {
  ASSERT_TRUE(a_.AcquireLease(repo_, 60'000).ok());
  host_.Kill(kA);
  host_.Start(kA, 9000);  // another process got worker-a's pid
  auto leases = store_.ListLeases();
  ASSERT_TRUE(leases.ok() && leases->size() == 1u);
  EXPECT_EQ(b_.HolderFate((*leases)[0]), ProcessFate::kGone);
  auto got = b_.AcquireLease(repo_, 60'000);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->acquired);
}

TEST_F(ProcessLeaseTest, RunningHolderKeepsItAndTheRefusalSaysSo) {
  auto held = LeaseKeeper::Acquire(a_, repo_, {});
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  auto got = b_.AcquireLease(repo_, 60'000);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->acquired);
  EXPECT_EQ(b_.HolderFate(got->lease), ProcessFate::kRunning);
  auto busy = LeaseKeeper::Acquire(b_, repo_, {});
  EXPECT_EQ(busy.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(busy.status().message().find("process 100 on this host, running"),
            std::string::npos)
      << busy.status().ToString();
  // Its own process does not take it either: a lease is never extended by
  // acquiring it again.
  auto again = a_.AcquireLease(repo_, 60'000);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->acquired);
}

TEST_F(ProcessLeaseTest, HolderOnAnotherHostWaitsForExpiry) {
  FakeProcessProbe remote(other_host_, kA);
  Gateway c(store_, clock_, On("worker-c", &remote));
  ASSERT_TRUE(c.AcquireLease(repo_, 1000).ok());
  // This host has no process kA any more; the holder's host may still.
  host_.Kill(kA);
  auto got = b_.AcquireLease(repo_, 60'000);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->acquired);
  EXPECT_EQ(b_.HolderFate(got->lease), ProcessFate::kUnknown);
  lease_clock_.AdvanceMs(1001);
  got = b_.AcquireLease(repo_, 60'000);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->acquired);
  EXPECT_FALSE(got->taken_from_gone.has_value());
}

TEST_F(ProcessLeaseTest, HolderWithoutAnIdentityWaitsForExpiry) {
  Gateway old(store_, clock_, On("worker-a", nullptr));  // no probe
  ASSERT_TRUE(old.AcquireLease(repo_, 1000).ok());
  host_.Kill(kA);
  auto got = b_.AcquireLease(repo_, 60'000);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->acquired);
  EXPECT_FALSE(got->lease.process.complete());
  EXPECT_EQ(b_.HolderFate(got->lease), ProcessFate::kUnknown);
}

TEST_F(ProcessLeaseTest, WorkerTakesAGoneHoldersRepositoryWithoutWaiting) {
  ASSERT_TRUE(a_.AcquireLease(repo_, 60'000).ok());
  host_.Kill(kA);
  WorkerOptions options;
  options.lease = {milliseconds(10), milliseconds(500)};
  options.poll = milliseconds(10);
  std::atomic<int> synced{0};
  Worker worker(
      store_, b_, options,
      [&](Repository&) {
        ++synced;
        return Status::Ok();
      },
      [](LogLevel, const std::string&) {});
  std::thread run([&] { EXPECT_TRUE(worker.Run().ok()); });
  for (int i = 0; i < 400 && worker.HeldRepositories().empty(); ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(worker.HeldRepositories().size(), 1u)
      << "the lease of a gone process was waited for";
  worker.Stop();
  run.join();
}

}  // namespace
}  // namespace tidemark
