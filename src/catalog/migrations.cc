#include "catalog/migrations.h"

#include <array>

namespace tidemark {
namespace {

// Times are nanoseconds since the epoch in 64-bit integers. Paths are byte
// strings (BLOB / bytea) so names that are not UTF-8 survive and order by
// memcmp, which is the order of std::string and of the listing streams.
// device and inode are uint64 stored as the int64 with the same bits.
constexpr std::string_view kSqliteV1 = R"sql(
CREATE TABLE schema_version (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL
);
CREATE TABLE repositories (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL,
  state_reason TEXT NOT NULL DEFAULT '',
  scan_generation INTEGER NOT NULL DEFAULT 0,
  last_complete_generation INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE file_records (
  id INTEGER PRIMARY KEY,
  repository_id INTEGER NOT NULL
    REFERENCES repositories(id) ON DELETE CASCADE,
  path BLOB NOT NULL,
  kind TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  device INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  content_hash BLOB,
  hash_algorithm TEXT NOT NULL DEFAULT 'none',
  state TEXT NOT NULL,
  last_scanned INTEGER NOT NULL,
  scan_generation INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (repository_id, path)
);
CREATE INDEX file_records_inode ON file_records (repository_id, inode);
CREATE TABLE sync_operations (
  id INTEGER PRIMARY KEY,
  repository_id INTEGER NOT NULL
    REFERENCES repositories(id) ON DELETE CASCADE,
  operation_type TEXT NOT NULL,
  files_scanned INTEGER NOT NULL DEFAULT 0,
  files_added INTEGER NOT NULL DEFAULT 0,
  files_updated INTEGER NOT NULL DEFAULT 0,
  files_moved INTEGER NOT NULL DEFAULT 0,
  files_removed INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  error_message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_operations_repository ON sync_operations (repository_id, id);
)sql";

// bytea compares bytewise like memcmp, so the unique index on (repository_id,
// path) serves the same keyset reads as SQLite's BLOB index. Repository
// names sort bytewise too (COLLATE "C"), whatever the database's locale.
// file_records.repository_id has no foreign key: PostgreSQL checks one with
// a query per inserted row, which cost 40% of a bulk COPY. The store checks
// the repositories of each batch instead, holding the same FOR KEY SHARE
// lock the foreign key would, and deletes a repository's records itself
// (see postgres_transaction.cc).
constexpr std::string_view kPostgresV1 = R"sql(
CREATE TABLE schema_version (
  version integer PRIMARY KEY,
  description text NOT NULL
);
CREATE TABLE repositories (
  id bigserial PRIMARY KEY,
  name text COLLATE "C" NOT NULL UNIQUE,
  url text NOT NULL,
  options text NOT NULL DEFAULT '{}',
  state text NOT NULL,
  state_reason text NOT NULL DEFAULT '',
  scan_generation bigint NOT NULL DEFAULT 0,
  last_complete_generation bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE TABLE file_records (
  id bigserial PRIMARY KEY,
  repository_id bigint NOT NULL,
  path bytea NOT NULL,
  kind text NOT NULL,
  size bigint NOT NULL,
  mtime_ns bigint NOT NULL,
  device bigint NOT NULL,
  inode bigint NOT NULL,
  content_hash bytea,
  hash_algorithm text NOT NULL DEFAULT 'none',
  state text NOT NULL,
  last_scanned bigint NOT NULL,
  scan_generation bigint NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  UNIQUE (repository_id, path)
);
CREATE INDEX file_records_inode ON file_records (repository_id, inode);
CREATE TABLE sync_operations (
  id bigserial PRIMARY KEY,
  repository_id bigint NOT NULL
    REFERENCES repositories(id) ON DELETE CASCADE,
  operation_type text NOT NULL,
  files_scanned bigint NOT NULL DEFAULT 0,
  files_added bigint NOT NULL DEFAULT 0,
  files_updated bigint NOT NULL DEFAULT 0,
  files_moved bigint NOT NULL DEFAULT 0,
  files_removed bigint NOT NULL DEFAULT 0,
  errors bigint NOT NULL DEFAULT 0,
  start_time bigint NOT NULL,
  end_time bigint NOT NULL DEFAULT 0,
  duration_ms bigint NOT NULL DEFAULT 0,
  status text NOT NULL,
  error_message text NOT NULL DEFAULT ''
);
CREATE INDEX sync_operations_repository ON sync_operations (repository_id, id);
)sql";

// Leases: one row per repository that was ever leased (holder '' once
// released). Tokens come from one catalog-wide counter (lease_tokens), so
// they only grow, even across a repository id that SQLite reuses after a
// removal. Operations name the worker that ran them.
constexpr std::string_view kSqliteV2 = R"sql(
CREATE TABLE repository_leases (
  repository_id INTEGER PRIMARY KEY
    REFERENCES repositories(id) ON DELETE CASCADE,
  holder TEXT NOT NULL,
  token INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL,
  renewed_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE lease_tokens (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last INTEGER NOT NULL
);
INSERT INTO lease_tokens (id, last) VALUES (1, 0);
ALTER TABLE sync_operations ADD COLUMN worker TEXT NOT NULL DEFAULT '';
)sql";

constexpr std::string_view kPostgresV2 = R"sql(
CREATE TABLE repository_leases (
  repository_id bigint PRIMARY KEY
    REFERENCES repositories(id) ON DELETE CASCADE,
  holder text NOT NULL,
  token bigint NOT NULL,
  acquired_at bigint NOT NULL,
  renewed_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE SEQUENCE lease_tokens;
ALTER TABLE sync_operations ADD COLUMN worker text NOT NULL DEFAULT '';
)sql";

// What the real-time daemon shares with other processes: the watch status
// of each repository (one row, upserted by the lease holder) and a mailbox
// of sync requests that any process may add. Both go with their repository.
// Request ids are never reused (AUTOINCREMENT; a sequence in PostgreSQL),
// so a requester waiting on an id whose repository was removed cannot end
// up watching another repository's request. operation_id has no foreign
// key: it is 0 until the serving operation exists.
constexpr std::string_view kSqliteV3 = R"sql(
ALTER TABLE repositories ADD COLUMN detached INTEGER NOT NULL DEFAULT 0;
CREATE TABLE repository_watch (
  repository_id INTEGER PRIMARY KEY
    REFERENCES repositories(id) ON DELETE CASCADE,
  mode TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  holder TEXT NOT NULL DEFAULT '',
  lease_token INTEGER NOT NULL DEFAULT 0,
  updated_at_ns INTEGER NOT NULL
);
CREATE TABLE sync_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  repository_id INTEGER NOT NULL
    REFERENCES repositories(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  requested_by TEXT NOT NULL DEFAULT '',
  requested_at_ns INTEGER NOT NULL,
  taken_at_ns INTEGER NOT NULL DEFAULT 0,
  taken_by TEXT NOT NULL DEFAULT '',
  operation_id INTEGER NOT NULL DEFAULT 0,
  finished_at_ns INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sync_requests_pending ON sync_requests (repository_id,
                                                     taken_at_ns);
)sql";

constexpr std::string_view kPostgresV3 = R"sql(
ALTER TABLE repositories ADD COLUMN detached boolean NOT NULL DEFAULT false;
CREATE TABLE repository_watch (
  repository_id bigint PRIMARY KEY
    REFERENCES repositories(id) ON DELETE CASCADE,
  mode text NOT NULL,
  reason text NOT NULL DEFAULT '',
  holder text NOT NULL DEFAULT '',
  lease_token bigint NOT NULL DEFAULT 0,
  updated_at_ns bigint NOT NULL
);
CREATE TABLE sync_requests (
  id bigserial PRIMARY KEY,
  repository_id bigint NOT NULL
    REFERENCES repositories(id) ON DELETE CASCADE,
  type text NOT NULL,
  requested_by text NOT NULL DEFAULT '',
  requested_at_ns bigint NOT NULL,
  taken_at_ns bigint NOT NULL DEFAULT 0,
  taken_by text NOT NULL DEFAULT '',
  operation_id bigint NOT NULL DEFAULT 0,
  finished_at_ns bigint NOT NULL DEFAULT 0
);
CREATE INDEX sync_requests_pending ON sync_requests (repository_id,
                                                     taken_at_ns);
)sql";

// Domain entities derived from paths by a repository's layout profile
// (records.h): unique by (repository, kind, key), with a parent in the same
// table. parent_id is NULL for "no parent" (0 in the API) so that it can be
// a foreign key; deleting an entity takes its descendants with it. key and
// path are byte strings like file_records.path: a key may be a path, and the
// (repository_id, path) index serves the same range scans for path scopes.
// Ids are never reused (AUTOINCREMENT; a sequence in PostgreSQL): business
// systems may hold on to them.
constexpr std::string_view kSqliteV4 = R"sql(
CREATE TABLE entities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  repository_id INTEGER NOT NULL
    REFERENCES repositories(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  key BLOB NOT NULL,
  parent_id INTEGER REFERENCES entities(id) ON DELETE CASCADE,
  path BLOB NOT NULL,
  attrs_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT '',
  marker_json TEXT NOT NULL DEFAULT '',
  file_count INTEGER NOT NULL DEFAULT 0,
  total_bytes INTEGER NOT NULL DEFAULT 0,
  business_json TEXT NOT NULL DEFAULT '{}',
  created_at_ns INTEGER NOT NULL,
  updated_at_ns INTEGER NOT NULL,
  deleted_at_ns INTEGER NOT NULL DEFAULT 0,
  UNIQUE (repository_id, kind, key)
);
CREATE INDEX entities_path ON entities (repository_id, path);
CREATE INDEX entities_parent ON entities (parent_id);
)sql";

constexpr std::string_view kPostgresV4 = R"sql(
CREATE TABLE entities (
  id bigserial PRIMARY KEY,
  repository_id bigint NOT NULL
    REFERENCES repositories(id) ON DELETE CASCADE,
  kind text NOT NULL,
  key bytea NOT NULL,
  parent_id bigint REFERENCES entities(id) ON DELETE CASCADE,
  path bytea NOT NULL,
  attrs_json text NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT '',
  marker_json text NOT NULL DEFAULT '',
  file_count bigint NOT NULL DEFAULT 0,
  total_bytes bigint NOT NULL DEFAULT 0,
  business_json text NOT NULL DEFAULT '{}',
  created_at_ns bigint NOT NULL,
  updated_at_ns bigint NOT NULL,
  deleted_at_ns bigint NOT NULL DEFAULT 0,
  UNIQUE (repository_id, kind, key)
);
CREATE INDEX entities_path ON entities (repository_id, path);
CREATE INDEX entities_parent ON entities (parent_id);
)sql";

// The process behind each lease (common/process_identity.h): the boot id of
// its machine, its pid namespace (an inode, uint64 as int64), its pid and
// its start time in clock ticks since boot. On the holder's own host these
// tell a holder that died from one that runs, so a dead process's lease is
// taken over at once instead of after its expiry. Rows from before stay
// unknown ('' and 0) and free up by expiry only.
constexpr std::string_view kSqliteV5 = R"sql(
ALTER TABLE repository_leases ADD COLUMN holder_boot_id TEXT NOT NULL
  DEFAULT '';
ALTER TABLE repository_leases ADD COLUMN holder_pid_namespace INTEGER NOT NULL
  DEFAULT 0;
ALTER TABLE repository_leases ADD COLUMN holder_pid INTEGER NOT NULL
  DEFAULT 0;
ALTER TABLE repository_leases ADD COLUMN holder_start_ticks INTEGER NOT NULL
  DEFAULT 0;
)sql";

constexpr std::string_view kPostgresV5 = R"sql(
ALTER TABLE repository_leases
  ADD COLUMN holder_boot_id text NOT NULL DEFAULT '',
  ADD COLUMN holder_pid_namespace bigint NOT NULL DEFAULT 0,
  ADD COLUMN holder_pid bigint NOT NULL DEFAULT 0,
  ADD COLUMN holder_start_ticks bigint NOT NULL DEFAULT 0;
)sql";

constexpr std::array<Migration, 5> kMigrations{{
    {1, "repositories, file records and sync operations", kSqliteV1,
     kPostgresV1},
    {2, "repository leases; the worker of each operation", kSqliteV2,
     kPostgresV2},
    {3, "daemon watch status and sync request mailbox", kSqliteV3, kPostgresV3},
    {4, "entities derived from paths by layout profiles", kSqliteV4,
     kPostgresV4},
    {5, "the process identity of each lease holder", kSqliteV5, kPostgresV5},
}};

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

}  // namespace tidemark
