#include "api/sync_throttle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/clock.h"

namespace tidemark::api {
namespace {

class StepClock : public Clock {
 public:
  int64_t NowNanos() override { return now.load(); }
  int64_t MonotonicNanos() override { return now.load(); }
  std::atomic<int64_t> now{1'000'000'000};
};

TEST(SyncThrottleTest, AYoungSyncIsNotRepeated) {
  StepClock clock;
  SyncThrottle throttle(clock);
  int runs = 0;
  auto sync = [&] { return nlohmann::json{{"run", ++runs}}; };
  EXPECT_EQ(throttle.Fresh("", 60'000, sync).how, SyncThrottle::How::kRan);
  clock.now += 59'000'000'000LL;
  auto second = throttle.Fresh("", 60'000, sync);
  EXPECT_EQ(second.how, SyncThrottle::How::kFresh);
  EXPECT_EQ(second.result["run"], 1);
  clock.now += 2'000'000'000LL;
  EXPECT_EQ(throttle.Fresh("", 60'000, sync).how, SyncThrottle::How::kRan);
  EXPECT_EQ(runs, 2);
  // max_age 0 always syncs.
  EXPECT_EQ(throttle.Fresh("", 0, sync).how, SyncThrottle::How::kRan);
}

TEST(SyncThrottleTest, ConcurrentReadsShareOneSync) {
  StepClock clock;
  SyncThrottle throttle(clock);
  std::atomic<int> runs{0};
  std::atomic<bool> release{false};
  auto sync = [&] {
    ++runs;
    while (!release) std::this_thread::yield();
    return nlohmann::json{{"ok", true}};
  };
  SyncThrottle::How first_how{}, second_how{};
  std::thread first([&] { first_how = throttle.Fresh("r", 1000, sync).how; });
  while (runs.load() == 0) std::this_thread::yield();
  std::thread second([&] { second_how = throttle.Fresh("r", 1000, sync).how; });
  // Give the second read time to find the sync running, then end it.
  while (throttle.Status()["r"]["shared"] == 0) std::this_thread::yield();
  release = true;
  first.join();
  second.join();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(first_how, SyncThrottle::How::kRan);
  EXPECT_EQ(second_how, SyncThrottle::How::kShared);
}

TEST(SyncThrottleTest, RevalidateAnswersAtOnceAndSyncsInTheBackground) {
  StepClock clock;
  std::atomic<int> runs{0};
  {
    SyncThrottle throttle(clock);
    auto out = throttle.Revalidate("", 1000, [&] {
      ++runs;
      return nlohmann::json{{"ok", true}};
    });
    EXPECT_EQ(out.how, SyncThrottle::How::kStale);
    EXPECT_TRUE(out.result.is_null());  // nothing synced yet
  }  // the destructor joins the background sync
  EXPECT_EQ(runs.load(), 1);
}

}  // namespace
}  // namespace tidemark::api
