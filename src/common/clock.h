// Clock: the seam through which tidemark reads the time.
//
// Production code uses SystemClock; tests use FakeClock (tests/fakes) so that
// timestamps and durations are deterministic. Implementations must be
// thread-safe: the walker, the gateway and the CLI may read them concurrently.
#ifndef TIDEMARK_COMMON_CLOCK_H_
#define TIDEMARK_COMMON_CLOCK_H_

#include <cstdint>

namespace tidemark {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in nanoseconds since the Unix epoch.
  virtual int64_t NowNanos() = 0;
  // Monotonic time in nanoseconds, for durations only.
  virtual int64_t MonotonicNanos() = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowNanos() override;
  int64_t MonotonicNanos() override;
  // A process-wide instance; never destroyed.
  static SystemClock& Default();
};

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_CLOCK_H_
