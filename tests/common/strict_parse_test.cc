#include "common/strict_parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace tidemark {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(ParseInt64Test, AcceptsWholeNumbersInRange) {
  EXPECT_EQ(*ParseInt64("0", "x", 0, 10), 0);
  EXPECT_EQ(*ParseInt64("10", "x", 0, 10), 10);
  EXPECT_EQ(*ParseInt64("-5", "x", -5, 10), -5);
  EXPECT_EQ(*ParseInt64("9223372036854775807", "x", 0, kMax), kMax);
  EXPECT_EQ(*ParseInt64("-9223372036854775808", "x", kMin, 0), kMin);
}

// Every value here was read as a number somewhere before this parser.
TEST(ParseInt64Test, RefusesEverythingThatIsNotWhollyANumber) {
  for (const char* bad :
       {"", " ", "50abc", " 5", "5 ", "+5", "--1", "0x10", "1e3", "1.0", "nan",
        "inf", "five", "5\n", "\t5", "٣"}) {
    auto r = ParseInt64(bad, "--batch-size", 0, 100);
    ASSERT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("--batch-size"), std::string::npos);
    EXPECT_NE(r.status().message().find("from 0 to 100"), std::string::npos)
        << r.status().message();
  }
  // An embedded NUL is not the end of the text.
  EXPECT_FALSE(ParseInt64(std::string("5\0"
                                      "1",
                                      3),
                          "x", 0, 100)
                   .ok());
}

TEST(ParseInt64Test, RefusesOutOfRangeAndOverflow) {
  for (const char* bad :
       {"101", "-1", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999999999"}) {
    auto r = ParseInt64(bad, "batch_size", 0, 100);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("out of range"), std::string::npos)
        << r.status().message();
  }
}

TEST(ParseInt64Test, QuotesHostileTextShortAndEscaped) {
  const std::string huge(10'000, '9');
  auto r = ParseInt64(huge + "x", "limit", 1, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 200u);
  auto control = ParseInt64("1\x1b[31m", "limit", 1, 10);
  ASSERT_FALSE(control.ok());
  EXPECT_EQ(control.status().message().find('\x1b'), std::string::npos);
}

TEST(ParseDoubleTest, AcceptsFiniteNumbersInRange) {
  EXPECT_DOUBLE_EQ(*ParseDouble("0.5", "t", 0, 1), 0.5);
  EXPECT_DOUBLE_EQ(*ParseDouble("1", "t", 0, 1), 1.0);
  EXPECT_DOUBLE_EQ(*ParseDouble("0", "t", 0, 1), 0.0);
  EXPECT_DOUBLE_EQ(*ParseDouble("5e-1", "t", 0, 1), 0.5);
  EXPECT_DOUBLE_EQ(*ParseDouble("-0.25", "t", -1, 1), -0.25);
}

TEST(ParseDoubleTest, RefusesNanInfinityRangeAndJunk) {
  for (const char* bad : {"nan", "NaN", "-nan", "inf", "-inf", "infinity",
                          "2.0", "-1", "1.0000001", "0.5x", "", " 0.5", "+0.5",
                          "0x1p-1", "1e400", ".", "e5"}) {
    auto r = ParseDouble(bad, "mass_removal_threshold", 0, 1);
    ASSERT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_NE(r.status().message().find("mass_removal_threshold"),
              std::string::npos);
    EXPECT_NE(r.status().message().find("from 0 to 1"), std::string::npos)
        << r.status().message();
  }
}

TEST(ParseBoolTest, OnlyTrueAndFalse) {
  EXPECT_TRUE(*ParseBool("true", "dry_run"));
  EXPECT_FALSE(*ParseBool("false", "dry_run"));
  for (const char* bad : {"1", "0", "yes", "no", "TRUE", "True", "FALSE", "",
                          "on", "off", "t", "f", "true ", " true", "truex"}) {
    auto r = ParseBool(bad, "dry_run");
    ASSERT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_NE(r.status().message().find("dry_run"), std::string::npos);
    EXPECT_NE(r.status().message().find("true or false"), std::string::npos);
  }
}

TEST(CheckRangeTest, TypedValues) {
  EXPECT_TRUE(CheckInt64(5, "threads", 1, 64).ok());
  EXPECT_FALSE(CheckInt64(100'000'000, "threads", 1, 64).ok());
  EXPECT_FALSE(CheckInt64(0, "threads", 1, 64).ok());
  EXPECT_TRUE(CheckDouble(0.5, "t", 0, 1).ok());
  EXPECT_FALSE(CheckDouble(std::nan(""), "t", 0, 1).ok());
  EXPECT_FALSE(
      CheckDouble(std::numeric_limits<double>::infinity(), "t", 0, 1).ok());
  EXPECT_FALSE(CheckDouble(2.0, "t", 0, 1).ok());
  EXPECT_FALSE(CheckDouble(-1, "t", 0, 1).ok());
  auto s = CheckDouble(2.0, "[scan] mass_removal_threshold", 0, 1);
  EXPECT_NE(s.message().find("[scan] mass_removal_threshold 2 is out of range: "
                             "it must be from 0 to 1"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace tidemark
