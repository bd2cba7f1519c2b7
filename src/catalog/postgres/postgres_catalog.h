// The PostgreSQL implementation of CatalogStore: the shared catalog that
// several tidemark workers use at once.
//
// OpenPostgresCatalog connects to a postgresql:// URL, refuses a database
// whose schema is newer than this binary or whose `schema_version` table is
// not tidemark's (FailedPrecondition, without writing), and applies pending
// migrations (catalog/migrations.h) in transactions serialized by an advisory
// lock, so workers that open a fresh database together do not race. Tables
// are created in the connection's current schema (the first existing entry
// of search_path, settable with `?options=-csearch_path%3DNAME`).
//
// The store owns two connections: a writer, held by a transaction for its
// whole life, and a reader, on which every read is its own autocommit
// snapshot, so reads proceed while a transaction is open. Lease calls use a
// third connection, opened on first use, so a heartbeat is never queued
// behind a write or a read. A connection that is found broken (server
// restart, network loss, pg_terminate_backend) fails that call with
// Unavailable; the next call reconnects. A transaction whose connection died
// is Unavailable from then on and nothing of it is applied.
//
// Errors follow catalog_store.h and name the URL with its password replaced
// by "***": a malformed URL is InvalidArgument, a server that cannot be
// reached Unavailable, refused credentials PermissionDenied, a database that
// does not exist NotFound. The store is thread-safe; transactions must not
// outlive it.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_CATALOG_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_CATALOG_H_

#include <memory>
#include <string>
#include <string_view>

#include "catalog/catalog_store.h"
#include "common/result.h"

namespace tidemark {

struct PostgresCatalogOptions {
  // Seconds to wait for a connection before Unavailable.
  int connect_timeout_s = 10;
  // Shown in pg_stat_activity.
  std::string application_name = "tidemark";
  // How long a statement waits for a row or table lock held by another
  // session (a lease takeover waiting for a fenced write) before Unavailable.
  // Also bounds the wait for the writer connection inside this process.
  int lock_timeout_ms = 10000;
  // The server ends a session that sits idle inside a transaction this long
  // (a paused or hung worker), which releases its locks for a takeover.
  int idle_in_transaction_timeout_ms = 15000;
};

// True for "postgresql://..." and "postgres://..." (what libpq accepts as a
// URL); anything else is taken for a SQLite path by the CLI.
bool IsPostgresUrl(std::string_view db);

Result<std::unique_ptr<CatalogStore>> OpenPostgresCatalog(
    const std::string& url, const PostgresCatalogOptions& options = {});

// `url` with its password (in the user info or a password= parameter)
// replaced by "***", for messages and logs.
std::string RedactPostgresUrl(std::string_view url);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_CATALOG_H_
