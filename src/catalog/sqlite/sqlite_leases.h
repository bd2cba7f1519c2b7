// Repository leases on the SQLite catalog (private to the SQLite store).
//
// The lease row lives in `repository_leases`; the decisions are the shared
// lease rules (catalog/lease_rules.h). Acquire, renew and release each run in
// their own BEGIN IMMEDIATE transaction on the writer connection, which the
// caller has locked, so they serialize with every write, in this process and
// in others. CheckFence runs inside the caller's open transaction. Times are
// `now_ns`, read by the store from its clock. Not thread-safe on their own:
// the caller holds the connection's lock.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_LEASES_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_LEASES_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "catalog/records.h"
#include "catalog/sqlite/sqlite_connection.h"
#include "common/result.h"

namespace tidemark {

Result<LeaseAcquisition> SqliteAcquireLease(SqliteConnection& writer,
                                            int64_t repository_id,
                                            const LeaseClaim& claim,
                                            int64_t ttl_ms, int64_t now_ns);
Result<Lease> SqliteRenewLease(SqliteConnection& writer,
                               const WriteFence& fence, int64_t ttl_ms,
                               int64_t now_ns);
Status SqliteReleaseLease(SqliteConnection& writer, const WriteFence& fence,
                          int64_t now_ns);
Result<std::vector<Lease>> SqliteListLeases(SqliteConnection& reader,
                                            int64_t now_ns);
// Aborted unless the lease of fence.repository_id has fence.token.
Status SqliteCheckFence(SqliteConnection& writer, const WriteFence& fence);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_LEASES_H_
