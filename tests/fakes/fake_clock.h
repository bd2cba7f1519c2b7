// FakeClock: a Clock whose time only moves when a test says so.
//
// Thread-safe: the time is an atomic, so code under test may read it from
// several threads while the test advances it.
#ifndef TIDEMARK_TESTS_FAKES_FAKE_CLOCK_H_
#define TIDEMARK_TESTS_FAKES_FAKE_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "common/clock.h"

namespace tidemark {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ns = 1'700'000'000'000'000'000)
      : now_ns_(start_ns) {}

  int64_t NowNanos() override { return now_ns_.load(); }
  int64_t MonotonicNanos() override { return now_ns_.load(); }

  void Advance(int64_t ns) { now_ns_ += ns; }
  void AdvanceMs(int64_t ms) { now_ns_ += ms * 1'000'000; }

 private:
  std::atomic<int64_t> now_ns_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_FAKE_CLOCK_H_
