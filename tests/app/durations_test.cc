#include "app/durations.h"

#include <gtest/gtest.h>

namespace tidemark::app {
namespace {

TEST(DurationsTest, ReadsEachUnit) {
  EXPECT_EQ(*ParseDurationMs("250", "--poll"), 250);
  EXPECT_EQ(*ParseDurationMs("250ms", "--poll"), 250);
  EXPECT_EQ(*ParseDurationMs("30s", "--poll"), 30'000);
  EXPECT_EQ(*ParseDurationMs("5m", "--poll"), 300'000);
  EXPECT_EQ(*ParseDurationMs("8784h", "--poll"), 366LL * 86'400'000);
}

// Whatever a number parser has been lenient about elsewhere, and the ends
// of the range (1 ms to a year).
TEST(DurationsTest, RefusesAnythingButAWholePositiveNumberWithAUnit) {
  for (const char* bad : {"",
                          "0",
                          "0s",
                          "-5s",
                          "+5s",
                          " 5s",
                          "5s ",
                          "5 s",
                          "5x",
                          "s",
                          "ms",
                          "1e3",
                          "1e3ms",
                          "0x10",
                          "0x10s",
                          "1.5s",
                          "nan",
                          "infs",
                          "5S",
                          "5sec",
                          "8785h",
                          "527041m",
                          "31622400001",
                          "9223372036854775807ms",
                          "99999999999999999999s",
                          "5s5s"}) {
    auto r = ParseDurationMs(bad, "--heartbeat");
    ASSERT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("--heartbeat"), std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find("a year"), std::string::npos)
        << r.status().message();
  }
}

TEST(DurationsTest, AnEmptyFlagKeepsTheDefault) {
  int64_t ms = 7;
  EXPECT_TRUE(ApplyDuration("", "--poll", &ms).ok());
  EXPECT_EQ(ms, 7);
  EXPECT_FALSE(ApplyDuration("0", "--poll", &ms).ok());
  EXPECT_EQ(ms, 7);
}

}  // namespace
}  // namespace tidemark::app
