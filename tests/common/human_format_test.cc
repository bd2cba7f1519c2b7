#include "common/human_format.h"

#include <gtest/gtest.h>

namespace tidemark {
namespace {

TEST(HumanFormatTest, HumanFormats) {
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatCount(12), "12");
  EXPECT_EQ(FormatBytes(17), "17 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatTime(1'700'000'000'123'000'000), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatDuration(850), "850 ms");
  EXPECT_EQ(FormatDuration(1234), "1.23 s");
}

}  // namespace
}  // namespace tidemark
