// The one place where SQLite result codes become tidemark Status values.
//
// Every failing sqlite3_* call in the SQLite catalog goes through SqliteStatus
// so that users see the same wording for the same problem and the sync engine
// can branch on the code: a locked database is Unavailable (retry), a
// read-only one PermissionDenied, a file that is not a database DataLoss.
// Messages name the database path and, where there is one, the fix.
// Pure functions; thread-safe as long as `db` is not used concurrently.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_ERROR_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_ERROR_H_

#include <sqlite3.h>

#include <string_view>

#include "common/status.h"

namespace tidemark {

// Maps `rc` (an extended result code from a call on `db`, which may be null)
// to a Status whose message names `path` and says what tidemark was `doing`.
// The caller must not have made another call on `db` since the failing one,
// so that sqlite3_errmsg and sqlite3_system_errno still describe it.
Status SqliteStatus(int rc, sqlite3* db, std::string_view path,
                    std::string_view doing);

// DataLoss for a file that fails tidemark's own header check before SQLite
// ever opens it, worded like SqliteStatus's answer to SQLITE_NOTADB.
Status NotADatabaseStatus(std::string_view path, std::string_view why);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_ERROR_H_
