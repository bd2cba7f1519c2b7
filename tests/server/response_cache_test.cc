#include "api/response_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tidemark::api {
namespace {

// A stand-in catalog: a value, and a stamp that every commit moves.
struct FakeCatalog {
  std::mutex mu;
  std::string value = "v1";
  int64_t stamp = 1;
  bool stamp_available = true;
  std::atomic<int> reads{0};

  Result<int64_t> Stamp() {
    std::lock_guard<std::mutex> lock(mu);
    if (!stamp_available) return Status::Unavailable("no stamp");
    return stamp;
  }
  // A commit by another process: the stamp moves, no notice.
  void Commit(const std::string& v) {
    std::lock_guard<std::mutex> lock(mu);
    value = v;
    ++stamp;
  }
  Result<std::string> Read() {
    ++reads;
    std::lock_guard<std::mutex> lock(mu);
    return value;
  }
};

ResponseCache::StampFn StampOf(FakeCatalog& c) {
  return [&c] { return c.Stamp(); };
}

std::string Body(const Result<ResponseCache::Reply>& r) {
  return r.ok() ? *r->body : "error: " + r.status().message();
}

TEST(ResponseCacheTest, KeepsABodyUntilTheStampMoves) {
  FakeCatalog c;
  ResponseCache cache(StampOf(c));
  auto read = [&] { return c.Read(); };
  auto first = cache.Get("k", read);
  EXPECT_EQ(Body(first), "v1");
  EXPECT_EQ(first->how, ResponseCache::How::kMiss);
  auto second = cache.Get("k", read);
  EXPECT_EQ(Body(second), "v1");
  EXPECT_EQ(second->how, ResponseCache::How::kHit);
  EXPECT_EQ(c.reads.load(), 1);

  // Another process commits: no notice, but the stamp moved.
  c.Commit("v2");
  auto third = cache.Get("k", read);
  EXPECT_EQ(Body(third), "v2");
  EXPECT_EQ(third->how, ResponseCache::How::kMiss);
  EXPECT_EQ(c.reads.load(), 2);
  EXPECT_EQ(cache.stats().hits, 1);
  EXPECT_EQ(cache.stats().misses, 2);
}

TEST(ResponseCacheTest, ANoticeMakesEverythingStale) {
  FakeCatalog c;
  ResponseCache cache(StampOf(c));
  auto read = [&] { return c.Read(); };
  ASSERT_EQ(Body(cache.Get("a", read)), "v1");
  ASSERT_EQ(Body(cache.Get("b", read)), "v1");
  // A store whose stamp did not move (coarse or late): the Gateway's
  // notice alone must be enough.
  {
    std::lock_guard<std::mutex> lock(c.mu);
    c.value = "v2";
  }
  cache.Invalidate();
  EXPECT_EQ(Body(cache.Get("a", read)), "v2");
  EXPECT_EQ(Body(cache.Get("b", read)), "v2");
  EXPECT_EQ(c.reads.load(), 4);
}

TEST(ResponseCacheTest, AWriteThenAReadSeesTheWrite) {
  // The API's order: a write commits (stamp and notice) before it is
  // acknowledged; the client's next read must not get the older body.
  FakeCatalog c;
  ResponseCache cache(StampOf(c));
  auto read = [&] { return c.Read(); };
  for (int i = 2; i <= 50; ++i) {
    ASSERT_EQ(Body(cache.Get("cars", read)), "v" + std::to_string(i - 1));
    ASSERT_EQ(Body(cache.Get("cars", read)), "v" + std::to_string(i - 1));
    c.Commit("v" + std::to_string(i));
    cache.Invalidate();
  }
}

TEST(ResponseCacheTest, ACommitDuringTheComputationIsNotHidden) {
  FakeCatalog c;
  ResponseCache cache(StampOf(c));
  // The body is read, then a commit lands before the computation ends:
  // that body may be returned to the read that computed it (they were
  // concurrent), but never to a read that starts after the commit.
  auto racing = [&]() -> Result<std::string> {
    auto v = c.Read();
    c.Commit("v2");
    return v;
  };
  EXPECT_EQ(Body(cache.Get("k", racing)), "v1");
  auto after = cache.Get("k", [&] { return c.Read(); });
  EXPECT_EQ(Body(after), "v2");
  EXPECT_EQ(after->how, ResponseCache::How::kMiss);

  // The same with the notice arriving during the computation while the
  // stamp stays: the body is not kept.
  auto noticed = [&]() -> Result<std::string> {
    auto v = c.Read();
    {
      std::lock_guard<std::mutex> lock(c.mu);
      c.value = "v3";
    }
    cache.Invalidate();
    return v;
  };
  EXPECT_EQ(Body(cache.Get("j", noticed)), "v2");
  EXPECT_EQ(Body(cache.Get("j", [&] { return c.Read(); })), "v3");
}

TEST(ResponseCacheTest, WithoutAStampNothingIsKept) {
  FakeCatalog c;
  c.stamp_available = false;
  ResponseCache cache(StampOf(c));
  auto read = [&] { return c.Read(); };
  auto first = cache.Get("k", read);
  EXPECT_EQ(first->how, ResponseCache::How::kOff);
  auto second = cache.Get("k", read);
  EXPECT_EQ(second->how, ResponseCache::How::kOff);
  EXPECT_EQ(c.reads.load(), 2);
  EXPECT_EQ(cache.stats().entries, 0);
}

TEST(ResponseCacheTest, ErrorsAreReturnedAndNotKept) {
  FakeCatalog c;
  ResponseCache cache(StampOf(c));
  int calls = 0;
  auto failing = [&]() -> Result<std::string> {
    ++calls;
    return Status::Unavailable("catalog locked");
  };
  auto r = cache.Get("k", failing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(cache.Get("k", failing).ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(Body(cache.Get("k", [&] { return c.Read(); })), "v1");
}

TEST(ResponseCacheTest, ConcurrentMissesShareOneComputation) {
  FakeCatalog c;
  ResponseCache cache(StampOf(c));
  std::atomic<int> computing{0};
  std::atomic<bool> release{false};
  auto slow = [&]() -> Result<std::string> {
    ++computing;
    while (!release) std::this_thread::yield();
    return c.Read();
  };
  std::vector<std::thread> readers;
  std::vector<std::string> bodies(8);
  readers.emplace_back([&] { bodies[0] = Body(cache.Get("k", slow)); });
  while (computing.load() == 0) std::this_thread::yield();
  for (int i = 1; i < 8; ++i) {
    readers.emplace_back([&, i] { bodies[i] = Body(cache.Get("k", slow)); });
  }
  // Let the others reach the wait; those that come later hit.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  release = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(computing.load(), 1);
  EXPECT_EQ(c.reads.load(), 1);
  for (const std::string& b : bodies) EXPECT_EQ(b, "v1");
  const ResponseCache::Stats s = cache.stats();
  EXPECT_EQ(s.misses, 1);
  EXPECT_EQ(s.hits + s.shared, 7);
}

TEST(ResponseCacheTest, KeepsAtMostMaxEntriesAndMaxBytes) {
  FakeCatalog c;
  ResponseCache cache(StampOf(c), /*max_entries=*/2, /*max_bytes=*/10);
  auto read = [&] { return c.Read(); };
  ASSERT_EQ(Body(cache.Get("a", read)), "v1");
  ASSERT_EQ(Body(cache.Get("b", read)), "v1");
  ASSERT_EQ(cache.Get("a", read)->how, ResponseCache::How::kHit);
  // "c" pushes out the least recently used, "b".
  ASSERT_EQ(Body(cache.Get("c", read)), "v1");
  EXPECT_EQ(cache.stats().entries, 2);
  EXPECT_EQ(cache.Get("a", read)->how, ResponseCache::How::kHit);
  EXPECT_EQ(cache.Get("b", read)->how, ResponseCache::How::kMiss);

  // A body over max_bytes is served but not kept.
  auto big = [] { return Result<std::string>(std::string(11, 'x')); };
  EXPECT_EQ(Body(cache.Get("big", big)), std::string(11, 'x'));
  EXPECT_EQ(cache.Get("big", big)->how, ResponseCache::How::kMiss);
  EXPECT_LE(cache.stats().bytes, 10);
}

}  // namespace
}  // namespace tidemark::api
