// The CatalogStore contract: record reads (order, scopes, paging, lookups,
// totals) and exact round trips of every field. Instantiated over every store
// in catalog_contract_test.cc.
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>
#include <random>
#include <thread>

#include "catalog/catalog_contract_test.h"
#include "catalog/catalog_test_util.h"

namespace tidemark {
namespace {

using namespace std::string_literals;

std::vector<std::string> ReadAll(CatalogStore& store, int64_t repo,
                                 const std::string& scope = "") {
  auto read = store.ReadRecords(Range(repo, scope), 100000);
  EXPECT_TRUE(read.ok()) << read.status().ToString();
  return read.ok() ? Paths(*read) : std::vector<std::string>{};
}

TEST_P(CatalogContractTest, ReadRecordsInUnsignedByteOrder) {
  const int64_t repo = AddRepository(*store_, "photos");
  std::vector<std::string> paths = {
      "a/b0",  "a/b/c", "a/b.txt", "a-b",        "a.b",    "a",
      "A",     "b",     "\xFF",    "\x80/x",     "a/\xFF", "a/\x80",
      "Z\x01", "a/b",   "~",       "caf\xC3\xA9"};
  std::vector<FileRecord> records;
  for (const auto& p : paths) records.push_back(MakeRecord(repo, p));
  std::shuffle(records.begin(), records.end(), std::mt19937(7));
  AddRecords(*store_, records);

  std::vector<std::string> expected = paths;
  std::sort(expected.begin(), expected.end());  // unsigned, like memcmp
  const auto got = ReadAll(*store_, repo);
  EXPECT_EQ(got, expected);
  // Spelled out, since std::sort's idea of order is what is being checked.
  auto pos = [&](const std::string& p) {
    return std::find(got.begin(), got.end(), p) - got.begin();
  };
  EXPECT_LT(pos("a/b.txt"), pos("a/b/c"));
  EXPECT_LT(pos("a/b/c"), pos("a/b0"));
  EXPECT_LT(pos("a"), pos("a-b"));
  EXPECT_LT(pos("~"), pos("\x80/x"));
  EXPECT_LT(pos("\x80/x"), pos("\xFF"));
  EXPECT_EQ(got.back(), "\xFF");
}

TEST_P(CatalogContractTest, ScopeIsThePathAndEverythingBelowIt) {
  const int64_t repo = AddRepository(*store_, "photos");
  const int64_t other = AddRepository(*store_, "music");
  std::vector<FileRecord> records;
  for (const char* p : {"a", "a/x", "a/y/z", "ab", "a.txt", "a-1", "a0", "b",
                        "a/y", "\xFF/x", "\xFF\xFF", "\xFF"}) {
    records.push_back(MakeRecord(repo, p));
  }
  records.push_back(MakeRecord(other, "a/other"));
  AddRecords(*store_, records);

  EXPECT_EQ(ReadAll(*store_, repo, "a"),
            (std::vector<std::string>{"a", "a/x", "a/y", "a/y/z"}));
  EXPECT_EQ(ReadAll(*store_, repo, "a/y"),
            (std::vector<std::string>{"a/y", "a/y/z"}));
  EXPECT_EQ(ReadAll(*store_, repo, "a/x"), (std::vector<std::string>{"a/x"}));
  EXPECT_EQ(ReadAll(*store_, repo, "\xFF"),
            (std::vector<std::string>{"\xFF", "\xFF/x"}));
  EXPECT_TRUE(ReadAll(*store_, repo, "zz").empty());
  EXPECT_TRUE(ReadAll(*store_, repo, "a/x/deeper").empty());
  EXPECT_EQ(ReadAll(*store_, repo, "").size(), 12u);

  // `after` inside a scope.
  auto page = store_->ReadRecords(Range(repo, "a", "a"), 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Paths(*page), (std::vector<std::string>{"a/x", "a/y", "a/y/z"}));
  page = store_->ReadRecords(Range(repo, "a", "a/y"), 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Paths(*page), (std::vector<std::string>{"a/y/z"}));
  // A limit that the scope path itself fills.
  page = store_->ReadRecords(Range(repo, "a"), 1);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Paths(*page), (std::vector<std::string>{"a"}));
  page = store_->ReadRecords(Range(repo), 0);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->empty());
  EXPECT_TRUE(ReadAll(*store_, 999999).empty());
}

TEST_P(CatalogContractTest, KeysetPagingVisitsEveryRecordOnce) {
  const int64_t repo = AddRepository(*store_, "photos");
  std::vector<FileRecord> records;
  std::vector<std::string> expected;
  for (int i = 0; i < 2500; ++i) {
    std::string p = "d" + std::to_string(i % 7) + "/f" + std::to_string(i);
    if (i % 100 == 0) p += "\xFE\x01";
    expected.push_back(p);
    records.push_back(MakeRecord(repo, p));
  }
  AddRecords(*store_, records);
  std::sort(expected.begin(), expected.end());

  for (const std::string& scope : {""s, "d3"s}) {
    std::vector<std::string> want;
    for (const auto& p : expected) {
      if (scope.empty() || p.rfind(scope + "/", 0) == 0) want.push_back(p);
    }
    std::vector<std::string> seen;
    RecordRange range = Range(repo, scope);
    for (;;) {
      auto page = store_->ReadRecords(range, 97);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      if (page->empty()) break;
      ASSERT_LE(page->size(), 97u);
      for (auto& r : *page) seen.push_back(r.path);
      range.after = page->back().path;
    }
    EXPECT_EQ(seen, want) << "scope '" << scope << "'";
  }
}

TEST_P(CatalogContractTest, FindRecordByExactPath) {
  const int64_t repo = AddRepository(*store_, "photos");
  const int64_t other = AddRepository(*store_, "music");
  std::vector<FileRecord> records = {MakeRecord(repo, "dir/file")};
  AddRecords(*store_, records);
  auto found = store_->FindRecord(repo, "dir/file");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  ExpectSameRecord(**found, records[0]);
  for (auto [id, path] :
       {std::pair{repo, "dir"}, std::pair{repo, "dir/fil"},
        std::pair{repo, "dir/file/x"}, std::pair{other, "dir/file"}}) {
    auto missing = store_->FindRecord(id, path);
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value()) << path;
  }
}

TEST_P(CatalogContractTest, FindRecordsByInodeMatchesDeviceAndInode) {
  const int64_t repo = AddRepository(*store_, "photos");
  const int64_t other = AddRepository(*store_, "music");
  const uint64_t big = (uint64_t{1} << 63) + 12345;
  auto with = [](FileRecord r, uint64_t device, uint64_t inode) {
    r.device = device;
    r.inode = inode;
    return r;
  };
  std::vector<FileRecord> records = {
      with(MakeRecord(repo, "z/hard-link"), 7, big),
      with(MakeRecord(repo, "a/original"), 7, big),
      with(MakeRecord(repo, "other-device"), 8, big),
      with(MakeRecord(repo, "other-inode"), 7, big + 1),
      with(MakeRecord(other, "other-repo"), 7, big)};
  AddRecords(*store_, records);
  auto found = store_->FindRecordsByInode(repo, 7, big);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(Paths(*found),
            (std::vector<std::string>{"a/original", "z/hard-link"}));
  auto none = store_->FindRecordsByInode(repo, 7, 1);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(CatalogContractTest, TotalsCountStatesAndBytes) {
  const int64_t repo = AddRepository(*store_, "photos");
  const int64_t other = AddRepository(*store_, "music");
  auto with = [](FileRecord r, RecordState state) {
    r.state = state;
    return r;
  };
  std::vector<FileRecord> records = {
      with(MakeRecord(repo, "p1", 100), RecordState::kPresent),
      with(MakeRecord(repo, "p2", 200), RecordState::kPresent),
      with(MakeRecord(repo, "m1", 40), RecordState::kMissing),
      with(MakeRecord(repo, "o1", 3), RecordState::kOffline),
      with(MakeRecord(repo, "o2", 5'000'000'000), RecordState::kOffline),
      with(MakeRecord(other, "x", 1), RecordState::kPresent)};
  AddRecords(*store_, records);
  auto totals = store_->Totals(repo);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 5);
  EXPECT_EQ(totals->bytes, 5'000'000'343);
  EXPECT_EQ(totals->present, 2);
  EXPECT_EQ(totals->missing, 1);
  EXPECT_EQ(totals->offline, 2);
  auto empty = store_->Totals(999999);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->files, 0);
  EXPECT_EQ(empty->bytes, 0);
}

TEST_P(CatalogContractTest, EveryRecordFieldRoundTripsExactly) {
  const int64_t repo = AddRepository(*store_, "photos");
  FileRecord extreme = MakeRecord(repo, "odd/\x01\x7F\xFF name");
  extreme.kind = EntryKind::kSymlink;
  extreme.size = std::numeric_limits<int64_t>::max();
  extreme.mtime_ns = -1'234'567'890'123'456'789;  // before the epoch
  extreme.device = std::numeric_limits<uint64_t>::max();
  extreme.inode = (uint64_t{1} << 63) + 1;
  extreme.content_hash = "\x00\x01\x00\xFF\x00"s;
  extreme.hash_algorithm = HashAlgorithm::kSha256;
  extreme.state = RecordState::kMissing;
  extreme.last_scanned_ns = std::numeric_limits<int64_t>::max();
  extreme.scan_generation = std::numeric_limits<int64_t>::max() - 1;
  extreme.created_at_ns = std::numeric_limits<int64_t>::min();
  extreme.updated_at_ns = 1;
  FileRecord plain = MakeRecord(repo, "plain");
  plain.mtime_ns = 4'102'444'800'000'000'123;  // 2100
  plain.hash_algorithm = HashAlgorithm::kXxh3;
  plain.content_hash = std::string(32, '\0');
  FileRecord unhashed = MakeRecord(repo, "unhashed");
  unhashed.state = RecordState::kOffline;
  std::vector<FileRecord> records = {extreme, plain, unhashed};
  AddRecords(*store_, records);

  for (const FileRecord& want : records) {
    auto got = store_->FindRecord(repo, want.path);
    ASSERT_TRUE(got.ok());
    ASSERT_TRUE(got->has_value()) << want.path;
    ExpectSameRecord(**got, want);
  }
  // The same through the range read and the inode lookup.
  auto all = store_->ReadRecords(Range(repo), 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  ExpectSameRecord((*all)[0], records[0]);
  auto by_inode =
      store_->FindRecordsByInode(repo, extreme.device, extreme.inode);
  ASSERT_TRUE(by_inode.ok());
  ASSERT_EQ(by_inode->size(), 1u);
  ExpectSameRecord((*by_inode)[0], records[0]);
}

TEST_P(CatalogContractTest, ReadsSeeCommittedStateWhileAWriterIsOpen) {
  const int64_t repo = AddRepository(*store_, "photos");
  std::vector<FileRecord> first = {MakeRecord(repo, "committed")};
  AddRecords(*store_, first);

  std::mutex mu;
  std::condition_variable cv;
  bool written = false;
  bool read_done = false;
  Status writer_status;
  std::thread writer([&] {
    auto txn = store_->Begin();
    if (!txn.ok()) {
      writer_status = txn.status();
    } else {
      std::vector<FileRecord> more = {MakeRecord(repo, "pending")};
      writer_status = (*txn)->InsertRecords(more);
    }
    std::unique_lock<std::mutex> lock(mu);
    written = true;
    cv.notify_all();
    cv.wait(lock, [&] { return read_done; });
    if (writer_status.ok() && txn.ok()) writer_status = (*txn)->Commit();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return written; });
  }
  // The writer holds its transaction open while these run.
  EXPECT_EQ(ReadAll(*store_, repo), (std::vector<std::string>{"committed"}));
  auto totals = store_->Totals(repo);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 1);
  {
    std::lock_guard<std::mutex> lock(mu);
    read_done = true;
    cv.notify_all();
  }
  writer.join();
  ASSERT_TRUE(writer_status.ok()) << writer_status.ToString();
  EXPECT_EQ(ReadAll(*store_, repo),
            (std::vector<std::string>{"committed", "pending"}));
}

}  // namespace
}  // namespace tidemark
