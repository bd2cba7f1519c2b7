// The lease rules every CatalogStore shares: which requests are valid, what
// AcquireLease does to the current lease, and the error a fenced-off writer
// gets. Stores keep the row; these pure functions decide. Thread-safe.
#ifndef TIDEMARK_CATALOG_LEASE_RULES_H_
#define TIDEMARK_CATALOG_LEASE_RULES_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "catalog/records.h"
#include "common/status.h"

namespace tidemark {

// InvalidArgument for an empty or over-long holder, or a ttl below 1 ms or
// above a day.
Status ValidateLeaseRequest(std::string_view holder, int64_t ttl_ms);

// What AcquireLease makes of `current` (nullopt: the repository was never
// leased) at the store's time `now_ns`: a free, released or expired lease,
// or a live one whose token is claim.gone_holder_token (its holder's
// process is gone: the caller found so), goes to claim.holder and
// claim.process with token `next_token`; any other live one stays as it
// is. The result's lease has observed_at_ns = now_ns; a live lease taken
// over is in taken_from_gone.
//
// Stores draw `next_token` from one counter for the whole catalog that
// never goes back, and only when the lease is taken: a token per repository
// row would start again at 1 when a removed repository's id is reused
// (SQLite reuses the largest rowid), and an old holder's fence would match.
LeaseAcquisition DecideAcquisition(const std::optional<Lease>& current,
                                   int64_t repository_id,
                                   const LeaseClaim& claim, int64_t ttl_ms,
                                   int64_t now_ns, int64_t next_token);

// True when AcquireLease by `claim` would take `current` at `now_ns` (so
// the store needs a token).
bool Takeable(const std::optional<Lease>& current, const LeaseClaim& claim,
              int64_t now_ns);

// `lease` renewed at `now_ns` for ttl_ms more.
Lease Renewed(Lease lease, int64_t ttl_ms, int64_t now_ns);

// Aborted: the writer holding `fence` lost the lease, now `current` (nullopt
// when no lease row exists).
Status LeaseLost(const WriteFence& fence, const std::optional<Lease>& current);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_LEASE_RULES_H_
