// Opening a SQLite catalog: for reading (never creating, never writing,
// reading what cannot be written) and the check every open makes that the
// file is whole (a cut tail is refused alike by reads and writes, before
// SQLite touches it; a log that holds the pages the file lacks is not a
// cut). Permission cases drop the DAC capabilities, so they bind under
// CI's root too.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "catalog/catalog_test_util.h"
#include "catalog/migrations.h"
#include "catalog/sqlite/sqlite_catalog.h"
#include "catalog/sqlite_raw_db.h"
#include "catalog/store_factories.h"
#include "testing/capabilities.h"

namespace tidemark {
namespace {

namespace fs = std::filesystem;

constexpr int kRecords = 3000;  // a few hundred pages

Result<std::unique_ptr<CatalogStore>> OpenForReading(const std::string& path) {
  SqliteCatalogOptions options;
  options.read_only = true;
  return OpenSqliteCatalog(path, options);
}

bool Exists(const std::string& path) { return fs::exists(path); }

int64_t SizeOf(const std::string& path) {
  return static_cast<int64_t>(fs::file_size(path));
}

class SqliteOpenTest : public ::testing::Test {
 protected:
  std::string DbPath() const { return dir_.path() + "/catalog.db"; }

  // A closed catalog at `path` with repository "photos" and kRecords
  // records (no -wal or -shm left).
  void MakeCatalog(const std::string& path) {
    auto store = OpenSqliteCatalog(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    AddPhotos(**store);
  }

  void AddPhotos(CatalogStore& store, int count = kRecords) {
    repo_ = AddRepository(store, "photos");
    std::vector<FileRecord> records;
    for (int i = 0; i < count; ++i) {
      records.push_back(MakeRecord(repo_, "p/" + std::to_string(100000 + i)));
    }
    AddRecords(store, records);
  }

  // "" when `store` holds the kRecords records, else what it holds.
  std::string Holds(CatalogStore& store, size_t count = kRecords) {
    auto repo = store.FindRepository("photos");
    if (!repo.ok() || !repo->has_value()) return "no repository photos";
    auto records = store.ReadRecords(Range((*repo)->id), 1'000'000);
    if (!records.ok()) return records.status().ToString();
    if (records->size() != count) {
      return std::to_string(records->size()) + " records";
    }
    return "";
  }

  ScopedTempDir dir_;
  int64_t repo_ = 0;
};

TEST_F(SqliteOpenTest, ReadingAMissingOrEmptyFileIsNotFoundAndCreatesNothing) {
  auto store = OpenForReading(DbPath());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
  EXPECT_NE(store.status().message().find("repo add"), std::string::npos)
      << store.status().ToString();
  EXPECT_FALSE(Exists(DbPath()));

  { std::ofstream empty(DbPath()); }
  store = OpenForReading(DbPath());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(SizeOf(DbPath()), 0);
  EXPECT_FALSE(Exists(DbPath() + "-wal"));
}

// A command that only reads upgrades an older catalog it may write, then
// reads it; one it may not write is refused, naming the versions.
TEST_F(SqliteOpenTest, OlderCatalogIsUpgradedOnlyWhenItMayBeWritten) {
  {
    RawDb db(DbPath());
    ASSERT_EQ(db.Exec(SchemaSqlUpTo(LatestSchemaVersion() - 1, false)),
              SQLITE_OK)
        << db.Error();
  }
  const std::string copy = dir_.path() + "/copy.db";
  fs::copy_file(DbPath(), copy);
  fs::permissions(copy, fs::perms::owner_read);
  const std::string problem = RunWithoutDacOverride([&]() -> std::string {
    auto store = OpenForReading(copy);
    if (store.ok()) return "read an old catalog it could not upgrade";
    if (store.status().code() != StatusCode::kFailedPrecondition ||
        store.status().message().find(
            "version " + std::to_string(LatestSchemaVersion() - 1)) ==
            std::string::npos) {
      return store.status().ToString();
    }
    return "";
  });
  EXPECT_EQ(problem, "");
  auto store = OpenForReading(DbPath());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  EXPECT_TRUE((*store)->ListLeases().ok());
}

TEST_F(SqliteOpenTest, OpenedForReadingItReadsAndRefusesEveryWrite) {
  MakeCatalog(DbPath());
  auto store = OpenForReading(DbPath());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(Holds(**store), "");
  EXPECT_EQ((*store)->Begin().status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ((*store)->AcquireLease(repo_, "w", 1000).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ((*store)->BeginBulkLoad().code(), StatusCode::kPermissionDenied);
}

// Nobody has the catalog open: a read opens it as any client would, and
// PATH-wal and PATH-shm go again when it closes; the file is not changed.
TEST_F(SqliteOpenTest, ReadingAClosedCatalogLeavesNothingBehind) {
  MakeCatalog(DbPath());
  std::string before;
  {
    std::ifstream in(DbPath(), std::ios::binary);
    before.assign(std::istreambuf_iterator<char>(in), {});
  }
  {
    auto store = OpenForReading(DbPath());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ(Holds(**store), "");
  }
  EXPECT_FALSE(Exists(DbPath() + "-wal"));
  EXPECT_FALSE(Exists(DbPath() + "-shm"));
  std::ifstream in(DbPath(), std::ios::binary);
  EXPECT_TRUE(std::string(std::istreambuf_iterator<char>(in), {}) == before);
}

// A writer in another connection (another process, as far as SQLite can
// tell) goes on while a reader has the catalog open, and the reader sees
// each commit: reads take the usual locks when PATH-wal exists.
TEST_F(SqliteOpenTest, ReadersFollowAWriterThatHasTheCatalogOpen) {
  auto writer = OpenSqliteCatalog(DbPath());
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  AddPhotos(**writer, 10);
  auto reader = OpenForReading(DbPath());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(Holds(**reader, 10), "");
  std::vector<FileRecord> more = {MakeRecord(repo_, "q/later")};
  AddRecords(**writer, more);
  EXPECT_EQ(Holds(**reader, 11), "");
}

TEST_F(SqliteOpenTest, ReadOnlyFileIsReadAndNothingIsCreated) {
  MakeCatalog(DbPath());
  fs::permissions(DbPath(), fs::perms::owner_read | fs::perms::group_read);
  const std::string problem = RunWithoutDacOverride([&]() -> std::string {
    {
      auto store = OpenForReading(DbPath());
      if (!store.ok()) return "read: " + store.status().ToString();
      if (std::string held = Holds(**store); !held.empty()) return held;
    }
    if (Exists(DbPath() + "-wal") || Exists(DbPath() + "-shm")) {
      return "a read made -wal/-shm files, which the catalog's owner could "
             "not use";
    }
    auto write = OpenSqliteCatalog(DbPath());
    if (write.ok()) return "opened a read-only file for writing";
    if (!write.status().IsPermissionDenied() ||
        write.status().message().find("read-only") == std::string::npos) {
      return "write: " + write.status().ToString();
    }
    return "";
  });
  EXPECT_EQ(problem, "");
}

// Without PATH-wal and PATH-shm, and no right to create them, the catalog
// is read as immutable. The directory's name needs escaping in a URI.
TEST_F(SqliteOpenTest, CatalogInAReadOnlyDirectoryIsRead) {
  const std::string ro = dir_.path() + "/read only?#%41";
  fs::create_directory(ro);
  const std::string path = ro + "/catalog.db";
  MakeCatalog(path);
  ASSERT_FALSE(Exists(path + "-wal"));
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  const std::string problem = RunWithoutDacOverride([&]() -> std::string {
    {
      auto store = OpenForReading(path);
      if (!store.ok()) return "read: " + store.status().ToString();
      if (std::string held = Holds(**store); !held.empty()) return held;
    }
    auto write = OpenSqliteCatalog(path);
    if (write.ok()) return "opened it for writing";
    if (!write.status().IsPermissionDenied() ||
        write.status().message().find("directory") == std::string::npos) {
      return "write: " + write.status().ToString();
    }
    return "";
  });
  fs::permissions(ro, fs::perms::owner_all);
  EXPECT_EQ(problem, "");
  EXPECT_FALSE(Exists(path + "-wal"));
}

// The last pages of a closed catalog are cut off: reads and writes refuse
// it with the same message, and leave it as it was (no checkpoint fills
// the gap with zeros).
TEST_F(SqliteOpenTest, CutTailIsRefusedByEveryOpenAndLeftAsItWas) {
  MakeCatalog(DbPath());
  fs::resize_file(DbPath(), SizeOf(DbPath()) - 2 * 4096);
  const int64_t cut_size = SizeOf(DbPath());
  auto read = OpenForReading(DbPath());
  auto write = OpenSqliteCatalog(DbPath());
  ASSERT_FALSE(read.ok());
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(write.status().ToString(), read.status().ToString());
  EXPECT_NE(read.status().message().find("is cut short"), std::string::npos)
      << read.status().ToString();
  EXPECT_NE(read.status().message().find("2 pages"), std::string::npos)
      << read.status().ToString();
  EXPECT_EQ(SizeOf(DbPath()), cut_size);
  EXPECT_FALSE(Exists(DbPath() + "-wal"));
}

// A cut while another process has the catalog open (its log holds a few
// pages, not the ones cut off).
TEST_F(SqliteOpenTest, CutTailIsRefusedWhileAnotherProcessHoldsALog) {
  MakeCatalog(DbPath());
  RawDb other(DbPath());
  ASSERT_EQ(other.Exec("UPDATE repositories SET updated_at = updated_at + 1"),
            SQLITE_OK)
      << other.Error();
  ASSERT_GT(SizeOf(DbPath() + "-wal"), 0);
  fs::resize_file(DbPath(), SizeOf(DbPath()) - 3 * 4096);
  auto read = OpenForReading(DbPath());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kDataLoss)
      << read.status().ToString();
  EXPECT_EQ(OpenSqliteCatalog(DbPath()).status().code(), StatusCode::kDataLoss);
}

// What a crash in the middle of a checkpoint leaves: the file's header
// already says the database's full size, but its last pages are still
// only in the log. That is whole; once the log loses them, it is not.
TEST_F(SqliteOpenTest, LogHoldingThePagesTheFileLacksIsWhole) {
  const std::string crashed = dir_.path() + "/crashed.db";
  {
    auto writer = OpenSqliteCatalog(DbPath());
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    AddPhotos(**writer);  // in the log: no checkpoint below 16,384 pages
    RawDb peek(DbPath());
    const int64_t pages = peek.QueryInt("PRAGMA page_count");
    ASSERT_LT(SizeOf(DbPath()), pages * 4096) << "nothing left in the log";
    // The copy a crash would leave, header rewritten as a checkpoint does
    // first (page count at 28, change counter at 24 = valid-for at 92).
    fs::copy_file(DbPath(), crashed);
    fs::copy_file(DbPath() + "-wal", crashed + "-wal");
    std::fstream f(crashed, std::ios::in | std::ios::out | std::ios::binary);
    const unsigned char count[4] = {static_cast<unsigned char>(pages >> 24),
                                    static_cast<unsigned char>(pages >> 16),
                                    static_cast<unsigned char>(pages >> 8),
                                    static_cast<unsigned char>(pages)};
    f.seekp(28);
    f.write(reinterpret_cast<const char*>(count), 4);
    char counter[4];
    f.seekg(24);
    f.read(counter, 4);
    f.seekp(92);
    f.write(counter, 4);
  }
  const int64_t wal_size = SizeOf(crashed + "-wal");
  {
    auto store = OpenForReading(crashed);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ(Holds(**store), "");
  }
  // The same file with only the log's first frame left.
  ASSERT_TRUE(fs::exists(crashed + "-wal"));
  fs::resize_file(crashed + "-wal",
                  std::min<int64_t>(wal_size, 32 + 24 + 4096));
  auto store = OpenForReading(crashed);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss)
      << store.status().ToString();
}

}  // namespace
}  // namespace tidemark
