// The SQL the SQLite catalog runs, and how tidemark's record structs map to
// its rows.
//
// Every statement has an SqlId so a connection can prepare it once and reuse
// it (see SqliteConnection::Statement). The Bind* functions bind a struct's
// fields with SQLITE_STATIC, so the struct must outlive the step; the Read*
// functions decode the current row of a SELECT whose columns are the matching
// k*Columns list, and fail with DataLoss on a value tidemark does not know.
// Pure functions over a statement; thread-safety is the statement's.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_QUERIES_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_QUERIES_H_

#include <cstddef>
#include <string_view>

#include "catalog/records.h"
#include "catalog/sqlite/sqlite_statement.h"
#include "common/status.h"

namespace tidemark {

enum class SqlId {
  // Transaction control.
  kBeginImmediate,  // writer
  kBeginRead,       // reader: a snapshot for a multi-statement read
  kCommit,
  kRollback,
  kSavepoint,
  kReleaseSavepoint,
  kRollbackToSavepoint,
  // Writes.
  kInsertRecord,
  kUpdateRecord,
  kRemoveRecord,
  kDeleteRecordById,  // undoes this call's inserts after a failure
  kInsertRepository,
  kUpdateRepository,
  kSetRepositoryDetached,
  kDeleteRepository,
  kInsertOperation,
  kUpdateOperation,
  kUpsertEntity,  // returns the id
  kSetEntityBusiness,
  kCountEntityTree,   // ?1: an entity; counts it and its descendants
  kDeleteEntityTree,  // ?1: an entity; deletes it and its descendants
  // Reads (reader connection).
  kFindRepository,
  kListRepositories,
  kReadRecordsBounded,  // ?1 repository, ?2 path >=, ?3 path <, ?4 limit
  kReadRecordsFrom,     // ?1 repository, ?2 path >=, ?3 limit
  kFindRecord,
  kFindRecordsByInode,
  kTotals,
  kListOperations,
  kDataVersion,  // moves when another connection commits
  kCount,        // not a statement: the number of ids
};

inline constexpr size_t kSqlIdCount = static_cast<size_t>(SqlId::kCount);

std::string_view SqlText(SqlId id);

// Binds ?1..?14 of kInsertRecord / kUpdateRecord (every field except id).
void BindRecordFields(SqliteStatement& stmt, const FileRecord& record);
Status ReadRecordRow(const SqliteStatement& stmt, FileRecord* record);

// Binds ?1..?9 of kInsertRepository (every field except id).
void BindRepositoryInsert(SqliteStatement& stmt, const Repository& repo);
// Binds every parameter of kUpdateRepository.
void BindRepositoryUpdate(SqliteStatement& stmt, const Repository& repo);
Status ReadRepositoryRow(const SqliteStatement& stmt, Repository* repo);

// Binds ?1..?14 of kInsertOperation / kUpdateOperation (every field except
// id; kUpdateOperation ignores ?1, the repository).
void BindOperationFields(SqliteStatement& stmt, const SyncOperation& op);
Status ReadOperationRow(const SqliteStatement& stmt, SyncOperation* op);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_QUERIES_H_
