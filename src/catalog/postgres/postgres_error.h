// The one place where libpq failures become tidemark Status values.
//
// Every failing connection attempt and statement in the PostgreSQL catalog
// goes through PgStatus, so that users see the same wording for the same
// problem and the sync engine can branch on the code:
//   - the server cannot be reached, the connection broke (SQLSTATE class 08,
//     57P01-57P03, a session ended by idle_in_transaction_session_timeout),
//     a lock wait ran past lock_timeout, a deadlock: Unavailable (retry);
//   - refused credentials, missing privileges, a read-only server:
//     PermissionDenied;
//   - a database that does not exist: NotFound; a foreign-key violation
//     (no such repository): NotFound; a unique violation: AlreadyExists;
//   - a schema that does not fit (no schema to create in, a table name
//     taken by someone else): FailedPrecondition; corruption: DataLoss.
// Messages name the server and the redacted URL, never the password, and
// say what to do where there is something to do.
// Pure functions over the libpq objects passed in; thread-safe as long as
// `conn` is not used concurrently.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_ERROR_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_ERROR_H_

#include <libpq-fe.h>

#include <string_view>

#include "catalog/postgres/postgres_url.h"
#include "common/status.h"

namespace tidemark {

// The `doing` of a connection attempt.
inline constexpr std::string_view kPgConnecting = "connecting";

// Maps the failure of what tidemark was `doing` on `conn` to a Status.
// `result` is the failed statement's result, or null for a failed connection
// attempt or a call that produced no result; then the connection's error
// message is classified. Must be called before another call on `conn`.
Status PgStatus(const PGconn* conn, const PGresult* result,
                const PostgresTarget& target, std::string_view doing);

// True when `result` (may be null) or `conn` shows that the session is gone:
// the next statement needs a new connection.
bool IsConnectionLoss(const PGconn* conn, const PGresult* result);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_ERROR_H_
