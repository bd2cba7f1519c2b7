// The SQLite implementation of CatalogStore: the embedded catalog in one file.
//
// OpenSqliteCatalog creates the file if absent, refuses files that are not
// tidemark catalogs without writing to them (DataLoss), refuses schemas newer
// than this binary (FailedPrecondition), and applies pending migrations
// (catalog/migrations.h). The store owns its connections, all in WAL mode:
// one for writes, held by a transaction for its whole life; a pool of up to
// 64 for reads, opened as threads need them (sqlite_reader_pool.h), so
// reads proceed while a transaction is open and reads from several threads
// run at once; and one that only reads ChangeStamp. Errors follow
// catalog_store.h: a database locked past the busy timeout is Unavailable, a
// read-only one PermissionDenied. The returned store is thread-safe;
// transactions must not outlive it.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_CATALOG_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_CATALOG_H_

#include <memory>
#include <string>

#include "catalog/catalog_store.h"
#include "common/clock.h"
#include "common/result.h"

namespace tidemark {

struct SqliteCatalogOptions {
  // How long a write waits for another process's lock before Unavailable.
  int busy_timeout_ms = 5000;
  // The time leases are measured in (null: the system clock). Borrowed; it
  // must outlive the store. One machine shares one clock, so local time is
  // right for an embedded catalog.
  Clock* clock = nullptr;
};

Result<std::unique_ptr<CatalogStore>> OpenSqliteCatalog(
    const std::string& path, const SqliteCatalogOptions& options = {});

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_CATALOG_H_
