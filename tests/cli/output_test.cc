#include "cli/output.h"

#include <gtest/gtest.h>

namespace tidemark::cli {
namespace {

TEST(OutputTest, HumanFormats) {
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatCount(12), "12");
  EXPECT_EQ(FormatBytes(17), "17 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatTime(1'700'000'000'123'000'000), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatDuration(850), "850 ms");
  EXPECT_EQ(FormatDuration(1234), "1.23 s");
}

TEST(OutputTest, RecordJsonKeepsRawBytesOfEscapedNames) {
  FileRecord r;
  r.path = "a\xff.jpg";
  r.content_hash = std::string("\x00\x01", 2);
  r.hash_algorithm = HashAlgorithm::kSha256;
  nlohmann::json j = RecordJson(r);
  EXPECT_EQ(j["path"], "a\\xff.jpg");
  EXPECT_EQ(j["path_hex"], "61ff2e6a7067");
  EXPECT_EQ(j["content_hash"], "0001");
  r.path = "plain.jpg";
  EXPECT_FALSE(RecordJson(r).contains("path_hex"));
  EXPECT_NO_THROW(DumpJson(RecordJson(r)));
}

}  // namespace
}  // namespace tidemark::cli
