// The SQL the PostgreSQL catalog runs, and how tidemark's record structs map
// to its rows (private to the PostgreSQL catalog).
//
// Statements take binary parameters ($1, $2, ... as PgParams) and return
// binary results whose columns are the matching *Columns list; the Read*
// functions decode one row and fail with DataLoss on a value tidemark does
// not know (a row written by a newer release). uint64 device and inode
// numbers are stored as the int64 with the same bits; paths and hashes are
// bytea; an empty content hash is NULL. Times are nanoseconds since the
// epoch; lease times come from the server's clock (clock_timestamp()).
// Pure functions and constants; thread-safe.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_QUERIES_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_QUERIES_H_

#include <cstdint>

#include "catalog/postgres/pg_copy_encoder.h"
#include "catalog/postgres/postgres_connection.h"
#include "catalog/records.h"
#include "common/status.h"

namespace tidemark::pgsql {

// Transaction control.
extern const char kBegin[];
extern const char kCommit[];
extern const char kRollback[];
extern const char kSavepoint[];
extern const char kReleaseSavepoint[];
extern const char kRollbackToSavepoint[];  // and release it

// The writer's per-session staging table for UpdateRecords.
extern const char kCreateStaging[];

// Records. kAllocateRecordIds: $1 = how many; one id per row.
extern const char kAllocateRecordIds[];
extern const char kCopyRecords[];  // COPY file_records, EncodeRecordRow's order
extern const char kCopyStaging[];  // the same into the staging table
// Applies and empties the staging table; affected rows = records updated.
extern const char kUpdateFromStaging[];
// $1 ids (bigint[]): the first that names no record.
extern const char kFirstMissingId[];
// $1 ids (bigint[]), $2 paths (bytea[]): deletes the pairs that still match.
extern const char kRemoveRecords[];

// $1 ids (bigint[]): those that exist, locked FOR KEY SHARE until the end of
// the transaction (what a foreign key would do; file_records has none).
extern const char kLockRepositoriesShared[];
// $1 id: locked FOR UPDATE, which waits for writers holding FOR KEY SHARE.
extern const char kLockRepositoryForDelete[];
extern const char kDeleteRepositoryRecords[];  // $1 repository

// Repositories. kInsertRepository returns no row for a taken name.
extern const char kInsertRepository[];       // $1..$9: BindRepository order
extern const char kUpdateRepository[];       // $1 id, then $2..$8
extern const char kDeleteRepository[];       // $1 id
extern const char kSetRepositoryDetached[];  // $1 id, $2 0 or 1
extern const char kFindRepository[];         // $1 name
extern const char kListRepositories[];

// Operations.
extern const char kInsertOperation[];  // $1..$14 (AddOperationParams)
extern const char kUpdateOperation[];  // $1 id, $2..$15 (repository unused)
extern const char kListOperations[];   // $1 repository, $2 limit

// Record reads. $1 repository; then as named.
extern const char kReadRecordsFrom[];     // $2 path >=, $3 limit
extern const char kReadRecordsBounded[];  // $2 path >=, $3 path <, $4 limit
// $2 the scope itself, $3 path >=, $4 path <, $5 limit
extern const char kReadRecordsScope[];
extern const char kFindRecord[];          // $2 path
extern const char kFindRecordsByInode[];  // $2 inode, $3 device
// $2..$4 the names of the present, missing and offline states.
extern const char kTotals[];

// Leases. Every row result is kLeaseColumns: repository_id, holder, token,
// acquired_at, renewed_at, expires_at, holder_boot_id,
// holder_pid_namespace, holder_pid, holder_start_ticks, and the server's
// now.
extern const char kInsertLeaseRow[];   // $1 repository; a free lease, token 0
extern const char kLockLease[];        // $1 repository; FOR UPDATE
extern const char kReadLease[];        // $1 repository
extern const char kNextLeaseToken[];   // the catalog-wide token counter
extern const char kCountLiveLeases[];  // leases held now, on the server clock
// $1 repository, $2 holder, $3 token, $4 acquired, $5 renewed, $6 expires,
// $7..$10 the holder's process (boot id, pid namespace, pid, start ticks).
extern const char kWriteLease[];
extern const char kRenewLease[];    // $1 repository, $2 token, $3 ttl ms
extern const char kReleaseLease[];  // $1 repository, $2 token
extern const char kListLeases[];
// $1 repository: kLeaseColumns but now; FOR KEY SHARE (held by fenced
// writes until they end).
extern const char kFenceLease[];

}  // namespace tidemark::pgsql

namespace tidemark {

// One COPY row of kCopyRecords / kCopyStaging (15 fields).
void EncodeRecordRow(int64_t id, const FileRecord& record,
                     PgCopyEncoder& encoder);
Status ReadRecordRow(const PgResult& result, int row, FileRecord* record);

// Appends $n.. for kInsertRepository (9 values) or, after the id, for
// kUpdateRepository (7 values: the fields an update may change).
void AddRepositoryParams(const Repository& repo, PgParams& params);
void AddRepositoryUpdateParams(const Repository& repo, PgParams& params);
Status ReadRepositoryRow(const PgResult& result, int row, Repository* repo);

// Appends the 14 values of kInsertOperation (repository first).
void AddOperationParams(const SyncOperation& op, PgParams& params);
Status ReadOperationRow(const PgResult& result, int row, SyncOperation* op);

void ReadLeaseRow(const PgResult& result, int row, Lease* lease);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_QUERIES_H_
