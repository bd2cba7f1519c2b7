// PgConnection: one libpq session of the PostgreSQL catalog, with the
// parameters to open it again, plus the small RAII types around it: PgResult
// (owns a PGresult) and PgParams (binary statement parameters).
//
// The connection owns its PGconn. Statements use the extended protocol with
// binary parameters and binary results (pg_binary.h decodes them), so bytea
// paths and bigint fields cross the wire without text escaping. Every
// failure goes through PgStatus (postgres_error.h). A call that finds the
// session gone returns Unavailable and leaves the connection broken();
// EnsureConnected then opens a new session (a few attempts with a short
// backoff) and runs the session setup again (SET ..., temporary tables),
// bumping session_id(), since everything of the old session is lost.
//
// Not thread-safe: the owner (PostgresCatalog) guards each connection with
// its own mutex.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_CONNECTION_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_CONNECTION_H_

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/postgres/pg_binary.h"
#include "catalog/postgres/pg_copy_encoder.h"
#include "catalog/postgres/postgres_catalog.h"
#include "catalog/postgres/postgres_url.h"
#include "common/result.h"
#include "common/status.h"

namespace tidemark {

// Owns one PGresult; move-only. Accessors assume binary results of the
// types the query selects (bigint, bytea, text); rows and columns are
// 0-based.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* result) : result_(result) {}
  ~PgResult() { PQclear(result_); }
  PgResult(PgResult&& other) noexcept
      : result_(std::exchange(other.result_, nullptr)) {}
  PgResult& operator=(PgResult&& other) noexcept {
    std::swap(result_, other.result_);
    return *this;
  }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  const PGresult* get() const { return result_; }
  int rows() const { return PQntuples(result_); }
  bool IsNull(int row, int col) const {
    return PQgetisnull(result_, row, col) != 0;
  }
  // A bigint (or integer) column; 0 for NULL.
  int64_t Int64(int row, int col) const;
  // A bytea or text column's bytes, valid while this result lives.
  std::string_view Bytes(int row, int col) const {
    return {PQgetvalue(result_, row, col),
            static_cast<size_t>(PQgetlength(result_, row, col))};
  }
  // Rows affected by an INSERT, UPDATE or DELETE.
  int64_t AffectedRows() const;

 private:
  PGresult* result_ = nullptr;
};

// Parameters for one statement, all sent in binary. Borrowed values (Bytes,
// Text) must outlive the statement; integers and arrays are owned.
class PgParams {
 public:
  PgParams& Int64(int64_t v);
  PgParams& Bytea(std::string_view v) { return Borrow(v, kPgByteaOid); }
  PgParams& Text(std::string_view v) { return Borrow(v, kPgTextOid); }
  // An already encoded binary value of type `type` (pg_binary.h arrays).
  PgParams& Owned(std::string encoded, uint32_t type);

  int size() const { return static_cast<int>(entries_.size()); }
  // libpq's parallel arrays; valid until the next change to the params.
  void Materialize(std::vector<Oid>* types, std::vector<const char*>* values,
                   std::vector<int>* lengths) const;

 private:
  struct Entry {
    uint32_t type;
    std::string_view borrowed;
    int owned = -1;  // index into owned_, or -1
  };
  PgParams& Borrow(std::string_view v, uint32_t type);

  std::vector<Entry> entries_;
  std::vector<std::string> owned_;
};

class PgConnection {
 public:
  // Connects to target.url with `options` (application_name, timeouts) and
  // runs `session_sql` (statements separated by ';', may be empty) on every
  // new session. Errors as PgStatus reports a failed connection attempt.
  static Result<std::unique_ptr<PgConnection>> Open(
      const PostgresTarget& target, const PostgresCatalogOptions& options,
      std::string session_sql);
  // A connection that opens its session on the first EnsureConnected.
  static std::unique_ptr<PgConnection> Deferred(
      const PostgresTarget& target, const PostgresCatalogOptions& options,
      std::string session_sql);
  ~PgConnection() { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Opens a new session if there is none or the last one broke; returns
  // whether it did (a retried statement is then worth it only once).
  Result<bool> EnsureConnected();
  // True when the session is gone (or was never opened).
  bool broken() const { return conn_ == nullptr || broken_; }
  // Changes with every new session.
  uint64_t session_id() const { return session_id_; }

  // Runs statements without parameters (simple protocol), e.g. BEGIN.
  Status Exec(const char* sql, std::string_view doing);
  // Runs one statement with binary parameters and results.
  Result<PgResult> Query(const char* sql, const PgParams& params,
                         std::string_view doing);
  // Runs `sql` (a COPY ... FROM STDIN (FORMAT binary)) and streams the rows
  // that `encode_row(i, encoder)` writes for i in [0, rows).
  Status CopyIn(const char* sql, size_t rows,
                const std::function<void(size_t, PgCopyEncoder&)>& encode_row,
                std::string_view doing);

  // PQTRANS_IDLE, PQTRANS_INTRANS, PQTRANS_INERROR, ...
  PGTransactionStatusType TransactionStatus() const {
    return PQtransactionStatus(conn_);
  }
  // The server process id of the session (pg_stat_activity.pid).
  int BackendPid() const { return PQbackendPID(conn_); }
  const PostgresTarget& target() const { return target_; }

 private:
  PgConnection(const PostgresTarget& target,
               const PostgresCatalogOptions& options, std::string session_sql)
      : target_(target),
        options_(options),
        session_sql_(std::move(session_sql)) {}

  // One connection attempt plus the session setup.
  Status Connect();
  // The Status for a failed call; marks the session broken when it is gone.
  Status Failed(const PGresult* result, std::string_view doing);

  PostgresTarget target_;
  PostgresCatalogOptions options_;
  std::string session_sql_;
  PGconn* conn_ = nullptr;
  bool broken_ = true;
  uint64_t session_id_ = 0;
};

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_CONNECTION_H_
