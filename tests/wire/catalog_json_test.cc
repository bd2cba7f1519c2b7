#include "wire/catalog_json.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/human_format.h"
#include "common/paths.h"

namespace tidemark::wire {
namespace {

TEST(CatalogJsonTest, RecordJsonKeepsRawBytesOfEscapedNames) {
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

// The record's JSON, field by field, built independently of the writer that
// RecordJson, RecordJsonText and the file listings use.
nlohmann::json ExpectedRecordJson(const FileRecord& r, bool escaped) {
  nlohmann::json j = {
      {"id", r.id},
      {"path", DisplayPath(r.path)},
      {"kind", std::string(EntryKindName(r.kind))},
      {"size", r.size},
      {"mtime_ns", r.mtime_ns},
      {"mtime", FormatTime(r.mtime_ns)},
      {"device", r.device},
      {"inode", r.inode},
      {"hash_algorithm", std::string(HashAlgorithmName(r.hash_algorithm))},
      {"content_hash", r.content_hash.empty()
                           ? nlohmann::json(nullptr)
                           : nlohmann::json(ToHex(r.content_hash))},
      {"state", std::string(RecordStateName(r.state))},
      {"last_scanned", FormatTime(r.last_scanned_ns)},
      {"scan_generation", r.scan_generation},
      {"created_at", FormatTime(r.created_at_ns)},
      {"updated_at", FormatTime(r.updated_at_ns)},
  };
  if (escaped) j["path_hex"] = ToHex(r.path);
  return j;
}

TEST(CatalogJsonTest, RecordJsonTextIsDumpJsonOfEveryField) {
  FileRecord r;
  r.id = 42;
  r.path = "Москва/Toyota \"Camry\"/IMG_0001.jpg";
  r.kind = EntryKind::kSymlink;
  r.size = 123456789;
  r.mtime_ns = -1'500'000;  // before the epoch
  r.device = std::numeric_limits<uint64_t>::max();
  r.inode = 77;
  r.hash_algorithm = HashAlgorithm::kSha256;
  r.content_hash = std::string("\xde\xad\xbe\xef", 4);
  r.state = RecordState::kMissing;
  r.last_scanned_ns = 1'700'000'000'123'456'789;
  r.scan_generation = 9;
  r.created_at_ns = 1'600'000'000'000'000'000;
  r.updated_at_ns = 0;
  EXPECT_EQ(RecordJsonText(r), DumpJson(ExpectedRecordJson(r, false)));
  EXPECT_EQ(RecordJson(r), ExpectedRecordJson(r, false));

  r.path = "bad\xff\x01name";
  r.content_hash.clear();
  EXPECT_EQ(RecordJsonText(r), DumpJson(ExpectedRecordJson(r, true)));
}

}  // namespace
}  // namespace tidemark::wire
