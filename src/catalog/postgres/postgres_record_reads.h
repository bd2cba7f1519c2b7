// Record reads on one PostgreSQL connection, shared by the store (its reader
// connection) and a transaction (the writer connection, so that it sees its
// own uncommitted writes). Private to the PostgreSQL store.
//
// Each read is one statement, so one snapshot even outside a transaction.
// Not thread-safe: the caller holds the connection's lock.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_RECORD_READS_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_RECORD_READS_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "catalog/catalog_store.h"
#include "catalog/postgres/postgres_connection.h"
#include "common/status.h"

namespace tidemark {

// Runs a record query and appends every row it returns to `out`.
Status PgCollectRecords(PgConnection& conn, const char* sql,
                        const PgParams& params, std::string_view doing,
                        std::vector<FileRecord>* out);

// Replaces `out` with up to `limit` records of `range`, ascending by path
// bytes (see CatalogStore::ReadRecords).
Status PgReadRecords(PgConnection& conn, const RecordRange& range, size_t limit,
                     std::vector<FileRecord>* out);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_RECORD_READS_H_
