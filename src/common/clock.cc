#include "common/clock.h"

#include <chrono>

namespace tidemark {

int64_t SystemClock::NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t SystemClock::MonotonicNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

SystemClock& SystemClock::Default() {
  static SystemClock* clock = new SystemClock();
  return *clock;
}

}  // namespace tidemark
