// Behaviour of the SQLite store that the in-memory fake has no counterpart
// for: persistence, the schema version, refusing foreign files without
// touching them, and locking.
#include "catalog/sqlite/sqlite_catalog.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "catalog/catalog_test_util.h"
#include "catalog/migrations.h"
#include "catalog/sqlite_raw_db.h"
#include "catalog/store_factories.h"
#include "testing/capabilities.h"

namespace tidemark {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

class SqliteCatalogTest : public ::testing::Test {
 protected:
  std::string DbPath() const { return dir_.path() + "/catalog.db"; }
  ScopedTempDir dir_;
};

TEST_F(SqliteCatalogTest, ReopenKeepsData) {
  int64_t repo = 0;
  {
    auto store = OpenSqliteCatalog(DbPath());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    repo = AddRepository(**store, "photos");
    std::vector<FileRecord> records = {MakeRecord(repo, "a/b")};
    AddRecords(**store, records);
  }
  auto store = OpenSqliteCatalog(DbPath());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto found = (*store)->FindRecord(repo, "a/b");
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());
  auto repos = (*store)->ListRepositories();
  ASSERT_TRUE(repos.ok());
  ASSERT_EQ(repos->size(), 1u);
  EXPECT_EQ((*repos)[0].name, "photos");
}

// The response cache of `tidemark serve` keeps a body while the change
// stamp stays the same, so the stamp must move on every commit: this
// store's own (its writer is another connection than its reader) and
// another process's (another store on the same file); and stay put
// without one, or nothing would ever be served from the cache.
TEST_F(SqliteCatalogTest, ChangeStampMovesOnEveryCommitAndOnlyThen) {
  auto store = OpenSqliteCatalog(DbPath());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto stamp = [&store] {
    auto s = (*store)->ChangeStamp();
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : -1;
  };
  const int64_t first = stamp();
  EXPECT_EQ(stamp(), first) << "no commit in between";
  const int64_t repo = AddRepository(**store, "photos");
  const int64_t after_own = stamp();
  EXPECT_NE(after_own, first) << "this store's own commit";
  EXPECT_EQ(stamp(), after_own);
  {
    auto other = OpenSqliteCatalog(DbPath());  // as another process would
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    std::vector<FileRecord> records = {MakeRecord(repo, "a/b")};
    AddRecords(**other, records);
  }
  EXPECT_NE(stamp(), after_own) << "another store's commit on the same file";
}

TEST_F(SqliteCatalogTest, RecordsSchemaVersionInTheFile) {
  {
    auto store = OpenSqliteCatalog(DbPath());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  }
  RawDb raw(DbPath());
  EXPECT_EQ(raw.QueryInt("SELECT max(version) FROM schema_version"),
            LatestSchemaVersion());
  EXPECT_EQ(raw.QueryInt("SELECT count(*) FROM schema_version"),
            static_cast<int64_t>(AllMigrations().size()));
  // WAL is a property of the file.
  EXPECT_EQ(raw.QueryInt("SELECT count(*) FROM pragma_journal_mode "
                         "WHERE journal_mode = 'wal'"),
            1);
}

TEST_F(SqliteCatalogTest, NewerSchemaIsFailedPreconditionNamingVersions) {
  { ASSERT_TRUE(OpenSqliteCatalog(DbPath()).ok()); }
  const int newer = LatestSchemaVersion() + 1;
  {
    RawDb raw(DbPath());
    ASSERT_EQ(raw.Exec("INSERT INTO schema_version VALUES (" +
                       std::to_string(newer) + ", 'from the future')"),
              SQLITE_OK);
  }
  auto store = OpenSqliteCatalog(DbPath());
  ASSERT_FALSE(store.ok());
  const Status& s = store.status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find(DbPath()), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(std::to_string(newer)), std::string::npos);
  EXPECT_NE(s.message().find(std::to_string(LatestSchemaVersion())),
            std::string::npos);
  EXPECT_NE(s.message().find("upgrade tidemark"), std::string::npos);
}

TEST_F(SqliteCatalogTest, GarbageFileIsDataLossAndStaysByteIdentical) {
  std::string garbage;
  for (int i = 0; i < 8192; ++i) garbage.push_back(static_cast<char>(i * 7));
  for (const std::string& bytes : {garbage, std::string("not a db\n")}) {
    WriteFile(DbPath(), bytes);
    auto store = OpenSqliteCatalog(DbPath());
    ASSERT_FALSE(store.ok());
    const Status& s = store.status();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
    EXPECT_NE(s.message().find(DbPath()), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("not a database"), std::string::npos);
    EXPECT_NE(s.message().find("--db"), std::string::npos);
    EXPECT_EQ(ReadFile(DbPath()), bytes);
    EXPECT_FALSE(std::filesystem::exists(DbPath() + "-wal"));
    EXPECT_FALSE(std::filesystem::exists(DbPath() + "-journal"));
  }
}

TEST_F(SqliteCatalogTest, ForeignSqliteDatabaseIsRefusedUntouched) {
  {
    RawDb raw(DbPath());
    ASSERT_EQ(raw.Exec("CREATE TABLE photos (id INTEGER PRIMARY KEY)"),
              SQLITE_OK);
  }
  const std::string before = ReadFile(DbPath());
  auto store = OpenSqliteCatalog(DbPath());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition)
      << store.status().ToString();
  EXPECT_NE(store.status().message().find("not a tidemark catalog"),
            std::string::npos);
  EXPECT_EQ(ReadFile(DbPath()), before);
}

TEST_F(SqliteCatalogTest, MissingDirectoryIsNotFound) {
  auto store = OpenSqliteCatalog(dir_.path() + "/no/such/dir/catalog.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound)
      << store.status().ToString();
}

// Permission bits bind root too once its DAC capabilities are dropped, so
// these run (never skip) under CI's root.
TEST_F(SqliteCatalogTest, ReadOnlyDirectoryIsPermissionDenied) {
  const std::string ro = dir_.path() + "/ro";
  std::filesystem::create_directory(ro);
  std::filesystem::permissions(ro, std::filesystem::perms::owner_read |
                                       std::filesystem::perms::owner_exec);
  const std::string problem = RunWithoutDacOverride([&]() -> std::string {
    auto store = OpenSqliteCatalog(ro + "/catalog.db");
    if (store.ok()) return "opened a database in a read-only directory";
    if (store.status().code() != StatusCode::kPermissionDenied ||
        store.status().message().find("--db") == std::string::npos) {
      return "unexpected error: " + store.status().ToString();
    }
    return "";
  });
  std::filesystem::permissions(ro, std::filesystem::perms::owner_all);
  EXPECT_EQ(problem, "");
}

TEST_F(SqliteCatalogTest, ReadOnlyFileIsPermissionDenied) {
  { ASSERT_TRUE(OpenSqliteCatalog(DbPath()).ok()); }
  std::filesystem::permissions(DbPath(), std::filesystem::perms::owner_read);
  const std::string before = ReadFile(DbPath());
  const std::string problem = RunWithoutDacOverride([&]() -> std::string {
    auto store = OpenSqliteCatalog(DbPath());
    if (store.ok()) {
      // Opening may succeed read-only; a write must then be refused.
      auto txn = (*store)->Begin();
      Status s = txn.ok() ? Status::Ok() : txn.status();
      if (txn.ok()) {
        Repository repo;
        repo.name = "x";
        repo.url = "file:///x";
        auto id = (*txn)->InsertRepository(repo);
        s = id.ok() ? (*txn)->Commit() : id.status();
      }
      if (s.ok()) return "wrote to a read-only database file";
      store = s;
    }
    if (store.status().code() != StatusCode::kPermissionDenied ||
        store.status().message().find(DbPath()) == std::string::npos) {
      return "unexpected error: " + store.status().ToString();
    }
    return "";
  });
  EXPECT_EQ(problem, "");
  EXPECT_EQ(ReadFile(DbPath()), before);
}

TEST_F(SqliteCatalogTest, DatabaseLockedByAnotherProcessIsUnavailable) {
  auto store = OpenSqliteCatalog(DbPath(), {.busy_timeout_ms = 50});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const int64_t repo = AddRepository(**store, "photos");
  RawDb other(DbPath());
  ASSERT_EQ(other.Exec("BEGIN EXCLUSIVE"), SQLITE_OK);

  auto txn = (*store)->Begin();
  ASSERT_FALSE(txn.ok());
  EXPECT_EQ(txn.status().code(), StatusCode::kUnavailable)
      << txn.status().ToString();
  EXPECT_NE(txn.status().message().find("locked"), std::string::npos);
  EXPECT_NE(txn.status().message().find(DbPath()), std::string::npos);
  // Reads still work in WAL mode.
  auto found = (*store)->FindRepository("photos");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ((*found)->id, repo);

  ASSERT_EQ(other.Exec("COMMIT"), SQLITE_OK);
  EXPECT_TRUE((*store)->Begin().ok());
}

TEST_F(SqliteCatalogTest, SecondWriterInProcessWaitsThenIsUnavailable) {
  auto store = OpenSqliteCatalog(DbPath(), {.busy_timeout_ms = 50});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto first = (*store)->Begin();
  ASSERT_TRUE(first.ok());
  Status second_status;
  std::thread t([&] { second_status = (*store)->Begin().status(); });
  t.join();
  EXPECT_EQ(second_status.code(), StatusCode::kUnavailable)
      << second_status.ToString();
  EXPECT_NE(second_status.message().find("locked"), std::string::npos);
  first->reset();  // rolls back and frees the writer
  EXPECT_TRUE((*store)->Begin().ok());
}

TEST_F(SqliteCatalogTest, ReadsProceedWhileAnotherThreadHoldsATransaction) {
  auto store = OpenSqliteCatalog(DbPath());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const int64_t repo = AddRepository(**store, "photos");
  std::atomic<bool> holding{false};
  std::atomic<bool> release{false};
  Status writer_status;
  std::thread writer([&] {
    auto txn = (*store)->Begin();
    if (!txn.ok()) {
      writer_status = txn.status();
      holding = true;
      return;
    }
    std::vector<FileRecord> records;
    for (int i = 0; i < 1000; ++i) {
      records.push_back(MakeRecord(repo, "f" + std::to_string(i)));
    }
    writer_status = (*txn)->InsertRecords(records);
    holding = true;
    while (!release) std::this_thread::yield();
    if (writer_status.ok()) writer_status = (*txn)->Commit();
  });
  while (!holding) std::this_thread::yield();
  for (int i = 0; i < 20; ++i) {
    auto page = (*store)->ReadRecords(Range(repo), 100);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_TRUE(page->empty());
  }
  release = true;
  writer.join();
  ASSERT_TRUE(writer_status.ok()) << writer_status.ToString();
  auto totals = (*store)->Totals(repo);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 1000);
}

bool HasInodeIndex(const std::string& db_path) {
  RawDb raw(db_path);
  return raw.QueryInt(
             "SELECT count(*) FROM sqlite_master WHERE name = "
             "'file_records_inode'") == 1;
}

TEST_F(SqliteCatalogTest, BulkLoadSuspendsTheInodeIndexAndRebuildsIt) {
  auto store = OpenSqliteCatalog(DbPath());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE(HasInodeIndex(DbPath()));
  ASSERT_TRUE((*store)->BeginBulkLoad().ok());
  EXPECT_FALSE(HasInodeIndex(DbPath()));
  ASSERT_TRUE((*store)->EndBulkLoad().ok());
  EXPECT_TRUE(HasInodeIndex(DbPath()));
}

TEST_F(SqliteCatalogTest, BulkLoadCutShortIsRepairedOnOpen) {
  {
    auto store = OpenSqliteCatalog(DbPath());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->BeginBulkLoad().ok());
    // The process "dies" here: no EndBulkLoad.
  }
  ASSERT_FALSE(HasInodeIndex(DbPath()));
  auto reopened = OpenSqliteCatalog(DbPath());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_TRUE(HasInodeIndex(DbPath()));
}

// A catalog file as tidemark left it at schema `version` (1 to 4), with one
// repository and one operation in it.
void WriteOldCatalog(const std::string& path, int version) {
  RawDb raw(path);
  ASSERT_EQ(raw.Exec(SchemaSqlUpTo(version, false)), SQLITE_OK) << raw.Error();
  ASSERT_EQ(raw.Exec("INSERT INTO repositories (name, url, state, "
                     "created_at, updated_at) VALUES ('old', 'file:///old', "
                     "'online', 1, 2); INSERT INTO sync_operations "
                     "(repository_id, operation_type, start_time, status) "
                     "SELECT id, 'startup', 5, 'completed' FROM repositories"),
            SQLITE_OK);
}

TEST_F(SqliteCatalogTest, OlderCatalogsAreMigratedForwardKeepingTheirData) {
  for (int version : {1, 2, 3, 4}) {
    SCOPED_TRACE("from v" + std::to_string(version));
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(DbPath() + suffix);
    }
    WriteOldCatalog(DbPath(), version);
    auto store = OpenSqliteCatalog(DbPath());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
    auto repo = (*store)->FindRepository("old");
    ASSERT_TRUE(repo.ok() && repo->has_value()) << repo.status().ToString();
    const int64_t id = (*repo)->id;
    auto ops = (*store)->ListOperations(id, 10);
    ASSERT_TRUE(ops.ok()) << ops.status().ToString();
    EXPECT_EQ(ops->size(), 1u);

    // v3: the watch status and the mailbox work on the old repository.
    auto txn = (*store)->Begin();
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    WatchStatus watch;
    watch.repository_id = id;
    watch.mode = WatchMode::kWatching;
    ASSERT_TRUE((*txn)->PutWatchStatus(watch).ok());
    SyncRequest request;
    request.repository_id = id;
    auto request_id = (*txn)->InsertRequest(request);
    ASSERT_TRUE(request_id.ok()) << request_id.status().ToString();
    ASSERT_TRUE((*txn)->Commit().ok());
    auto watches = (*store)->ListWatchStatuses();
    ASSERT_TRUE(watches.ok()) << watches.status().ToString();
    ASSERT_EQ(watches->size(), 1u);
    EXPECT_EQ((*watches)[0].mode, WatchMode::kWatching);
    auto pending = (*store)->ListRequests(id, true);
    ASSERT_TRUE(pending.ok()) << pending.status().ToString();
    ASSERT_EQ(pending->size(), 1u);
    EXPECT_EQ((*pending)[0].id, *request_id);
    store->reset();

    RawDb raw(DbPath());
    EXPECT_EQ(raw.QueryInt("SELECT count(*) FROM schema_version"),
              LatestSchemaVersion());
  }
}

TEST_F(SqliteCatalogTest, UnknownWatchModeOrRequestTypeIsDataLoss) {
  int64_t id = 0;
  {
    auto store = OpenSqliteCatalog(DbPath());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    id = AddRepository(**store, "photos");
  }
  {
    RawDb raw(DbPath());
    ASSERT_EQ(raw.Exec("INSERT INTO repository_watch (repository_id, mode, "
                       "updated_at_ns) VALUES (" +
                       std::to_string(id) +
                       ", 'hovering', 1); INSERT INTO sync_requests "
                       "(repository_id, type, requested_at_ns) VALUES (" +
                       std::to_string(id) + ", 'teleport', 1)"),
              SQLITE_OK);
  }
  auto store = OpenSqliteCatalog(DbPath());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto watches = (*store)->ListWatchStatuses();
  EXPECT_EQ(watches.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(watches.status().message().find("hovering"), std::string::npos)
      << watches.status().message();
  auto requests = (*store)->ListRequests(0, false);
  EXPECT_EQ(requests.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(requests.status().message().find("teleport"), std::string::npos)
      << requests.status().message();
}

}  // namespace
}  // namespace tidemark
