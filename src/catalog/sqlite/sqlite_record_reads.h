// Record reads on one SQLite connection, shared by the store (its reader
// connection) and a transaction (the writer connection, so that it sees its
// own uncommitted writes). Private to the SQLite store.
//
// The functions run in whatever transaction the connection has open; a range
// read with a scope takes two statements, so a caller that needs one
// snapshot wraps it in one. Not thread-safe: the caller holds the
// connection's lock.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_RECORD_READS_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_RECORD_READS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "catalog/catalog_store.h"
#include "catalog/sqlite/sqlite_connection.h"
#include "common/result.h"

namespace tidemark {

// Appends every record row `stmt` (already bound) yields to `out`.
Status SqliteCollectRecords(SqliteConnection& conn, SqliteStatement* stmt,
                            std::string_view doing,
                            std::vector<FileRecord>* out);

// One record by exact path, or nullopt.
Result<std::optional<FileRecord>> SqliteFindRecord(SqliteConnection& conn,
                                                   int64_t repository_id,
                                                   std::string_view path);

// Appends up to `limit` - out->size() records of `range` to `out`, ascending
// by path bytes (see CatalogStore::ReadRecords).
Status SqliteReadRecords(SqliteConnection& conn, const RecordRange& range,
                         size_t limit, std::vector<FileRecord>* out);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_RECORD_READS_H_
