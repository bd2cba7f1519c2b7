#include "catalog/postgres/postgres_entities.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "catalog/postgres/pg_binary.h"
#include "catalog/postgres/postgres_record_reads.h"
#include "catalog/postgres/postgres_transaction.h"
#include "common/paths.h"

namespace tidemark {
namespace {

#define TM_ENTITY_FIELDS                                                 \
  "repository_id, kind, key, parent_id, path, attrs_json, status, "      \
  "marker_json, file_count, total_bytes, business_json, created_at_ns, " \
  "updated_at_ns, deleted_at_ns"

// A rewrite keeps id, created_at_ns and business_json. Rows go in batch
// order, so new ids ascend with it. parent_id 0 is NULL (no parent).
constexpr char kUpsertEntities[] =
    "INSERT INTO entities (" TM_ENTITY_FIELDS
    ") SELECT u.repository_id, u.kind, u.key, NULLIF(u.parent_id, 0), "
    "u.path, u.attrs_json, u.status, u.marker_json, u.file_count, "
    "u.total_bytes, u.business_json, u.created_at_ns, u.updated_at_ns, "
    "u.deleted_at_ns FROM unnest($1::bigint[], $2::text[], $3::bytea[], "
    "$4::bigint[], $5::bytea[], $6::text[], $7::text[], $8::text[], "
    "$9::bigint[], $10::bigint[], $11::text[], $12::bigint[], $13::bigint[], "
    "$14::bigint[]) WITH ORDINALITY AS u(" TM_ENTITY_FIELDS
    ", n) ORDER BY u.n ON CONFLICT (repository_id, kind, key) DO UPDATE SET "
    "parent_id = excluded.parent_id, path = excluded.path, "
    "attrs_json = excluded.attrs_json, status = excluded.status, "
    "marker_json = excluded.marker_json, file_count = excluded.file_count, "
    "total_bytes = excluded.total_bytes, "
    "updated_at_ns = excluded.updated_at_ns, "
    "deleted_at_ns = excluded.deleted_at_ns "
    "RETURNING id, repository_id, kind, key";
// $1 repositories, $2 parents (0 = none): the first one missing, with 0 for
// a repository and 1 for a parent.
constexpr char kFirstMissing[] =
    "(SELECT 0, u.id FROM unnest($1::bigint[]) u(id) WHERE NOT EXISTS "
    "(SELECT 1 FROM repositories r WHERE r.id = u.id) LIMIT 1) UNION ALL "
    "(SELECT 1, u.id FROM unnest($2::bigint[]) u(id) WHERE u.id <> 0 AND "
    "NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = u.id) LIMIT 1)";
constexpr char kSetEntityBusiness[] =
    "UPDATE entities SET business_json = $2, updated_at_ns = $3 WHERE id = $1";
// UNION (not UNION ALL) ends even on a cycle. The parent_id cascade fires
// only after the statement, which has deleted every row of the trees by
// then, so the affected rows are all that went.
constexpr char kDeleteEntityTrees[] =
    "WITH RECURSIVE tree(id) AS (SELECT id FROM entities WHERE id = "
    "ANY($1::bigint[]) UNION SELECT e.id FROM entities e JOIN tree t ON "
    "e.parent_id = t.id) DELETE FROM entities WHERE id IN (SELECT id FROM "
    "tree)";
constexpr char kEntityColumns[] = "id, " TM_ENTITY_FIELDS;

#undef TM_ENTITY_FIELDS

void ReadEntityRow(const PgResult& res, int row, Entity* e) {
  e->id = res.Int64(row, 0);
  e->repository_id = res.Int64(row, 1);
  e->kind.assign(res.Bytes(row, 2));
  e->key.assign(res.Bytes(row, 3));
  e->parent_id = res.Int64(row, 4);  // NULL reads as 0
  e->path.assign(res.Bytes(row, 5));
  e->attrs_json.assign(res.Bytes(row, 6));
  e->status.assign(res.Bytes(row, 7));
  e->marker_json.assign(res.Bytes(row, 8));
  e->file_count = res.Int64(row, 9);
  e->total_bytes = res.Int64(row, 10);
  e->business_json.assign(res.Bytes(row, 11));
  e->created_at_ns = res.Int64(row, 12);
  e->updated_at_ns = res.Int64(row, 13);
  e->deleted_at_ns = res.Int64(row, 14);
}

using EntityKey = std::tuple<int64_t, std::string_view, std::string_view>;

EntityKey KeyOf(const Entity& e) { return {e.repository_id, e.kind, e.key}; }

std::string Describe(const Entity& e) {
  return e.kind + " '" + DisplayPath(e.key) + "'";
}

}  // namespace

Status PgUpsertEntities(PgConnection& writer, std::span<Entity> entities) {
  if (entities.empty()) return Status::Ok();
  // ON CONFLICT may not touch a row twice, so one row per key: the last
  // occurrence, with the first one's created_at_ns and business_json (what
  // upserting them one by one would leave).
  std::map<EntityKey, std::pair<size_t, size_t>> rows;  // first, last
  for (size_t i = 0; i < entities.size(); ++i) {
    auto [it, fresh] = rows.try_emplace(KeyOf(entities[i]), i, i);
    if (!fresh) it->second.second = i;
  }
  std::vector<std::pair<size_t, size_t>> order;
  order.reserve(rows.size());
  for (const auto& [key, row] : rows) order.push_back(row);
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  std::vector<int64_t> repositories, parents, file_counts, total_bytes, created,
      updated, deleted;
  std::vector<std::string_view> kinds, keys, paths, attrs, statuses, markers,
      business;
  for (const auto& [first, last] : order) {
    const Entity& e = entities[last];
    repositories.push_back(e.repository_id);
    kinds.push_back(e.kind);
    keys.push_back(e.key);
    parents.push_back(e.parent_id);
    paths.push_back(e.path);
    attrs.push_back(e.attrs_json);
    statuses.push_back(e.status);
    markers.push_back(e.marker_json);
    file_counts.push_back(e.file_count);
    total_bytes.push_back(e.total_bytes);
    business.push_back(entities[first].business_json);
    created.push_back(entities[first].created_at_ns);
    updated.push_back(e.updated_at_ns);
    deleted.push_back(e.deleted_at_ns);
  }
  PgParams params;
  params.Owned(PgInt64Array(repositories), kPgInt8ArrayOid)
      .Owned(PgTextArray(kinds), kPgTextArrayOid)
      .Owned(PgByteaArray(keys), kPgByteaArrayOid)
      .Owned(PgInt64Array(parents), kPgInt8ArrayOid)
      .Owned(PgByteaArray(paths), kPgByteaArrayOid)
      .Owned(PgTextArray(attrs), kPgTextArrayOid)
      .Owned(PgTextArray(statuses), kPgTextArrayOid)
      .Owned(PgTextArray(markers), kPgTextArrayOid)
      .Owned(PgInt64Array(file_counts), kPgInt8ArrayOid)
      .Owned(PgInt64Array(total_bytes), kPgInt8ArrayOid)
      .Owned(PgTextArray(business), kPgTextArrayOid)
      .Owned(PgInt64Array(created), kPgInt8ArrayOid)
      .Owned(PgInt64Array(updated), kPgInt8ArrayOid)
      .Owned(PgInt64Array(deleted), kPgInt8ArrayOid);
  const std::string doing = "writing " + std::to_string(order.size()) +
                            " entities of repository " +
                            std::to_string(entities.front().repository_id);
  ASSIGN_OR_RETURN(PgResult written,
                   writer.Query(kUpsertEntities, params, doing));
  if (written.rows() != static_cast<int>(order.size())) {
    return Status::Internal(doing + ": got " + std::to_string(written.rows()) +
                            " ids");
  }
  std::map<EntityKey, int64_t> ids;
  for (int i = 0; i < written.rows(); ++i) {
    ids[{written.Int64(i, 1), written.Bytes(i, 2), written.Bytes(i, 3)}] =
        written.Int64(i, 0);
  }
  for (Entity& e : entities) {
    auto it = ids.find(KeyOf(e));
    if (it == ids.end()) {
      return Status::Internal(doing + ": no id came back for " + Describe(e));
    }
    e.id = it->second;
  }
  return Status::Ok();
}

Status PgExplainMissing(PgConnection& writer, std::span<const Entity> entities,
                        Status fallback) {
  std::vector<int64_t> repositories, parents;
  for (const Entity& e : entities) {
    repositories.push_back(e.repository_id);
    parents.push_back(e.parent_id);
  }
  PgParams params;
  params.Owned(PgInt64Array(repositories), kPgInt8ArrayOid)
      .Owned(PgInt64Array(parents), kPgInt8ArrayOid);
  Result<PgResult> missing =
      writer.Query(kFirstMissing, params, "checking entity references");
  if (!missing.ok() || missing->rows() == 0) return fallback;
  const bool parent = missing->Int64(0, 0) != 0;
  const int64_t id = missing->Int64(0, 1);
  for (const Entity& e : entities) {
    if (parent && e.parent_id == id) {
      return Status::NotFound("writing " + Describe(e) + ": no parent entity " +
                              std::to_string(id));
    }
    if (!parent && e.repository_id == id) {
      return Status::NotFound("writing " + Describe(e) +
                              ": no such repository " + std::to_string(id));
    }
  }
  return fallback;
}

Status PgSetEntityBusiness(PgConnection& writer, int64_t id,
                           std::string_view business_json,
                           int64_t updated_at_ns) {
  PgParams params;
  params.Int64(id).Text(business_json).Int64(updated_at_ns);
  ASSIGN_OR_RETURN(PgResult updated,
                   writer.Query(kSetEntityBusiness, params,
                                "writing the business fields of entity " +
                                    std::to_string(id)));
  if (updated.AffectedRows() == 0) {
    return Status::NotFound("entity " + std::to_string(id) + " does not exist");
  }
  return Status::Ok();
}

Result<int64_t> PgDeleteEntities(PgConnection& writer,
                                 std::span<const int64_t> ids) {
  if (ids.empty()) return int64_t{0};
  PgParams params;
  params.Owned(PgInt64Array(ids), kPgInt8ArrayOid);
  ASSIGN_OR_RETURN(
      PgResult deleted,
      writer.Query(kDeleteEntityTrees, params,
                   "deleting " + std::to_string(ids.size()) + " entities"));
  return deleted.AffectedRows();
}

Result<std::vector<Entity>> PgListEntities(PgConnection& conn,
                                           const EntityQuery& q) {
  // Only the filters in use are in the text, so that the planner can pick
  // an index for them. A path scope is one range scan of (repository_id,
  // path) from the scope itself to "scope0", keeping the scope and what is
  // below "scope/": no LIKE and its wildcards.
  std::string below;
  std::string upper;
  if (!q.path_scope.empty()) {
    below = q.path_scope + "/";
    upper = PrefixSuccessor(below);
  }
  PgParams params;
  params.Int64(q.repository_id).Int64(q.after_id);
  std::string sql = "SELECT " + std::string(kEntityColumns) +
                    " FROM entities WHERE repository_id = $1 AND id > $2";
  int n = 2;
  auto next = [&n] { return "$" + std::to_string(++n); };
  if (!q.kind.empty()) {
    sql += " AND kind = " + next();
    params.Text(q.kind);
  }
  if (q.key) {
    sql += " AND key = " + next();
    params.Bytea(*q.key);
  }
  if (q.parent_id && *q.parent_id == 0) {
    sql += " AND parent_id IS NULL";
  } else if (q.parent_id) {
    sql += " AND parent_id = " + next();
    params.Int64(*q.parent_id);
  }
  if (!q.path_scope.empty()) {
    const std::string self = next();
    const std::string from = next();
    const std::string to = next();
    sql += " AND path >= " + self + " AND path < " + to +
           " AND (path = " + self + " OR path >= " + from + ")";
    params.Bytea(q.path_scope).Bytea(below).Bytea(upper);
  }
  if (!q.include_deleted) sql += " AND deleted_at_ns = 0";
  sql += " ORDER BY id";
  if (q.limit != 0) {
    sql += " LIMIT " + next();
    params.Int64(static_cast<int64_t>(std::min<size_t>(q.limit, INT64_MAX)));
  }
  ASSIGN_OR_RETURN(PgResult rows,
                   conn.Query(sql.c_str(), params, "listing entities"));
  std::vector<Entity> out(static_cast<size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) ReadEntityRow(rows, i, &out[i]);
  return out;
}

// The PostgresTransaction calls for entities and for reading its own
// records (postgres_transaction.h).

Result<std::vector<FileRecord>> PostgresTransaction::ReadRecords(
    const RecordRange& range, size_t limit) {
  RETURN_IF_ERROR(CheckUsable());
  std::vector<FileRecord> out;
  Status status = PgReadRecords(*conn_, range, limit, &out);
  if (!status.ok()) return Failed(status);
  return out;
}

Status PostgresTransaction::UpsertEntities(std::span<Entity> entities) {
  RETURN_IF_ERROR(CheckUsable());
  if (entities.empty()) return Status::Ok();
  std::vector<int64_t> ids_before;
  ids_before.reserve(entities.size());
  for (const Entity& e : entities) ids_before.push_back(e.id);
  Status status =
      Atomically([&] { return PgUpsertEntities(*conn_, entities); });
  if (status.ok()) return status;
  for (size_t i = 0; i < entities.size(); ++i) entities[i].id = ids_before[i];
  // Rolled back to the savepoint: the transaction can say which reference
  // was missing.
  if (status.code() == StatusCode::kNotFound && broken_.ok()) {
    status = PgExplainMissing(*conn_, entities, status);
  }
  return status;
}

Status PostgresTransaction::SetEntityBusiness(int64_t id,
                                              std::string_view business_json,
                                              int64_t updated_at_ns) {
  RETURN_IF_ERROR(CheckUsable());
  Status status = PgSetEntityBusiness(*conn_, id, business_json, updated_at_ns);
  return status.ok() ? status : Failed(status);
}

Result<int64_t> PostgresTransaction::DeleteEntities(
    std::span<const int64_t> ids) {
  RETURN_IF_ERROR(CheckUsable());
  Result<int64_t> deleted = PgDeleteEntities(*conn_, ids);
  if (!deleted.ok()) return Failed(deleted.status());
  return deleted;
}

Result<std::vector<Entity>> PostgresTransaction::ListEntities(
    const EntityQuery& q) {
  RETURN_IF_ERROR(CheckUsable());
  Result<std::vector<Entity>> listed = PgListEntities(*conn_, q);
  if (!listed.ok()) return Failed(listed.status());
  return listed;
}

}  // namespace tidemark
