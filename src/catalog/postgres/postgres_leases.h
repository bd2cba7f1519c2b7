// Repository leases and write fences on PostgreSQL (private to the
// PostgreSQL catalog): the statements behind CatalogStore's lease methods and
// the check a fenced transaction makes right after BEGIN. What a request
// does to a lease is decided by the rules every store shares
// (catalog/lease_rules.h); this file reads and writes the row around them.
//
// Time is the server's clock (clock_timestamp() in nanoseconds), so workers
// need not agree on time. A fenced transaction holds FOR KEY SHARE on its
// repository's lease row until it ends; AcquireLease locks the row FOR
// UPDATE, which conflicts with that, so a takeover waits for fenced writes
// already open (up to lock_timeout, then Unavailable). Renewals are plain
// UPDATEs that change no key, which FOR KEY SHARE does not block: heartbeats
// go on while the holder writes.
// Functions take the connection they use, outside any open transaction
// (except CheckFence); not thread-safe beyond that.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_LEASES_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_LEASES_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "catalog/postgres/postgres_connection.h"
#include "catalog/records.h"
#include "common/result.h"

namespace tidemark {

// See CatalogStore::AcquireLease. One transaction; NotFound for an unknown
// repository, InvalidArgument for a bad holder or ttl.
Result<LeaseAcquisition> AcquireLease(PgConnection& conn, int64_t repository_id,
                                      const LeaseClaim& claim, int64_t ttl_ms);
// See CatalogStore::RenewLease. Aborted when the token moved on or the
// lease was released.
Result<Lease> RenewLease(PgConnection& conn, const WriteFence& fence,
                         int64_t ttl_ms);
Status ReleaseLease(PgConnection& conn, const WriteFence& fence);
Result<std::vector<Lease>> ListLeases(PgConnection& conn);

// Inside a transaction: checks the lease's token. Aborted (the caller rolls
// back) when the lease has another token, was released, or was never
// taken. With `lock_row`, the row is locked FOR KEY SHARE until the
// transaction ends, so no takeover can commit before it: transactions do
// this just before COMMIT, so a holder stalled mid-batch never holds up a
// takeover (its COMMIT then finds the new token and rolls back).
Status CheckFence(PgConnection& conn, const WriteFence& fence, bool lock_row);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_LEASES_H_
