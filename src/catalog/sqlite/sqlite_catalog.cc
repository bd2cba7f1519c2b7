#include "catalog/sqlite/sqlite_catalog.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <string>
#include <utility>

#include "catalog/migrations.h"
#include "catalog/sqlite/sqlite_connection.h"
#include "catalog/sqlite/sqlite_entities.h"
#include "catalog/sqlite/sqlite_error.h"
#include "catalog/sqlite/sqlite_file_check.h"
#include "catalog/sqlite/sqlite_leases.h"
#include "catalog/sqlite/sqlite_reader_pool.h"
#include "catalog/sqlite/sqlite_record_reads.h"
#include "catalog/sqlite/sqlite_schema.h"
#include "catalog/sqlite/sqlite_transaction.h"
#include "catalog/sqlite/sqlite_watch.h"

namespace tidemark {
namespace {

// Reads allocate at most this many records up front; larger pages grow.
constexpr size_t kMaxReserve = 8192;
// Read connections open at once, at most; they are opened only when that
// many threads read at the same time (the HTTP server's: [serve] threads,
// default 32). A thread that finds none free waits, and with 2 cores and 64
// server threads a pool of 4 made those waits the tail of the latency: p99
// of a file page 48-55 ms, against 14-19 ms with a connection per thread.
// Each keeps a small page cache of its own (2 MiB); the OS caches the file.
constexpr size_t kMaxReaders = 64;
constexpr const char* kReaderSetup =
    "PRAGMA query_only = ON; PRAGMA cache_size = -2048";

// A read connection. It opens read-write only so that it can map the WAL
// index; it never writes (query_only).
Result<std::unique_ptr<SqliteConnection>> OpenReader(const std::string& path,
                                                     int busy_timeout_ms) {
  ASSIGN_OR_RETURN(
      auto reader,
      SqliteConnection::Open(path, SQLITE_OPEN_READWRITE, busy_timeout_ms));
  RETURN_IF_ERROR(reader->Exec(kReaderSetup, "configuring a catalog reader"));
  return reader;
}

class SqliteCatalog final : public CatalogStore {
 public:
  // A null `writer`: opened for reading only.
  SqliteCatalog(std::string path, std::unique_ptr<SqliteConnection> writer,
                std::unique_ptr<SqliteConnection> stamp_reader,
                std::unique_ptr<SqliteConnection> first_reader,
                SqliteReaderPool::Opener open_reader, int schema_version,
                Clock& clock)
      : path_(std::move(path)),
        schema_version_(schema_version),
        clock_(clock),
        writer_(std::move(writer)),
        stamp_reader_(std::move(stamp_reader)),
        readers_(std::move(first_reader), std::move(open_reader), kMaxReaders) {
  }

  int SchemaVersion() const override { return schema_version_; }
  Result<Lease> RenewLease(const WriteFence& fence, int64_t ttl_ms) override;
  Status ReleaseLease(const WriteFence& fence) override;
  Result<std::vector<Lease>> ListLeases() override;
  Result<std::optional<Repository>> FindRepository(
      std::string_view name) override;
  Result<std::vector<Repository>> ListRepositories() override;
  Result<std::vector<FileRecord>> ReadRecords(const RecordRange& range,
                                              size_t limit) override;
  Result<std::optional<FileRecord>> FindRecord(int64_t repository_id,
                                               std::string_view path) override;
  Result<std::vector<FileRecord>> FindRecordsByInode(int64_t repository_id,
                                                     uint64_t device,
                                                     uint64_t inode) override;
  Result<std::vector<Entity>> ListEntities(const EntityQuery& q) override {
    ASSIGN_OR_RETURN(auto reader, readers_.Take());
    return SqliteListEntities(*reader, q);
  }
  Result<RepositoryTotals> Totals(int64_t repository_id) override;
  Result<int64_t> ChangeStamp() override;
  Result<std::vector<SyncOperation>> ListOperations(int64_t repository_id,
                                                    size_t limit) override;
  Result<std::vector<WatchStatus>> ListWatchStatuses() override {
    ASSIGN_OR_RETURN(auto reader, readers_.Take());
    return SqliteListWatchStatuses(*reader);
  }
  Result<std::vector<SyncRequest>> ListRequests(int64_t repository_id,
                                                bool pending_only) override {
    ASSIGN_OR_RETURN(auto reader, readers_.Take());
    return SqliteListRequests(*reader, repository_id, pending_only);
  }
  Result<std::optional<SyncRequest>> FindRequest(int64_t id) override {
    ASSIGN_OR_RETURN(auto reader, readers_.Take());
    return SqliteFindRequest(*reader, id);
  }
  Status BeginBulkLoad() override;
  Status EndBulkLoad() override;

 protected:
  Result<std::unique_ptr<CatalogTransaction>> BeginTransaction(
      const WriteFence* fence) override;
  Result<LeaseAcquisition> ClaimLease(int64_t repository_id,
                                      const LeaseClaim& claim,
                                      int64_t ttl_ms) override;

 private:
  // Locks the writer like Begin does; Unavailable after the busy timeout,
  // PermissionDenied when the catalog was opened for reading only.
  Result<std::unique_lock<std::timed_mutex>> LockWriter();

  const std::string path_;
  const int schema_version_;
  Clock& clock_;  // lease times
  // Held by a SqliteTransaction from Begin until Commit or destruction.
  std::timed_mutex writer_mu_;
  std::unique_ptr<SqliteConnection> writer_;  // guarded by writer_mu_; may
                                              // be null (read_only)
  std::mutex stamp_mu_;
  std::unique_ptr<SqliteConnection> stamp_reader_;  // guarded by stamp_mu_
  SqliteReaderPool readers_;
  bool indexes_suspended_ = false;  // guarded by writer_mu_
};

// Rebuilding the inode index reads every record of every repository, so a
// bulk load suspends it only while the catalog is this small.
constexpr int64_t kBulkLoadMaxExistingRecords = 100'000;

Result<std::unique_lock<std::timed_mutex>> SqliteCatalog::LockWriter() {
  if (writer_ == nullptr) {
    return Status::PermissionDenied(
        path_ +
        " was opened for reading only: this command does not write the "
        "catalog (a bug if it tried)");
  }
  std::unique_lock<std::timed_mutex> lock(writer_mu_, std::defer_lock);
  const int timeout_ms = writer_->busy_timeout_ms();
  if (!lock.try_lock_for(std::chrono::milliseconds(timeout_ms))) {
    return Status::Unavailable(
        writer_->path() +
        " is locked by another transaction in this process (waited " +
        std::to_string(timeout_ms) + " ms): retry when it finishes");
  }
  return lock;
}

Status SqliteCatalog::BeginBulkLoad() {
  ASSIGN_OR_RETURN(auto lock, LockWriter());
  if (indexes_suspended_) return Status::Ok();
  int64_t existing = 0;
  {
    // Finalized before the DROP, which a pending statement would block.
    ASSIGN_OR_RETURN(SqliteStatement count,
                     writer_->Prepare("SELECT count(*) FROM (SELECT 1 FROM "
                                      "file_records LIMIT ?1)"));
    count.BindInt64(1, kBulkLoadMaxExistingRecords + 1);
    if (const int rc = count.Step(); rc != SQLITE_ROW) {
      return writer_->Error(rc, "counting records before a bulk load");
    }
    existing = count.ColumnInt64(0);
  }
  if (existing > kBulkLoadMaxExistingRecords) return Status::Ok();
  RETURN_IF_ERROR(SuspendIndexes(*writer_));
  indexes_suspended_ = true;
  return Status::Ok();
}

Status SqliteCatalog::EndBulkLoad() {
  ASSIGN_OR_RETURN(auto lock, LockWriter());
  if (!indexes_suspended_) return Status::Ok();
  RETURN_IF_ERROR(EnsureIndexes(*writer_));
  indexes_suspended_ = false;
  return Status::Ok();
}

Result<std::unique_ptr<CatalogTransaction>> SqliteCatalog::BeginTransaction(
    const WriteFence* fence) {
  ASSIGN_OR_RETURN(auto lock, LockWriter());
  RETURN_IF_ERROR(
      writer_->Run(SqlId::kBeginImmediate, "starting a write transaction"));
  auto txn =
      std::make_unique<SqliteTransaction>(writer_.get(), std::move(lock));
  // Under BEGIN IMMEDIATE no other writer, and so no takeover, can run until
  // this transaction ends: checking once at the start fences all of it.
  if (fence != nullptr) RETURN_IF_ERROR(SqliteCheckFence(*writer_, *fence));
  return std::unique_ptr<CatalogTransaction>(std::move(txn));
}

Result<LeaseAcquisition> SqliteCatalog::ClaimLease(int64_t repository_id,
                                                   const LeaseClaim& claim,
                                                   int64_t ttl_ms) {
  ASSIGN_OR_RETURN(auto lock, LockWriter());
  return SqliteAcquireLease(*writer_, repository_id, claim, ttl_ms,
                            clock_.NowNanos());
}

Result<Lease> SqliteCatalog::RenewLease(const WriteFence& fence,
                                        int64_t ttl_ms) {
  ASSIGN_OR_RETURN(auto lock, LockWriter());
  return SqliteRenewLease(*writer_, fence, ttl_ms, clock_.NowNanos());
}

Status SqliteCatalog::ReleaseLease(const WriteFence& fence) {
  ASSIGN_OR_RETURN(auto lock, LockWriter());
  return SqliteReleaseLease(*writer_, fence, clock_.NowNanos());
}

Result<std::vector<Lease>> SqliteCatalog::ListLeases() {
  ASSIGN_OR_RETURN(auto reader, readers_.Take());
  return SqliteListLeases(*reader, clock_.NowNanos());
}

Result<std::optional<Repository>> SqliteCatalog::FindRepository(
    std::string_view name) {
  ASSIGN_OR_RETURN(auto reader, readers_.Take());
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   reader->Statement(SqlId::kFindRepository));
  ScopedReset reset(stmt);
  stmt->BindText(1, name);
  int rc = stmt->Step();
  if (rc == SQLITE_DONE) return std::optional<Repository>();
  if (rc != SQLITE_ROW) {
    return reader->Error(rc, "finding repository '" + std::string(name) + "'");
  }
  Repository repo;
  RETURN_IF_ERROR(ReadRepositoryRow(*stmt, &repo));
  return std::optional<Repository>(std::move(repo));
}

Result<std::vector<Repository>> SqliteCatalog::ListRepositories() {
  ASSIGN_OR_RETURN(auto reader, readers_.Take());
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   reader->Statement(SqlId::kListRepositories));
  ScopedReset reset(stmt);
  std::vector<Repository> out;
  int rc;
  while ((rc = stmt->Step()) == SQLITE_ROW) {
    RETURN_IF_ERROR(ReadRepositoryRow(*stmt, &out.emplace_back()));
  }
  if (rc != SQLITE_DONE) return reader->Error(rc, "listing repositories");
  return out;
}

Result<std::vector<FileRecord>> SqliteCatalog::ReadRecords(
    const RecordRange& range, size_t limit) {
  std::vector<FileRecord> out;
  if (limit == 0) return out;
  out.reserve(std::min(limit, kMaxReserve));
  ASSIGN_OR_RETURN(auto reader, readers_.Take());
  if (range.scope.empty()) {
    RETURN_IF_ERROR(SqliteReadRecords(*reader, range, limit, &out));
    return out;
  }
  // Two statements: one snapshot, so a concurrent move cannot show a record
  // twice or not at all.
  RETURN_IF_ERROR(reader->Run(SqlId::kBeginRead, "starting a read"));
  Status status = SqliteReadRecords(*reader, range, limit, &out);
  Status end = reader->Run(SqlId::kCommit, "ending a read");
  if (!status.ok()) return status;
  if (!end.ok()) return end;
  return out;
}

Result<std::optional<FileRecord>> SqliteCatalog::FindRecord(
    int64_t repository_id, std::string_view path) {
  ASSIGN_OR_RETURN(auto reader, readers_.Take());
  return SqliteFindRecord(*reader, repository_id, path);
}

Result<std::vector<FileRecord>> SqliteCatalog::FindRecordsByInode(
    int64_t repository_id, uint64_t device, uint64_t inode) {
  ASSIGN_OR_RETURN(auto reader, readers_.Take());
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   reader->Statement(SqlId::kFindRecordsByInode));
  ScopedReset reset(stmt);
  stmt->BindInt64(1, repository_id);
  stmt->BindUint64(2, inode);
  stmt->BindUint64(3, device);
  std::vector<FileRecord> out;
  RETURN_IF_ERROR(
      SqliteCollectRecords(*reader, stmt, "finding records by inode", &out));
  return out;
}

// PRAGMA data_version on a connection of its own: it changes whenever
// another connection commits, and every write, this process's included, is
// made on another connection (the stamp reader is query_only). The value
// is per connection, so it always comes from this one.
Result<int64_t> SqliteCatalog::ChangeStamp() {
  std::lock_guard<std::mutex> lock(stamp_mu_);
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   stamp_reader_->Statement(SqlId::kDataVersion));
  ScopedReset reset(stmt);
  int rc = stmt->Step();
  if (rc != SQLITE_ROW) return stamp_reader_->Error(rc, "reading data_version");
  return stmt->ColumnInt64(0);
}

Result<RepositoryTotals> SqliteCatalog::Totals(int64_t repository_id) {
  ASSIGN_OR_RETURN(auto reader, readers_.Take());
  ASSIGN_OR_RETURN(SqliteStatement * stmt, reader->Statement(SqlId::kTotals));
  ScopedReset reset(stmt);
  stmt->BindInt64(1, repository_id);
  stmt->BindText(2, RecordStateName(RecordState::kPresent));
  stmt->BindText(3, RecordStateName(RecordState::kMissing));
  stmt->BindText(4, RecordStateName(RecordState::kOffline));
  int rc = stmt->Step();
  if (rc != SQLITE_ROW) return reader->Error(rc, "counting records");
  RepositoryTotals totals;
  totals.files = stmt->ColumnInt64(0);
  totals.bytes = stmt->ColumnInt64(1);
  totals.present = stmt->ColumnInt64(2);
  totals.missing = stmt->ColumnInt64(3);
  totals.offline = stmt->ColumnInt64(4);
  return totals;
}

Result<std::vector<SyncOperation>> SqliteCatalog::ListOperations(
    int64_t repository_id, size_t limit) {
  ASSIGN_OR_RETURN(auto reader, readers_.Take());
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   reader->Statement(SqlId::kListOperations));
  ScopedReset reset(stmt);
  stmt->BindInt64(1, repository_id);
  stmt->BindInt64(2, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  std::vector<SyncOperation> out;
  int rc;
  while ((rc = stmt->Step()) == SQLITE_ROW) {
    RETURN_IF_ERROR(ReadOperationRow(*stmt, &out.emplace_back()));
  }
  if (rc != SQLITE_DONE) return reader->Error(rc, "listing operations");
  return out;
}

// Why `path` (which SQLite would not let this process write) cannot be
// written, in words: the file, or its directory, where PATH-wal and PATH-shm
// must be created.
std::string WhyNotWritable(const std::string& path) {
  if (access(path.c_str(), W_OK) != 0 && errno == EACCES) {
    return "the file is read-only for this user";
  }
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    return "its directory " + dir +
           " is not writable for this user, and SQLite must create " + path +
           "-wal and " + path + "-shm there";
  }
  return "";
}

// A permission error of a writing open, with the cause and what still works.
Status ExplainReadOnly(const std::string& path, const Status& status) {
  if (!status.IsPermissionDenied() || access(path.c_str(), F_OK) != 0) {
    return status;
  }
  const std::string why = WhyNotWritable(path);
  if (why.empty()) return status;
  return Status::PermissionDenied(
      path + " cannot be written: " + why +
      ". Commands that only read (status, files, history, check) still work; "
      "fix the permissions to scan or write, or pass a different --db (" +
      status.message() + ")");
}

Result<std::unique_ptr<CatalogStore>> OpenForWriting(
    const std::string& path, const SqliteCatalogOptions& options) {
  ASSIGN_OR_RETURN(
      auto writer,
      SqliteConnection::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                             options.busy_timeout_ms));
  if (sqlite3_db_readonly(writer->db(), "main") == 1) {
    return SqliteStatus(SQLITE_READONLY, nullptr, path, "opening the catalog");
  }
  ASSIGN_OR_RETURN(int found_version, ReadSchemaVersion(*writer));
  RETURN_IF_ERROR(CheckSchemaNotNewer(path, found_version));
  RETURN_IF_ERROR(ConfigureWriter(*writer));
  ASSIGN_OR_RETURN(int version, MigrateSchema(*writer));
  // A bulk load cut short by a crash leaves its suspended index missing.
  // Another process may be in the middle of one: then the index is rebuilt
  // by that process, and reads are correct without it meanwhile.
  if (Status s = EnsureIndexes(*writer); !s.ok() && !s.IsUnavailable()) {
    return s;
  }
  ASSIGN_OR_RETURN(auto stamp_reader,
                   OpenReader(path, options.busy_timeout_ms));
  ASSIGN_OR_RETURN(auto first_reader,
                   OpenReader(path, options.busy_timeout_ms));
  const int busy_timeout_ms = options.busy_timeout_ms;
  return std::unique_ptr<CatalogStore>(new SqliteCatalog(
      path, std::move(writer), std::move(stamp_reader), std::move(first_reader),
      [path, busy_timeout_ms] { return OpenReader(path, busy_timeout_ms); },
      version,
      options.clock != nullptr ? *options.clock : SystemClock::Default()));
}

Status NoCatalog(const std::string& path, const std::string& what) {
  return Status::NotFound(
      "no catalog at " + path + " (" + what +
      "); commands that only read never create one: add a repository with "
      "'tidemark --db " +
      path + " repo add NAME PATH' and catalog it with 'tidemark scan'");
}

// True when `path`-wal is absent or holds no frame.
bool WalEmpty(const std::string& path) {
  struct stat st;
  return stat((path + "-wal").c_str(), &st) != 0 || st.st_size == 0;
}

// How a catalog opened for reading is read (see sqlite_catalog.h).
enum class ReadMode {
  // PATH-wal exists (a process has the catalog open): SQLITE_OPEN_READONLY
  // with the usual locks, using the files that are there.
  kShared,
  // Nobody has it open and this process may write the file: opened
  // read-write but query_only, as any client, so that its PATH-wal and
  // PATH-shm go again when it closes. Its close checkpoints nothing: the
  // log it made is empty.
  kQueryOnly,
  // Nobody has it open and this process may not write the file, or cannot
  // create PATH-wal/-shm: immutable, creating nothing. Files it made would
  // be its own and could shut out the catalog's owner, and no reader would
  // remove them.
  kImmutable,
};

ReadMode ChooseReadMode(const std::string& path) {
  struct stat st;
  if (stat((path + "-wal").c_str(), &st) == 0) return ReadMode::kShared;
  return access(path.c_str(), W_OK) == 0 ? ReadMode::kQueryOnly
                                         : ReadMode::kImmutable;
}

// `path` as a URI that opens it immutable (sqlite.org/uri.html): '%', '?'
// and '#' escaped.
std::string ImmutableUri(const std::string& path) {
  std::string uri = path.starts_with("/") ? "file://" : "file:";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20 || c == 0x7f) {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 0xf];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri + "?immutable=1";
}

// A read connection of a catalog opened for reading.
Result<std::unique_ptr<SqliteConnection>> OpenReadOnly(const std::string& path,
                                                       ReadMode mode,
                                                       int busy_timeout_ms) {
  Result<std::unique_ptr<SqliteConnection>> reader =
      mode == ReadMode::kImmutable
          ? SqliteConnection::Open(ImmutableUri(path),
                                   SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                                   busy_timeout_ms)
      : mode == ReadMode::kQueryOnly
          ? SqliteConnection::Open(path, SQLITE_OPEN_READWRITE, busy_timeout_ms)
          : SqliteConnection::Open(path, SQLITE_OPEN_READONLY, busy_timeout_ms);
  RETURN_IF_ERROR(reader.status());
  RETURN_IF_ERROR(
      (*reader)->Exec(kReaderSetup, "configuring a catalog reader"));
  return reader;
}

// Brings an older catalog to this binary's schema before it is read: only
// a process that may write it can.
Status UpgradeForReading(const std::string& path, int version,
                         int busy_timeout_ms) {
  auto writer =
      SqliteConnection::Open(path, SQLITE_OPEN_READWRITE, busy_timeout_ms);
  Status status = writer.status();
  if (status.ok() && sqlite3_db_readonly((*writer)->db(), "main") == 1) {
    status = SqliteStatus(SQLITE_READONLY, nullptr, path, "opening");
  }
  if (status.ok()) status = ConfigureWriter(**writer);
  if (status.ok()) status = MigrateSchema(**writer).status();
  if (status.ok() || !status.IsPermissionDenied()) return status;
  return Status::FailedPrecondition(
      path + " has catalog schema version " + std::to_string(version) +
      " and this tidemark reads version " +
      std::to_string(LatestSchemaVersion()) +
      ": it must be upgraded once by a process that may write it (any "
      "command that writes, such as 'tidemark scan', does it), and this one "
      "may not (" +
      status.message() + ")");
}

Result<std::unique_ptr<CatalogStore>> OpenForReading(
    const std::string& path, const SqliteCatalogOptions& options) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NoCatalog(path, "there is no such file");
  } else if (S_ISREG(st.st_mode) && st.st_size == 0) {
    return NoCatalog(path, "the file is empty");
  }
  const int busy_timeout_ms = options.busy_timeout_ms;
  ReadMode mode = ChooseReadMode(path);
  auto first = OpenReadOnly(path, mode, busy_timeout_ms);
  Result<int> version =
      first.ok() ? ReadSchemaVersion(**first) : Result<int>(first.status());
  if (!version.ok() && mode != ReadMode::kImmutable && WalEmpty(path) &&
      (version.status().IsPermissionDenied() ||
       version.status().IsNotFound())) {
    // No PATH-wal/-shm, and they cannot be created (a read-only directory).
    mode = ReadMode::kImmutable;
    first = OpenReadOnly(path, mode, busy_timeout_ms);
    version =
        first.ok() ? ReadSchemaVersion(**first) : Result<int>(first.status());
  }
  RETURN_IF_ERROR(version.status());
  if (*version == 0) return NoCatalog(path, "the database has no tables");
  RETURN_IF_ERROR(CheckSchemaNotNewer(path, *version));
  if (*version < LatestSchemaVersion()) {
    first->reset();  // no reader open across the migration
    RETURN_IF_ERROR(UpgradeForReading(path, *version, busy_timeout_ms));
    ASSIGN_OR_RETURN(first, OpenReadOnly(path, mode, busy_timeout_ms));
  }
  auto open_reader = [path, mode, busy_timeout_ms] {
    return OpenReadOnly(path, mode, busy_timeout_ms);
  };
  ASSIGN_OR_RETURN(auto stamp_reader, open_reader());
  return std::unique_ptr<CatalogStore>(new SqliteCatalog(
      path, nullptr, std::move(stamp_reader), std::move(first).value(),
      open_reader, LatestSchemaVersion(),
      options.clock != nullptr ? *options.clock : SystemClock::Default()));
}

}  // namespace

Result<std::unique_ptr<CatalogStore>> OpenSqliteCatalog(
    const std::string& path, const SqliteCatalogOptions& options) {
  // Checked before SQLite opens the file: a foreign file must stay
  // byte-identical, SQLite may write (WAL setup, journal recovery, the
  // checkpoint of a closing writer), and a catalog cut short must be
  // refused by every command alike before anything fills its gap.
  RETURN_IF_ERROR(CheckDatabaseHeader(path));
  RETURN_IF_ERROR(CheckDatabaseWhole(path));
  if (options.read_only) return OpenForReading(path, options);
  Result<std::unique_ptr<CatalogStore>> store = OpenForWriting(path, options);
  if (!store.ok()) return ExplainReadOnly(path, store.status());
  return store;
}

}  // namespace tidemark
