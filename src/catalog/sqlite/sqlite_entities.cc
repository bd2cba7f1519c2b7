#include "catalog/sqlite/sqlite_entities.h"

#include <algorithm>
#include <string>

#include "common/paths.h"

namespace tidemark {
namespace {

constexpr std::string_view kEntityColumns =
    "id, repository_id, kind, key, parent_id, path, attrs_json, status, "
    "marker_json, file_count, total_bytes, business_json, created_at_ns, "
    "updated_at_ns, deleted_at_ns";

// Binds ?1..?14 of kUpsertEntity (every field except id).
void BindEntity(SqliteStatement& stmt, const Entity& e) {
  stmt.BindInt64(1, e.repository_id);
  stmt.BindText(2, e.kind);
  stmt.BindBlob(3, e.key);
  if (e.parent_id == 0) {
    sqlite3_bind_null(stmt.get(), 4);
  } else {
    stmt.BindInt64(4, e.parent_id);
  }
  stmt.BindBlob(5, e.path);
  stmt.BindText(6, e.attrs_json);
  stmt.BindText(7, e.status);
  stmt.BindText(8, e.marker_json);
  stmt.BindInt64(9, e.file_count);
  stmt.BindInt64(10, e.total_bytes);
  stmt.BindText(11, e.business_json);
  stmt.BindInt64(12, e.created_at_ns);
  stmt.BindInt64(13, e.updated_at_ns);
  stmt.BindInt64(14, e.deleted_at_ns);
}

void ReadEntityRow(const SqliteStatement& stmt, Entity* e) {
  e->id = stmt.ColumnInt64(0);
  e->repository_id = stmt.ColumnInt64(1);
  e->kind.assign(stmt.ColumnTextView(2));
  e->key.assign(stmt.ColumnBlobView(3));
  e->parent_id = stmt.ColumnInt64(4);  // NULL reads as 0
  e->path.assign(stmt.ColumnBlobView(5));
  e->attrs_json.assign(stmt.ColumnTextView(6));
  e->status.assign(stmt.ColumnTextView(7));
  e->marker_json.assign(stmt.ColumnTextView(8));
  e->file_count = stmt.ColumnInt64(9);
  e->total_bytes = stmt.ColumnInt64(10);
  e->business_json.assign(stmt.ColumnTextView(11));
  e->created_at_ns = stmt.ColumnInt64(12);
  e->updated_at_ns = stmt.ColumnInt64(13);
  e->deleted_at_ns = stmt.ColumnInt64(14);
}

std::string Describe(const Entity& e) {
  return "writing " + e.kind + " '" + DisplayPath(e.key) + "'";
}

// A foreign key failed: says whether the repository or the parent is
// missing (SQLite does not say which key it was).
Status ExplainMissing(SqliteConnection& writer, const Entity& e,
                      Status fallback) {
  Result<SqliteStatement> probe =
      writer.Prepare("SELECT count(*) FROM repositories WHERE id = ?1");
  if (!probe.ok()) return fallback;
  probe->BindInt64(1, e.repository_id);
  if (probe->Step() != SQLITE_ROW) return fallback;
  if (probe->ColumnInt64(0) == 0) {
    return Status::NotFound(Describe(e) + ": no such repository " +
                            std::to_string(e.repository_id));
  }
  return Status::NotFound(Describe(e) + ": no parent entity " +
                          std::to_string(e.parent_id));
}

}  // namespace

Status SqliteUpsertEntities(SqliteConnection& writer,
                            std::span<Entity> entities) {
  if (entities.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   writer.Statement(SqlId::kUpsertEntity));
  std::vector<int64_t> ids_before;
  ids_before.reserve(entities.size());
  for (const Entity& e : entities) ids_before.push_back(e.id);
  for (size_t done = 0; done < entities.size(); ++done) {
    Entity& e = entities[done];
    Status status;
    {
      ScopedReset reset(stmt);
      BindEntity(*stmt, e);
      int rc = stmt->Step();
      if (rc == SQLITE_ROW) {
        const int64_t id = stmt->ColumnInt64(0);
        rc = stmt->Step();
        if (rc == SQLITE_DONE) {
          e.id = id;
          continue;
        }
      }
      // Read the error before the reset, which may replace it.
      status = writer.Error(rc, Describe(e) + " in repository " +
                                    std::to_string(e.repository_id));
    }
    if (status.code() == StatusCode::kNotFound) {
      status = ExplainMissing(writer, e, status);
    }
    for (size_t i = 0; i < done; ++i) entities[i].id = ids_before[i];
    return status;
  }
  return Status::Ok();
}

Status SqliteSetEntityBusiness(SqliteConnection& writer, int64_t id,
                               std::string_view business_json,
                               int64_t updated_at_ns) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   writer.Statement(SqlId::kSetEntityBusiness));
  ScopedReset reset(stmt);
  stmt->BindInt64(1, id);
  stmt->BindText(2, business_json);
  stmt->BindInt64(3, updated_at_ns);
  RETURN_IF_ERROR(writer.StepDone(
      stmt, "writing the business fields of entity " + std::to_string(id)));
  if (writer.Changes() == 0) {
    return Status::NotFound("entity " + std::to_string(id) + " does not exist");
  }
  return Status::Ok();
}

Result<int64_t> SqliteDeleteEntities(SqliteConnection& writer,
                                     std::span<const int64_t> ids) {
  if (ids.empty()) return int64_t{0};
  ASSIGN_OR_RETURN(SqliteStatement * count,
                   writer.Statement(SqlId::kCountEntityTree));
  ASSIGN_OR_RETURN(SqliteStatement * del,
                   writer.Statement(SqlId::kDeleteEntityTree));
  int64_t deleted = 0;
  for (int64_t id : ids) {
    const std::string doing = "deleting entity " + std::to_string(id);
    int64_t rows = 0;
    {
      ScopedReset reset(count);
      count->BindInt64(1, id);
      const int rc = count->Step();
      if (rc != SQLITE_ROW) return writer.Error(rc, doing);
      rows = count->ColumnInt64(0);
    }
    if (rows == 0) continue;  // unknown, or went with an earlier one
    ScopedReset reset(del);
    del->BindInt64(1, id);
    RETURN_IF_ERROR(writer.StepDone(del, doing));
    deleted += rows;
  }
  return deleted;
}

Result<std::vector<Entity>> SqliteListEntities(SqliteConnection& conn,
                                               const EntityQuery& q) {
  // Only the filters in use are in the text, so that SQLite can pick an
  // index for them. A path scope is one range of (repository_id, path) from
  // the scope itself to "scope0", keeping the scope and what is below
  // "scope/" (like record scopes): no LIKE and its wildcards.
  std::string sql = "SELECT " + std::string(kEntityColumns) +
                    " FROM entities WHERE repository_id = ?1 AND id > ?2";
  if (!q.kind.empty()) sql += " AND kind = ?3";
  if (q.key) sql += " AND key = ?4";
  if (q.parent_id) {
    sql += *q.parent_id == 0 ? " AND parent_id IS NULL" : " AND parent_id = ?5";
  }
  std::string below;
  std::string upper;
  if (!q.path_scope.empty()) {
    below = q.path_scope + "/";
    upper = PrefixSuccessor(below);
    sql += " AND path >= ?6 AND path < ?8 AND (path = ?6 OR path >= ?7)";
  }
  if (!q.include_deleted) sql += " AND deleted_at_ns = 0";
  sql += " ORDER BY id";
  if (q.limit != 0) sql += " LIMIT ?9";
  ASSIGN_OR_RETURN(SqliteStatement stmt, conn.Prepare(sql));
  stmt.BindInt64(1, q.repository_id);
  stmt.BindInt64(2, q.after_id);
  if (!q.kind.empty()) stmt.BindText(3, q.kind);
  if (q.key) stmt.BindBlob(4, *q.key);
  if (q.parent_id && *q.parent_id != 0) stmt.BindInt64(5, *q.parent_id);
  if (!q.path_scope.empty()) {
    stmt.BindBlob(6, q.path_scope);
    stmt.BindBlob(7, below);
    stmt.BindBlob(8, upper);
  }
  if (q.limit != 0) {
    stmt.BindInt64(9,
                   static_cast<int64_t>(std::min<size_t>(q.limit, INT64_MAX)));
  }
  std::vector<Entity> out;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    ReadEntityRow(stmt, &out.emplace_back());
  }
  if (rc != SQLITE_DONE) return conn.Error(rc, "listing entities");
  return out;
}

}  // namespace tidemark
