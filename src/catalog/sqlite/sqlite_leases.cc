#include "catalog/sqlite/sqlite_leases.h"

#include <functional>
#include <optional>
#include <string>

#include "catalog/lease_rules.h"

namespace tidemark {
namespace {

constexpr std::string_view kLeaseColumns =
    "repository_id, holder, token, acquired_at, renewed_at, expires_at, "
    "holder_boot_id, holder_pid_namespace, holder_pid, holder_start_ticks";

Lease ReadLeaseRow(const SqliteStatement& stmt, int64_t now_ns) {
  Lease lease;
  lease.repository_id = stmt.ColumnInt64(0);
  lease.holder.assign(stmt.ColumnTextView(1));
  lease.token = stmt.ColumnInt64(2);
  lease.acquired_at_ns = stmt.ColumnInt64(3);
  lease.renewed_at_ns = stmt.ColumnInt64(4);
  lease.expires_at_ns = stmt.ColumnInt64(5);
  lease.process.boot_id.assign(stmt.ColumnTextView(6));
  lease.process.pid_namespace = static_cast<uint64_t>(stmt.ColumnInt64(7));
  lease.process.pid = stmt.ColumnInt64(8);
  lease.process.start_ticks = static_cast<uint64_t>(stmt.ColumnInt64(9));
  lease.observed_at_ns = now_ns;
  return lease;
}

Result<std::optional<Lease>> ReadLease(SqliteConnection& conn,
                                       int64_t repository_id, int64_t now_ns) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn.Prepare("SELECT " + std::string(kLeaseColumns) +
                                " FROM repository_leases WHERE "
                                "repository_id = ?1"));
  stmt.BindInt64(1, repository_id);
  const int rc = stmt.Step();
  if (rc == SQLITE_DONE) return std::optional<Lease>();
  if (rc != SQLITE_ROW) {
    return conn.Error(
        rc, "reading the lease of repository " + std::to_string(repository_id));
  }
  return std::optional<Lease>(ReadLeaseRow(stmt, now_ns));
}

Status WriteLease(SqliteConnection& conn, const Lease& lease) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn.Prepare("INSERT OR REPLACE INTO repository_leases (" +
                                std::string(kLeaseColumns) +
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                "?9, ?10)"));
  stmt.BindInt64(1, lease.repository_id);
  stmt.BindText(2, lease.holder);
  stmt.BindInt64(3, lease.token);
  stmt.BindInt64(4, lease.acquired_at_ns);
  stmt.BindInt64(5, lease.renewed_at_ns);
  stmt.BindInt64(6, lease.expires_at_ns);
  stmt.BindText(7, lease.process.boot_id);
  stmt.BindUint64(8, lease.process.pid_namespace);
  stmt.BindInt64(9, lease.process.pid);
  stmt.BindUint64(10, lease.process.start_ticks);
  return conn.StepDone(&stmt, "writing the lease of repository " +
                                  std::to_string(lease.repository_id));
}

Result<bool> RepositoryExists(SqliteConnection& conn, int64_t repository_id) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn.Prepare("SELECT 1 FROM repositories WHERE id = ?1"));
  stmt.BindInt64(1, repository_id);
  const int rc = stmt.Step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn.Error(rc,
                    "looking up repository " + std::to_string(repository_id));
}

// Draws the next token from the catalog-wide counter.
Result<int64_t> NextToken(SqliteConnection& conn) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn.Prepare("UPDATE lease_tokens SET last = last + 1 "
                                "WHERE id = 1 RETURNING last"));
  const int rc = stmt.Step();
  if (rc != SQLITE_ROW) return conn.Error(rc, "drawing a lease token");
  return stmt.ColumnInt64(0);
}

// Runs `body` in its own write transaction, committing when it succeeds.
Status InWriteTransaction(SqliteConnection& conn,
                          const std::function<Status()>& body) {
  RETURN_IF_ERROR(conn.Run(SqlId::kBeginImmediate, "starting a lease change"));
  Status status = body();
  if (status.ok()) status = conn.Run(SqlId::kCommit, "committing a lease");
  if (!status.ok() && !conn.InAutocommit()) {
    (void)conn.Run(SqlId::kRollback, "rolling back a lease change");
  }
  return status;
}

}  // namespace

Result<LeaseAcquisition> SqliteAcquireLease(SqliteConnection& writer,
                                            int64_t repository_id,
                                            const LeaseClaim& claim,
                                            int64_t ttl_ms, int64_t now_ns) {
  RETURN_IF_ERROR(ValidateLeaseRequest(claim.holder, ttl_ms));
  LeaseAcquisition out;
  RETURN_IF_ERROR(InWriteTransaction(writer, [&]() -> Status {
    ASSIGN_OR_RETURN(bool exists, RepositoryExists(writer, repository_id));
    if (!exists) {
      return Status::NotFound("no repository with id " +
                              std::to_string(repository_id));
    }
    ASSIGN_OR_RETURN(auto current, ReadLease(writer, repository_id, now_ns));
    int64_t token = 0;
    if (Takeable(current, claim, now_ns)) {
      ASSIGN_OR_RETURN(token, NextToken(writer));
    }
    out =
        DecideAcquisition(current, repository_id, claim, ttl_ms, now_ns, token);
    return out.acquired ? WriteLease(writer, out.lease) : Status::Ok();
  }));
  return out;
}

Result<Lease> SqliteRenewLease(SqliteConnection& writer,
                               const WriteFence& fence, int64_t ttl_ms,
                               int64_t now_ns) {
  RETURN_IF_ERROR(ValidateLeaseRequest("renewal", ttl_ms));
  Lease lease;
  RETURN_IF_ERROR(InWriteTransaction(writer, [&]() -> Status {
    ASSIGN_OR_RETURN(auto current,
                     ReadLease(writer, fence.repository_id, now_ns));
    if (!current || current->token != fence.token || current->holder.empty()) {
      return LeaseLost(fence, current);
    }
    lease = Renewed(*current, ttl_ms, now_ns);
    return WriteLease(writer, lease);
  }));
  return lease;
}

Status SqliteReleaseLease(SqliteConnection& writer, const WriteFence& fence,
                          int64_t now_ns) {
  return InWriteTransaction(writer, [&]() -> Status {
    ASSIGN_OR_RETURN(auto current,
                     ReadLease(writer, fence.repository_id, now_ns));
    if (!current || current->token != fence.token) return Status::Ok();
    current->holder.clear();
    current->expires_at_ns = now_ns;
    return WriteLease(writer, *current);
  });
}

Result<std::vector<Lease>> SqliteListLeases(SqliteConnection& reader,
                                            int64_t now_ns) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   reader.Prepare("SELECT " + std::string(kLeaseColumns) +
                                  " FROM repository_leases ORDER BY "
                                  "repository_id"));
  std::vector<Lease> out;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    out.push_back(ReadLeaseRow(stmt, now_ns));
  }
  if (rc != SQLITE_DONE) return reader.Error(rc, "listing leases");
  return out;
}

Status SqliteCheckFence(SqliteConnection& writer, const WriteFence& fence) {
  ASSIGN_OR_RETURN(auto current, ReadLease(writer, fence.repository_id, 0));
  if (!current || current->token != fence.token || current->holder.empty()) {
    return LeaseLost(fence, current);
  }
  return Status::Ok();
}

}  // namespace tidemark
