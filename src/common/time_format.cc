#include "common/time_format.h"

#include <cstdio>
#include <ctime>

namespace tidemark {

std::string FormatIsoTime(int64_t ns) {
  if (ns == 0) return "";
  const time_t seconds = static_cast<time_t>(ns / 1'000'000'000);
  int64_t millis = (ns % 1'000'000'000) / 1'000'000;
  if (millis < 0) millis += 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buf;
}

}  // namespace tidemark
