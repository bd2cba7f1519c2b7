#include "common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace tidemark {
namespace {

TEST(WorkerPoolTest, RunsEveryTaskBeforeDestruction) {
  std::atomic<int> sum{0};
  {
    WorkerPool pool(3);
    for (int i = 1; i <= 1000; ++i) pool.Submit([&sum, i] { sum += i; });
  }
  EXPECT_EQ(sum.load(), 500500);
}

}  // namespace
}  // namespace tidemark
