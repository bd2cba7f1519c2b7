// PostgreSQL-specific behaviour of the catalog: what users see when the URL,
// the server or the schema is wrong, migrations, concurrent opens,
// connection loss, and raw bytes through binary COPY. The shared contract is
// in catalog_contract_test.cc, which runs over this store too.
//
// Tests that need a server skip (with the reason CI fails on) when
// TIDEMARK_TEST_PG_URL is unset; the URL-only ones always run.
#include "catalog/postgres/postgres_catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog_test_util.h"
#include "catalog/migrations.h"
#include "testing/postgres_test_database.h"

namespace tidemark {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::string_literals;

constexpr char kSecret[] = "Zx9-very-secret";

#define SKIP_WITHOUT_POSTGRES()                                  \
  do {                                                           \
    if (!PostgresTestUrl()) GTEST_SKIP() << kPostgresSkipReason; \
  } while (false)

// `url` (postgresql://user:password@host:port/db...) with another password
// or database name.
std::string WithPassword(const std::string& url, const std::string& password) {
  const size_t start = url.find("://") + 3;
  const size_t at = url.find('@', start);
  const size_t colon = url.find(':', start);
  return url.substr(0, colon + 1) + password + url.substr(at);
}
std::string WithDatabase(const std::string& url, const std::string& db) {
  const size_t slash = url.find('/', url.find('@'));
  const size_t end = url.find('?', slash);
  return url.substr(0, slash + 1) + db +
         (end == std::string::npos ? "" : url.substr(end));
}

Status OpenStatus(const std::string& url,
                  const PostgresCatalogOptions& options = {}) {
  auto store = OpenPostgresCatalog(url, options);
  return store.ok() ? Status::Ok() : store.status();
}

int64_t CountRows(const std::string& url, const std::string& sql) {
  auto rows = RunSql(url, sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() && !rows->empty() ? std::stoll((*rows)[0][0]) : -1;
}

TEST(PostgresUrlTest, RecognizesBothSchemes) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://h/db"));
  EXPECT_TRUE(IsPostgresUrl("postgres://h/db"));
  EXPECT_FALSE(IsPostgresUrl("/var/lib/tidemark.db"));
  EXPECT_FALSE(IsPostgresUrl("postgresql:/h"));
  EXPECT_FALSE(IsPostgresUrl("file:///x"));
}

TEST(PostgresUrlTest, RedactsEveryPassword) {
  EXPECT_EQ(RedactPostgresUrl("postgresql://u:pw@h:5432/db"),
            "postgresql://u:***@h:5432/db");
  EXPECT_EQ(RedactPostgresUrl("postgres://u:p%40ss@w@h/db?sslmode=require"),
            "postgres://u:***@h/db?sslmode=require");
  EXPECT_EQ(
      RedactPostgresUrl("postgresql://h/db?user=u&password=pw&sslpassword=x"),
      "postgresql://h/db?user=u&password=***&sslpassword=***");
  EXPECT_EQ(RedactPostgresUrl("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(RedactPostgresUrl("postgresql://h/a@b"), "postgresql://h/a@b");
}

TEST(PostgresOpenTest, MalformedUrlIsInvalidArgumentWithoutThePassword) {
  for (const std::string& url :
       {"postgresql://tidemark:"s + kSecret + "@127.0.0.1:notaport/db",
        "postgresql://tidemark:%zz"s + kSecret + "@127.0.0.1/db",
        "postgresql://tidemark:"s + kSecret + "@127.0.0.1/db?nosuchoption=1",
        "mysql://tidemark:"s + kSecret + "@127.0.0.1/db"}) {
    Status s = OpenStatus(url);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    EXPECT_THAT(s.message(), AllOf(HasSubstr("***"), Not(HasSubstr(kSecret)),
                                   HasSubstr("postgresql://USER:PASSWORD@")))
        << url;
  }
}

TEST(PostgresOpenTest, RefusedConnectionIsUnavailableAndSaysWhere) {
  const int port = FreeLoopbackPort();
  ASSERT_GT(port, 0);
  const std::string url = "postgresql://tidemark:"s + kSecret +
                          "@127.0.0.1:" + std::to_string(port) + "/db";
  Status s = OpenStatus(url);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_THAT(s.message(),
              AllOf(HasSubstr("could not connect to PostgreSQL at 127.0.0.1:" +
                              std::to_string(port)),
                    HasSubstr("connection refused; is the server running"),
                    HasSubstr("tidemark:***@"), Not(HasSubstr(kSecret))));
}

TEST(PostgresOpenTest, WrongPasswordIsPermissionDenied) {
  SKIP_WITHOUT_POSTGRES();
  Status s = OpenStatus(WithPassword(*PostgresTestUrl(), kSecret));
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  EXPECT_THAT(s.message(),
              AllOf(HasSubstr("user 'tidemark'"), HasSubstr("~/.pgpass"),
                    HasSubstr("***"), Not(HasSubstr(kSecret))));
}

TEST(PostgresOpenTest, UnknownDatabaseIsNotFoundAndSaysHowToCreateIt) {
  SKIP_WITHOUT_POSTGRES();
  Status s = OpenStatus(WithDatabase(*PostgresTestUrl(), "no_such_catalog"));
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
  EXPECT_THAT(s.message(),
              AllOf(HasSubstr("'no_such_catalog' does not exist"),
                    HasSubstr("createdb"), Not(HasSubstr(":tidemark@"))));
}

class PostgresSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_POSTGRES();
    auto schema = PostgresTestSchema::Create();
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    schema_ = std::move(schema).value();
  }

  // Runs SQL in the test schema.
  void Sql(const std::string& sql) {
    auto done = RunSql(schema_->url(), sql);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
  }

  std::unique_ptr<CatalogStore> Open(PostgresCatalogOptions options = {}) {
    auto store = OpenPostgresCatalog(schema_->url(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::unique_ptr<PostgresTestSchema> schema_;
};

TEST_F(PostgresSchemaTest, NewerSchemaIsRefusedWithoutWriting) {
  ASSERT_NE(Open(), nullptr);
  const int newer = LatestSchemaVersion() + 1;
  Sql("INSERT INTO schema_version VALUES (" + std::to_string(newer) +
      ", 'from the future')");
  Status s = OpenStatus(schema_->url());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_THAT(
      s.message(),
      HasSubstr("catalog schema v" + std::to_string(newer) +
                " is newer than this tidemark (v" +
                std::to_string(LatestSchemaVersion()) + "); upgrade tidemark"));
  EXPECT_EQ(CountRows(schema_->url(), "SELECT count(*) FROM schema_version"),
            newer);
}

TEST_F(PostgresSchemaTest, ForeignVersionTableIsRefusedWithoutWriting) {
  Sql("CREATE TABLE schema_version (id serial, applied text)");
  Status s = OpenStatus(schema_->url());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_THAT(s.message(), AllOf(HasSubstr("did not write"),
                                 HasSubstr("empty database or schema")));
  EXPECT_EQ(CountRows(schema_->url(),
                      "SELECT count(*) FROM pg_tables WHERE schemaname = '" +
                          schema_->name() + "'"),
            1);
}

TEST_F(PostgresSchemaTest, GarbageVersionRowsAreRefused) {
  Sql("CREATE TABLE schema_version (version integer PRIMARY KEY, "
      "description text NOT NULL); INSERT INTO schema_version VALUES "
      "(1, 'users and groups')");
  Status s = OpenStatus(schema_->url());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("'users and groups'"));
  Sql("DELETE FROM schema_version");
  s = OpenStatus(schema_->url());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("empty"));
}

TEST_F(PostgresSchemaTest, TakenTableNameIsRefusedWithoutWriting) {
  Sql("CREATE TABLE repositories (id int)");
  Status s = OpenStatus(schema_->url());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("already has a table"));
  EXPECT_EQ(CountRows(schema_->url(),
                      "SELECT count(*) FROM pg_tables WHERE schemaname = '" +
                          schema_->name() + "'"),
            1);
}

TEST_F(PostgresSchemaTest, OlderSchemaIsMigratedForward) {
  const Migration& v1 = AllMigrations()[0];
  Sql(std::string(v1.postgres_sql) +
      "; INSERT INTO schema_version VALUES (1, '" +
      std::string(v1.description) +
      "'); INSERT INTO repositories (name, url, state, created_at, "
      "updated_at) VALUES ('old', 'file:///old', 'online', 1, 2); "
      "INSERT INTO sync_operations (repository_id, operation_type, "
      "start_time, status) SELECT id, 'startup', 5, 'completed' FROM "
      "repositories");
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), LatestSchemaVersion());
  auto repo = store->FindRepository("old");
  ASSERT_TRUE(repo.ok() && repo->has_value()) << repo.status().ToString();
  auto ops = store->ListOperations((*repo)->id, 10);
  ASSERT_TRUE(ops.ok()) << ops.status().ToString();
  ASSERT_EQ(ops->size(), 1u);
  EXPECT_EQ((*ops)[0].worker, "");
  auto lease = store->AcquireLease((*repo)->id, "worker-a", 60'000);
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  EXPECT_TRUE(lease->acquired);
}

TEST_F(PostgresSchemaTest, V2SchemaIsMigratedToV3) {
  std::string sql;
  for (int v = 1; v <= 2; ++v) {
    const Migration& m = AllMigrations()[v - 1];
    sql += std::string(m.postgres_sql) +
           "; INSERT INTO schema_version VALUES (" + std::to_string(v) + ", '" +
           std::string(m.description) + "');";
  }
  Sql(sql +
      "INSERT INTO repositories (name, url, state, created_at, updated_at) "
      "VALUES ('old', 'file:///old', 'online', 1, 2)");
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(CountRows(schema_->url(), "SELECT count(*) FROM schema_version"),
            LatestSchemaVersion());
  auto repo = store->FindRepository("old");
  ASSERT_TRUE(repo.ok() && repo->has_value()) << repo.status().ToString();
  auto txn = store->Begin();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  WatchStatus watch;
  watch.repository_id = (*repo)->id;
  watch.mode = WatchMode::kDegraded;
  watch.reason = "raise fs.inotify.max_user_watches";
  ASSERT_TRUE((*txn)->PutWatchStatus(watch).ok());
  SyncRequest request;
  request.repository_id = (*repo)->id;
  ASSERT_TRUE((*txn)->InsertRequest(request).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  auto watches = store->ListWatchStatuses();
  ASSERT_TRUE(watches.ok()) << watches.status().ToString();
  ASSERT_EQ(watches->size(), 1u);
  EXPECT_EQ((*watches)[0].reason, watch.reason);
  auto pending = store->ListRequests((*repo)->id, true);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_EQ(pending->size(), 1u);

  // A mode or type written by a newer tidemark is DataLoss, not a guess.
  Sql("UPDATE repository_watch SET mode = 'hovering'; UPDATE sync_requests "
      "SET type = 'teleport'");
  watches = store->ListWatchStatuses();
  EXPECT_EQ(watches.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(watches.status().message(), HasSubstr("hovering"));
  pending = store->ListRequests(0, false);
  EXPECT_EQ(pending.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(pending.status().message(), HasSubstr("teleport"));
}

TEST_F(PostgresSchemaTest, ConcurrentOpensOfAFreshSchemaAllSucceed) {
  constexpr int kOpeners = 4;
  std::vector<Status> results(kOpeners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] { results[i] = OpenStatus(schema_->url()); });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(CountRows(schema_->url(), "SELECT count(*) FROM schema_version"),
            LatestSchemaVersion());
}

class PostgresConnectionLossTest : public PostgresSchemaTest {
 protected:
  void SetUp() override {
    PostgresSchemaTest::SetUp();
    if (schema_ == nullptr) return;
    options_.application_name = "tm-" + schema_->name();
    store_ = Open(options_);
    ASSERT_NE(store_, nullptr);
    repo_ = AddRepository(*store_, "photos");
  }

  // Terminates this store's sessions whose state matches `state` (a LIKE
  // pattern) and returns how many there were.
  int64_t Kill(const std::string& state) {
    return CountRows(
        schema_->url(),
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
        "application_name = '" +
            options_.application_name + "' AND state LIKE '" + state + "'");
  }

  PostgresCatalogOptions options_;
  std::unique_ptr<CatalogStore> store_;
  int64_t repo_ = 0;
};

TEST_F(PostgresConnectionLossTest, KilledTransactionIsUnavailableAndLost) {
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  std::vector<FileRecord> first = {MakeRecord(repo_, "first")};
  ASSERT_TRUE((*txn)->InsertRecords(first).ok());
  ASSERT_EQ(Kill("idle in transaction%"), 1);

  std::vector<FileRecord> second = {MakeRecord(repo_, "second")};
  Status s = (*txn)->InsertRecords(second);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_THAT(s.message(),
              AllOf(HasSubstr("lost the connection"), HasSubstr(":***@")));
  Status commit = (*txn)->Commit();
  EXPECT_EQ(commit.code(), StatusCode::kUnavailable) << commit.ToString();
  txn->reset();
  auto totals = store_->Totals(repo_);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  EXPECT_EQ(totals->files, 0);

  // The next Begin reconnects.
  std::vector<FileRecord> third = {MakeRecord(repo_, "third")};
  AddRecords(*store_, third);
  auto all = store_->ReadRecords(Range(repo_), 10);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(Paths(*all), (std::vector<std::string>{"third"}));
}

TEST_F(PostgresConnectionLossTest, KilledBeforeCommitIsUnavailableAndLost) {
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  std::vector<FileRecord> records = {MakeRecord(repo_, "a")};
  ASSERT_TRUE((*txn)->InsertRecords(records).ok());
  ASSERT_EQ(Kill("idle in transaction%"), 1);
  Status commit = (*txn)->Commit();
  EXPECT_EQ(commit.code(), StatusCode::kUnavailable) << commit.ToString();
  txn->reset();
  auto found = store_->FindRecord(repo_, "a");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_FALSE(found->has_value());
  EXPECT_TRUE(store_->Begin().ok());
}

TEST_F(PostgresConnectionLossTest, IdleSessionsThatDiedAreReplaced) {
  // Every idle session: the reader, the writer and the lease connection.
  ASSERT_TRUE(store_->AcquireLease(repo_, "worker-a", 60'000).ok());
  ASSERT_EQ(Kill("idle"), 3);
  // Reads, writes and leases work again without an error surfacing: a
  // session found dead before anything was done on it is simply replaced.
  auto repos = store_->ListRepositories();
  ASSERT_TRUE(repos.ok()) << repos.status().ToString();
  EXPECT_EQ(repos->size(), 1u);
  std::vector<FileRecord> records = {MakeRecord(repo_, "a")};
  AddRecords(*store_, records);
  auto leases = store_->ListLeases();
  ASSERT_TRUE(leases.ok()) << leases.status().ToString();
  EXPECT_EQ(leases->size(), 1u);
}

TEST_F(PostgresConnectionLossTest, HeartbeatIsNotBlockedByAnOpenFencedWrite) {
  auto lease = store_->AcquireLease(repo_, "worker-a", 60'000);
  ASSERT_TRUE(lease.ok() && lease->acquired) << lease.status().ToString();
  const WriteFence fence{repo_, lease->lease.token};
  auto txn = store_->Begin(fence);
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  std::vector<FileRecord> records = {MakeRecord(repo_, "a")};
  ASSERT_TRUE((*txn)->InsertRecords(records).ok());
  const auto start = std::chrono::steady_clock::now();
  auto renewed = store_->RenewLease(fence, 60'000);
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_TRUE((*txn)->Commit().ok());
}

TEST_F(PostgresConnectionLossTest, StalledFencedWriteDoesNotHoldUpATakeover) {
  // worker-a opened a fenced batch and then stalled (paused, partitioned).
  options_.lock_timeout_ms = 300;
  auto other = Open(options_);
  ASSERT_NE(other, nullptr);
  auto lease = store_->AcquireLease(repo_, "worker-a", 1);
  ASSERT_TRUE(lease.ok() && lease->acquired) << lease.status().ToString();
  auto txn = store_->Begin({repo_, lease->lease.token});
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  std::vector<FileRecord> records = {MakeRecord(repo_, "stalled.jpg")};
  ASSERT_TRUE((*txn)->InsertRecords(records).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // expired

  auto taken = other->AcquireLease(repo_, "worker-b", 60'000);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_TRUE(taken->acquired);
  // worker-a wakes up and commits: refused, and nothing of it lands.
  Status committed = (*txn)->Commit();
  EXPECT_EQ(committed.code(), StatusCode::kAborted) << committed.ToString();
  auto found = other->FindRecord(repo_, "stalled.jpg");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(PostgresSchemaTest, BulkLoadCutShortIsRepairedOnNextOpen) {
  const std::string inode_indexes =
      "SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema_->name() +
      "' AND indexname = 'file_records_inode'";
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const int64_t repo = AddRepository(*store, "photos");
  ASSERT_TRUE(store->BeginBulkLoad().ok());
  EXPECT_EQ(CountRows(schema_->url(), inode_indexes), 0);
  std::vector<FileRecord> records = {MakeRecord(repo, "a")};
  AddRecords(*store, records);
  store.reset();  // as if the process died before EndBulkLoad
  store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(CountRows(schema_->url(), inode_indexes), 1);
  auto found =
      store->FindRecordsByInode(repo, records[0].device, records[0].inode);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->size(), 1u);
}

// file_records has no foreign key; the store's own locking must leave no
// record behind a deleted repository, whichever transaction comes first.
TEST_F(PostgresSchemaTest, DeletingARepositoryWaitsForWritesIntoIt) {
  auto writer = Open();
  auto deleter = Open();
  ASSERT_TRUE(writer != nullptr && deleter != nullptr);
  const int64_t repo = AddRepository(*writer, "photos");
  auto txn = writer->Begin();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  std::vector<FileRecord> records = {MakeRecord(repo, "a"),
                                     MakeRecord(repo, "b")};
  ASSERT_TRUE((*txn)->InsertRecords(records).ok());

  std::atomic<bool> deleted{false};
  Status delete_status = Status::Internal("not run");
  std::thread remover([&] {
    auto del = deleter->Begin();
    delete_status = del.status();
    if (del.ok()) {
      delete_status = (*del)->DeleteRepository(repo);
      if (delete_status.ok()) delete_status = (*del)->Commit();
    }
    deleted = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(deleted.load());  // waits for the insert to end
  ASSERT_TRUE((*txn)->Commit().ok());
  remover.join();
  ASSERT_TRUE(delete_status.ok()) << delete_status.ToString();
  EXPECT_EQ(CountRows(schema_->url(), "SELECT count(*) FROM file_records"), 0);

  // And a write into a repository deleted meanwhile is NotFound.
  const int64_t other = AddRepository(*writer, "music");
  auto del = deleter->Begin();
  ASSERT_TRUE(del.ok());
  ASSERT_TRUE((*del)->DeleteRepository(other).ok());
  Status insert_status = Status::Internal("not run");
  std::thread inserter([&] {
    auto late = writer->Begin();
    insert_status = late.status();
    if (late.ok()) {
      std::vector<FileRecord> more = {MakeRecord(other, "c")};
      insert_status = (*late)->InsertRecords(more);
      if (insert_status.ok()) insert_status = (*late)->Commit();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE((*del)->Commit().ok());
  inserter.join();
  EXPECT_EQ(insert_status.code(), StatusCode::kNotFound)
      << insert_status.ToString();
  EXPECT_EQ(CountRows(schema_->url(), "SELECT count(*) FROM file_records"), 0);
}

TEST_F(PostgresSchemaTest, RawPathsAndUint64InodesRoundTripThroughCopy) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const int64_t repo = AddRepository(*store, "photos");
  std::mt19937_64 random(42);
  std::vector<FileRecord> records;
  for (int i = 0; i < 3000; ++i) {
    std::string path = "d" + std::to_string(i % 13) + "/";
    for (int j = 0; j < 1 + i % 9; ++j) {
      path.push_back(static_cast<char>(1 + random() % 255));  // no NUL
    }
    path += std::to_string(i);
    FileRecord r = MakeRecord(repo, path);
    r.inode = random() | (uint64_t{1} << 63);
    r.device = ~uint64_t{0} - static_cast<uint64_t>(i);
    if (i % 3 == 0) r.content_hash = "\0\xff\x80"s + std::to_string(i);
    records.push_back(std::move(r));
  }
  AddRecords(*store, records);
  std::sort(
      records.begin(), records.end(),
      [](const FileRecord& a, const FileRecord& b) { return a.path < b.path; });
  std::vector<FileRecord> read;
  RecordRange range = Range(repo);
  for (;;) {
    auto page = store->ReadRecords(range, 1000);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    range.after = page->back().path;
    read.insert(read.end(), page->begin(), page->end());
  }
  ASSERT_EQ(read.size(), records.size());
  for (size_t i = 0; i < read.size(); ++i)
    ExpectSameRecord(read[i], records[i]);
  auto by_inode =
      store->FindRecordsByInode(repo, records[7].device, records[7].inode);
  ASSERT_TRUE(by_inode.ok()) << by_inode.status().ToString();
  ASSERT_EQ(by_inode->size(), 1u);
  ExpectSameRecord((*by_inode)[0], records[7]);
}

}  // namespace
}  // namespace tidemark
