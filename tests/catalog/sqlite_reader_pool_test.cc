// SqliteReaderPool: connections opened on demand up to the maximum, lent to
// one thread at a time, waited for when all are busy, and a failed open
// that leaves the pool as it was.
#include "catalog/sqlite/sqlite_reader_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "catalog/store_factories.h"

namespace tidemark {
namespace {

class SqliteReaderPoolTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<SqliteConnection>> Open() {
    opens_++;
    if (fail_opens_) return Status::Unavailable("no more connections today");
    return SqliteConnection::Open(dir_.path() + "/pool.db",
                                  SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                  1000);
  }
  SqliteReaderPool MakePool(size_t max) {
    auto first = Open();
    EXPECT_TRUE(first.ok());
    return SqliteReaderPool(
        std::move(*first), [this] { return Open(); }, max);
  }

  ScopedTempDir dir_;
  std::atomic<int> opens_{0};
  std::atomic<bool> fail_opens_{false};
};

TEST_F(SqliteReaderPoolTest, OpensOnlyWhenEveryConnectionIsLent) {
  SqliteReaderPool pool = MakePool(3);
  {
    auto a = pool.Take();
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(pool.open_count(), 1u);
  }
  {
    auto a = pool.Take();  // the first one again
    auto b = pool.Take();  // a second one, opened now
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(&**a, &**b);
    EXPECT_EQ(pool.open_count(), 2u);
  }
  auto c = pool.Take();
  auto d = pool.Take();
  ASSERT_TRUE(c.ok() && d.ok());
  EXPECT_EQ(pool.open_count(), 2u);
  EXPECT_EQ(opens_.load(), 2);
}

TEST_F(SqliteReaderPoolTest, AThreadWaitsWhenTheMaximumIsLent) {
  SqliteReaderPool pool = MakePool(2);
  std::optional<Result<SqliteReaderPool::Reader>> a(pool.Take());
  auto b = pool.Take();
  ASSERT_TRUE(a->ok() && b.ok());
  SqliteConnection* lent = &***a;

  std::atomic<bool> got{false};
  SqliteConnection* received = nullptr;
  std::thread waiter([&] {
    auto c = pool.Take();
    ASSERT_TRUE(c.ok());
    received = &**c;
    got = true;
  });
  // It cannot get one while both are lent; no timing decides the result:
  // whatever the scheduling, it must not have one before `a` goes back.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(got.load());
  a.reset();  // back to the pool
  waiter.join();
  EXPECT_TRUE(got.load());
  EXPECT_EQ(received, lent);
  EXPECT_EQ(pool.open_count(), 2u);
}

TEST_F(SqliteReaderPoolTest, AFailedOpenIsReportedAndNotCounted) {
  SqliteReaderPool pool = MakePool(2);
  auto a = pool.Take();
  ASSERT_TRUE(a.ok());
  fail_opens_ = true;
  auto b = pool.Take();
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(b.status().IsUnavailable());
  EXPECT_EQ(pool.open_count(), 1u);
  fail_opens_ = false;
  auto c = pool.Take();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(pool.open_count(), 2u);
}

TEST_F(SqliteReaderPoolTest, ManyThreadsShareTheConnectionsOneAtATime) {
  SqliteReaderPool pool = MakePool(3);
  std::atomic<int> in_use_max{0};
  std::atomic<int> in_use{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto r = pool.Take();
        if (!r.ok()) {
          errors++;
          continue;
        }
        const int now = ++in_use;
        int seen = in_use_max.load();
        while (now > seen && !in_use_max.compare_exchange_weak(seen, now)) {
        }
        if (!(*r)->Exec("SELECT 1", "a test read").ok()) errors++;
        --in_use;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_LE(in_use_max.load(), 3);
  EXPECT_LE(pool.open_count(), 3u);
}

}  // namespace
}  // namespace tidemark
