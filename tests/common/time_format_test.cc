#include "common/time_format.h"

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>

namespace tidemark {
namespace {

// The text from the C library's calendar (gmtime_r), flooring to the
// millisecond: an independent oracle for the arithmetic FormatIsoTime does.
std::string ViaGmtime(int64_t ns) {
  int64_t ms = ns / 1'000'000;
  if (ns % 1'000'000 < 0) ms -= 1;
  int64_t seconds = ms / 1000;
  int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const time_t t = static_cast<time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buf;
}

TEST(TimeFormatTest, KnownTimes) {
  EXPECT_EQ(FormatIsoTime(0), "");
  EXPECT_EQ(FormatIsoTime(1'700'000'000'123'000'000),
            "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatIsoTime(1), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoTime(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIsoTime(-1'500'000), "1969-12-31T23:59:59.998Z");
  EXPECT_EQ(FormatIsoTime(951'782'400'000'000'000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatIsoTime(INT64_MAX), "2262-04-11T23:47:16.854Z");
  EXPECT_EQ(FormatIsoTime(INT64_MIN), "1677-09-21T00:12:43.145Z");
}

TEST(TimeFormatTest, AgreesWithTheCLibraryAcrossTheWholeRange) {
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int64_t> any(INT64_MIN, INT64_MAX);
  std::uniform_int_distribution<int64_t> recent(-4'000'000'000'000'000'000,
                                                4'000'000'000'000'000'000);
  for (int i = 0; i < 20000; ++i) {
    const int64_t ns = i % 2 == 0 ? any(random) : recent(random);
    if (ns == 0) continue;
    ASSERT_EQ(FormatIsoTime(ns), ViaGmtime(ns)) << ns;
  }
}

TEST(TimeFormatTest, TheBufferFormMatchesTheStringForm) {
  IsoTimeBuffer buffer;
  EXPECT_EQ(FormatIsoTime(1'700'000'000'123'000'000, buffer),
            FormatIsoTime(1'700'000'000'123'000'000));
  EXPECT_TRUE(FormatIsoTime(0, buffer).empty());
}

}  // namespace
}  // namespace tidemark
