// The SQLite implementation of CatalogStore: the embedded catalog in one file.
//
// OpenSqliteCatalog creates the file if absent, refuses files that are not
// tidemark catalogs without writing to them (DataLoss), refuses files cut
// short (DataLoss, sqlite_file_check.h: the same check for every open),
// refuses schemas newer than this binary (FailedPrecondition), and applies
// pending migrations (catalog/migrations.h).
//
// Opened for reading (SqliteCatalogOptions::read_only), it never creates a
// catalog (NotFound for a missing or empty file, naming how to make one),
// has no writer (writes fail PermissionDenied), and reads catalogs that
// cannot be written: a read-only file, or one in a read-only directory.
// SQLite reads a WAL database through PATH-wal and PATH-shm, which exist
// while any process has the catalog open. When they exist, it is opened
// SQLITE_OPEN_READONLY with the usual locks, and sees what a writer in
// another process commits meanwhile. When they are absent (nobody has it
// open), a process that may write the file opens it query_only, as any
// client would, and the two files it makes go again when it closes; one
// that may not write the file, or cannot create them (a read-only
// directory), reads it as immutable, without locks and without creating
// anything: files of its own beside the catalog could shut out the
// catalog's owner, and nothing would remove them. A writer that starts
// during an immutable read can make it fail or see a mix of before and
// after (run it again), never harm the catalog. An older schema is migrated
// first when the file can be written, and refused (FailedPrecondition) when
// it cannot.
//
// The store owns its connections, all in WAL mode:
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
  // For commands that only read (see above).
  bool read_only = false;
};

Result<std::unique_ptr<CatalogStore>> OpenSqliteCatalog(
    const std::string& path, const SqliteCatalogOptions& options = {});

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_CATALOG_H_
