#include "catalog/postgres/postgres_leases.h"

#include <optional>
#include <string>

#include "catalog/lease_rules.h"
#include "catalog/postgres/postgres_queries.h"

namespace tidemark {
namespace {

std::string OnRepo(int64_t repository_id) {
  return "the lease on repository " + std::to_string(repository_id);
}

// The lease row of `repository_id` as `sql` (kReadLease, kFenceLease)
// returns it, or nullopt.
Result<std::optional<Lease>> ReadLease(PgConnection& conn, const char* sql,
                                       int64_t repository_id,
                                       std::string_view doing) {
  PgParams id;
  id.Int64(repository_id);
  ASSIGN_OR_RETURN(PgResult row, conn.Query(sql, id, doing));
  if (row.rows() == 0) return std::optional<Lease>();
  Lease lease;
  ReadLeaseRow(row, 0, &lease);
  return std::optional<Lease>(std::move(lease));
}

// The statements of AcquireLease after BEGIN.
Result<LeaseAcquisition> AcquireInTransaction(PgConnection& conn,
                                              int64_t repository_id,
                                              const LeaseClaim& claim,
                                              int64_t ttl_ms) {
  const std::string doing = "taking " + OnRepo(repository_id);
  PgParams id;
  id.Int64(repository_id);
  // A live lease is reported without locking its row: pollers must not hold
  // up the holder's fenced writes.
  ASSIGN_OR_RETURN(std::optional<Lease> seen,
                   ReadLease(conn, pgsql::kReadLease, repository_id, doing));
  if (seen && !Takeable(seen, claim, seen->observed_at_ns)) {
    return LeaseAcquisition{false, *seen, std::nullopt};
  }
  // A never-leased repository gets a free row first, so that there is a row
  // to lock; the foreign key refuses an unknown repository.
  Result<PgResult> inserted = conn.Query(pgsql::kInsertLeaseRow, id, doing);
  if (!inserted.ok() && inserted.status().IsNotFound()) {
    return Status::NotFound("no repository with id " +
                            std::to_string(repository_id));
  }
  RETURN_IF_ERROR(inserted.status());
  // FOR UPDATE conflicts with the FOR KEY SHARE of fenced writes: this waits
  // until the current holder's open transactions end. The server's time is
  // read only after that wait.
  RETURN_IF_ERROR(conn.Query(pgsql::kLockLease, id, doing).status());
  ASSIGN_OR_RETURN(std::optional<Lease> current,
                   ReadLease(conn, pgsql::kReadLease, repository_id, doing));
  if (!current) return Status::Internal(doing + ": the locked row is gone");
  int64_t token = 0;
  if (Takeable(current, claim, current->observed_at_ns)) {
    ASSIGN_OR_RETURN(PgResult next,
                     conn.Query(pgsql::kNextLeaseToken, PgParams(), doing));
    token = next.Int64(0, 0);
  }
  LeaseAcquisition out = DecideAcquisition(
      current, repository_id, claim, ttl_ms, current->observed_at_ns, token);
  if (!out.acquired) return out;
  const Lease& l = out.lease;
  PgParams write;
  write.Int64(repository_id).Text(l.holder).Int64(l.token);
  write.Int64(l.acquired_at_ns).Int64(l.renewed_at_ns).Int64(l.expires_at_ns);
  write.Text(l.process.boot_id)
      .Int64(static_cast<int64_t>(l.process.pid_namespace))
      .Int64(l.process.pid)
      .Int64(static_cast<int64_t>(l.process.start_ticks));
  RETURN_IF_ERROR(conn.Query(pgsql::kWriteLease, write, doing).status());
  return out;
}

}  // namespace

Result<LeaseAcquisition> AcquireLease(PgConnection& conn, int64_t repository_id,
                                      const LeaseClaim& claim, int64_t ttl_ms) {
  RETURN_IF_ERROR(ValidateLeaseRequest(claim.holder, ttl_ms));
  RETURN_IF_ERROR(conn.Exec(pgsql::kBegin, "starting to take a lease"));
  Result<LeaseAcquisition> result =
      AcquireInTransaction(conn, repository_id, claim, ttl_ms);
  if (result.ok()) {
    RETURN_IF_ERROR(conn.Exec(pgsql::kCommit, "committing a lease"));
  } else if (!conn.broken()) {
    (void)conn.Exec(pgsql::kRollback, "rolling back a lease");
  }
  return result;
}

Result<Lease> RenewLease(PgConnection& conn, const WriteFence& fence,
                         int64_t ttl_ms) {
  RETURN_IF_ERROR(ValidateLeaseRequest("renewal", ttl_ms));
  const std::string doing = "renewing " + OnRepo(fence.repository_id);
  // One statement: renewed only while it still has our token and a holder.
  PgParams params;
  params.Int64(fence.repository_id).Int64(fence.token).Int64(ttl_ms);
  ASSIGN_OR_RETURN(PgResult renewed,
                   conn.Query(pgsql::kRenewLease, params, doing));
  if (renewed.rows() == 1) {
    Lease lease;
    ReadLeaseRow(renewed, 0, &lease);
    return lease;
  }
  ASSIGN_OR_RETURN(
      std::optional<Lease> current,
      ReadLease(conn, pgsql::kReadLease, fence.repository_id, doing));
  return LeaseLost(fence, current);
}

Status ReleaseLease(PgConnection& conn, const WriteFence& fence) {
  PgParams params;
  params.Int64(fence.repository_id).Int64(fence.token);
  return conn
      .Query(pgsql::kReleaseLease, params,
             "releasing " + OnRepo(fence.repository_id))
      .status();
}

Result<std::vector<Lease>> ListLeases(PgConnection& conn) {
  ASSIGN_OR_RETURN(PgResult rows, conn.Query(pgsql::kListLeases, PgParams(),
                                             "listing leases"));
  std::vector<Lease> out(static_cast<size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) ReadLeaseRow(rows, i, &out[i]);
  return out;
}

Status CheckFence(PgConnection& conn, const WriteFence& fence, bool lock_row) {
  ASSIGN_OR_RETURN(
      std::optional<Lease> current,
      ReadLease(conn, lock_row ? pgsql::kFenceLease : pgsql::kReadLease,
                fence.repository_id,
                "checking " + OnRepo(fence.repository_id)));
  if (!current || current->token != fence.token || current->holder.empty()) {
    return LeaseLost(fence, current);
  }
  return Status::Ok();
}

}  // namespace tidemark
