#include "catalog/postgres/postgres_connection.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "catalog/postgres/postgres_error.h"

namespace tidemark {
namespace {

// Reconnection: a few quick attempts, so a server that restarts or a
// connection killed by an administrator costs one failed call, not a
// stalled worker. Attempts stop once this much time has gone by.
constexpr int kConnectAttempts = 4;
constexpr auto kConnectBackoff = std::chrono::milliseconds(100);
constexpr auto kConnectRetryBudget = std::chrono::seconds(2);

// COPY data goes to libpq in chunks of about this size.
constexpr size_t kCopyChunkBytes = 256 * 1024;

// Notices (e.g. "relation already exists, skipping") are not errors; libpq
// would print them on stderr.
void IgnoreNotice(void*, const char*) {}

}  // namespace

int64_t PgResult::Int64(int row, int col) const {
  const char* p = PQgetvalue(result_, row, col);
  switch (PQgetlength(result_, row, col)) {
    case 8:
      return PgGetInt64(p);
    case 4:
      return PgGetInt32(p);
    default:  // NULL
      return 0;
  }
}

int64_t PgResult::AffectedRows() const {
  return std::strtoll(PQcmdTuples(result_), nullptr, 10);
}

PgParams& PgParams::Int64(int64_t v) {
  std::string encoded;
  PgPutInt64(&encoded, v);
  return Owned(std::move(encoded), kPgInt8Oid);
}

PgParams& PgParams::Owned(std::string encoded, uint32_t type) {
  owned_.push_back(std::move(encoded));
  entries_.push_back({type, {}, static_cast<int>(owned_.size() - 1)});
  return *this;
}

PgParams& PgParams::Borrow(std::string_view v, uint32_t type) {
  entries_.push_back({type, v, -1});
  return *this;
}

void PgParams::Materialize(std::vector<Oid>* types,
                           std::vector<const char*>* values,
                           std::vector<int>* lengths) const {
  // A zero-length value needs a non-null pointer: libpq sends NULL for one.
  static constexpr char kEmpty[1] = {0};
  for (const Entry& e : entries_) {
    const std::string_view v =
        e.owned >= 0 ? std::string_view(owned_[e.owned]) : e.borrowed;
    types->push_back(e.type);
    values->push_back(v.empty() ? kEmpty : v.data());
    lengths->push_back(static_cast<int>(v.size()));
  }
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(
    const PostgresTarget& target, const PostgresCatalogOptions& options,
    std::string session_sql) {
  std::unique_ptr<PgConnection> conn =
      Deferred(target, options, std::move(session_sql));
  RETURN_IF_ERROR(conn->Connect());
  return conn;
}

std::unique_ptr<PgConnection> PgConnection::Deferred(
    const PostgresTarget& target, const PostgresCatalogOptions& options,
    std::string session_sql) {
  return std::unique_ptr<PgConnection>(
      new PgConnection(target, options, std::move(session_sql)));
}

Status PgConnection::Connect() {
  PQfinish(conn_);
  broken_ = true;
  const std::string timeout = std::to_string(options_.connect_timeout_s);
  // Keywords after "dbname" override what the URL says.
  const char* keywords[] = {"dbname", "connect_timeout", "application_name",
                            "client_encoding", nullptr};
  const char* values[] = {target_.url.c_str(), timeout.c_str(),
                          options_.application_name.c_str(), "UTF8", nullptr};
  conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    return PgStatus(conn_, nullptr, target_, kPgConnecting);
  }
  PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
  const std::string setup =
      "SET lock_timeout = " + std::to_string(options_.lock_timeout_ms) +
      "; SET idle_in_transaction_session_timeout = " +
      std::to_string(options_.idle_in_transaction_timeout_ms) + "; " +
      session_sql_;
  PgResult result(PQexec(conn_, setup.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return PgStatus(conn_, result.get(), target_, "setting up the session");
  }
  broken_ = false;
  ++session_id_;
  return Status::Ok();
}

Result<bool> PgConnection::EnsureConnected() {
  if (!broken()) return false;
  const auto start = std::chrono::steady_clock::now();
  Status status;
  for (int attempt = 0; attempt < kConnectAttempts; ++attempt) {
    if (attempt > 0) {
      if (std::chrono::steady_clock::now() - start > kConnectRetryBudget) break;
      std::this_thread::sleep_for(kConnectBackoff * attempt);
    }
    status = Connect();
    if (status.ok()) return true;
    // Refused credentials or a missing database do not heal by waiting.
    if (!status.IsUnavailable()) break;
  }
  return status;
}

Status PgConnection::Failed(const PGresult* result, std::string_view doing) {
  Status status = PgStatus(conn_, result, target_, doing);
  if (IsConnectionLoss(conn_, result)) broken_ = true;
  return status;
}

Status PgConnection::Exec(const char* sql, std::string_view doing) {
  PgResult result(PQexec(conn_, sql));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return Status::Ok();
  }
  return Failed(result.get(), doing);
}

Result<PgResult> PgConnection::Query(const char* sql, const PgParams& params,
                                     std::string_view doing) {
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths;
  params.Materialize(&types, &values, &lengths);
  const std::vector<int> formats(values.size(), 1);
  PgResult result(PQexecParams(conn_, sql, params.size(), types.data(),
                               values.data(), lengths.data(), formats.data(),
                               /*resultFormat=*/1));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  return Failed(result.get(), doing);
}

Status PgConnection::CopyIn(
    const char* sql, size_t rows,
    const std::function<void(size_t, PgCopyEncoder&)>& encode_row,
    std::string_view doing) {
  {
    PgResult start(PQexec(conn_, sql));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN) {
      return Failed(start.get(), doing);
    }
  }
  // A failed send means the session is gone; the server's reason (if any)
  // comes with the final result below.
  bool sent = true;
  PgCopyEncoder encoder;
  auto flush = [&] {
    if (sent && encoder.size() > 0) {
      sent = PQputCopyData(conn_, encoder.data().data(),
                           static_cast<int>(encoder.size())) == 1;
    }
    encoder.Clear();
  };
  for (size_t i = 0; i < rows && sent; ++i) {
    encode_row(i, encoder);
    if (encoder.size() >= kCopyChunkBytes) flush();
  }
  encoder.Finish();
  flush();
  if (sent) sent = PQputCopyEnd(conn_, nullptr) == 1;
  if (!sent) {
    // libpq could not write to the socket: the session is gone.
    broken_ = true;
    return PgStatus(conn_, nullptr, target_, doing);
  }
  PgResult end(PQgetResult(conn_));
  // Drain: libpq needs a null result before the next statement.
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  if (PQresultStatus(end.get()) == PGRES_COMMAND_OK) return Status::Ok();
  return Failed(end.get(), doing);
}

}  // namespace tidemark
