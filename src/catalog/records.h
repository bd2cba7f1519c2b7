// The catalog's value types: repositories, file records, sync operations,
// leases, and what the real-time daemon publishes (watch status) and is asked
// to do (sync requests).
//
// Plain structs with no behaviour beyond name conversions. They are what
// CatalogStore implementations read and write, and what the planner, the
// gateway and the CLI pass around. Thread-compatible.
#ifndef TIDEMARK_CATALOG_RECORDS_H_
#define TIDEMARK_CATALOG_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/hash_algorithm.h"
#include "common/process_identity.h"
#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark {

enum class RepositoryState { kUnknown, kOnline, kOffline };
// kDeleting: a consistent delete (writes/consistent_writer.h) marked the record
// before removing its object; a crash leaves it so, and the next sync either
// removes it (object gone) or makes it present again (object still there).
enum class RecordState { kPresent, kMissing, kOffline, kDeleting };
enum class OperationType {
  kStartup,
  kRealtime,
  kReconciliation,
  kOnDemand,
  kCheck,
  kRepair
};
enum class OperationStatus { kRunning, kCompleted, kPartial, kFailed };
// How the daemon that holds a repository's lease follows its changes.
enum class WatchMode {
  kStopped,   // no daemon is watching (or it shut down)
  kWatching,  // every directory is watched
  kDegraded,  // some directories are unwatched (e.g. out of inotify watches)
  kPolling    // no events at all: periodic reconciliations only
};

struct Repository {
  int64_t id = 0;
  std::string name;
  std::string url;
  std::string options_json = "{}";  // per-repository options (hash, filters)
  RepositoryState state = RepositoryState::kUnknown;
  std::string state_reason;  // why offline; empty otherwise
  // Removed without --purge: its records are kept and readable, but no
  // daemon or worker syncs it.
  bool detached = false;
  // Incremented at the start of every scan; records written by that scan
  // carry it. `last_complete_generation` is the last scan that observed the
  // whole root, so every present record was seen in it.
  int64_t scan_generation = 0;
  int64_t last_complete_generation = 0;
  int64_t created_at_ns = 0;
  int64_t updated_at_ns = 0;
};

// The catalog row for one file.
struct FileRecord {
  int64_t id = 0;  // assigned by the store on insert; kept across moves
  int64_t repository_id = 0;
  std::string path;  // repository-relative raw bytes (common/paths.h)
  EntryKind kind = EntryKind::kFile;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t device = 0;
  uint64_t inode = 0;
  std::string content_hash;  // raw digest bytes; empty when not hashed
  HashAlgorithm hash_algorithm = HashAlgorithm::kNone;
  RecordState state = RecordState::kPresent;
  int64_t last_scanned_ns = 0;
  int64_t scan_generation = 0;  // generation of the scan that last wrote it
  int64_t created_at_ns = 0;
  int64_t updated_at_ns = 0;
};

// Identifies a record for a guarded removal: the store removes it only if the
// record with `id` still has `path` (a concurrent move wins over a removal).
struct RecordKey {
  int64_t id = 0;
  std::string path;
};

struct OperationCounters {
  int64_t scanned = 0;
  int64_t added = 0;
  int64_t updated = 0;
  int64_t moved = 0;
  int64_t removed = 0;
  int64_t errors = 0;
};

struct SyncOperation {
  int64_t id = 0;
  int64_t repository_id = 0;
  OperationType type = OperationType::kReconciliation;
  OperationCounters counters;
  int64_t start_ns = 0;
  int64_t end_ns = 0;  // 0 while running
  int64_t duration_ms = 0;
  OperationStatus status = OperationStatus::kRunning;
  std::string error_message;
  std::string worker;  // the lease holder that ran it ("" before leases)
};

// Who may sync a repository. A lease is held by one holder until it expires
// or is released; every new holder gets a larger fencing token, and writes
// carrying an older token are refused (WriteFence). Times are the store's
// own clock (the server's for PostgreSQL), so workers need not agree on time.
struct Lease {
  int64_t repository_id = 0;
  std::string holder;  // "" when released
  int64_t token = 0;   // grows with every new holder; never reused
  int64_t acquired_at_ns = 0;
  int64_t renewed_at_ns = 0;
  int64_t expires_at_ns = 0;
  int64_t observed_at_ns = 0;  // the store's time when this was read
  // The process that took it (unknown in a lease taken before schema
  // version 5): on its own host, it tells a holder that died from one that
  // runs (common/process_identity.h).
  ProcessIdentity process;

  bool live() const {
    return !holder.empty() && expires_at_ns > observed_at_ns;
  }
};

// Who asks for a lease (CatalogStore::AcquireLease).
struct LeaseClaim {
  std::string holder;       // the worker id
  ProcessIdentity process;  // stored with the lease
  // Nonzero: take the lease although it is live, if it still has this
  // token, because the caller found its holder's process gone (a dead
  // process on the caller's own host). A new holder in the meantime has
  // another token, and is respected.
  int64_t gone_holder_token = 0;
};

// The outcome of AcquireLease: `lease` is the lease as it now stands, ours
// when `acquired`, otherwise the live holder's.
struct LeaseAcquisition {
  bool acquired = false;
  Lease lease;
  // When the lease was taken over from a live holder whose process was
  // gone (LeaseClaim::gone_holder_token): that holder's lease.
  std::optional<Lease> taken_from_gone;
};

// Proof of holding a repository's lease, checked by every fenced write.
struct WriteFence {
  int64_t repository_id = 0;
  int64_t token = 0;
};

// One repository's watch status, as the daemon holding its lease last
// wrote it. One row per repository (an upsert).
struct WatchStatus {
  int64_t repository_id = 0;
  WatchMode mode = WatchMode::kStopped;
  // kDegraded: what is unwatched, why, and the sysctl to raise; kPolling:
  // why there are no events. Empty otherwise.
  std::string reason;
  std::string holder;  // worker id of the daemon that wrote it
  // The token of the lease it was written under: the row describes the
  // repository only while that lease is live (a daemon killed with -9
  // leaves its row behind, and a later holder may reuse its name).
  int64_t lease_token = 0;
  int64_t updated_at_ns = 0;
};

// A request, left in the catalog's mailbox by any process, that the daemon
// holding the repository's lease run an operation now. Pending while
// taken_at_ns is 0; the daemon marks it taken, then finished.
struct SyncRequest {
  int64_t id = 0;  // assigned on insert
  int64_t repository_id = 0;
  OperationType type = OperationType::kReconciliation;
  std::string requested_by;  // worker id / host:pid of the requester
  int64_t requested_at_ns = 0;
  int64_t taken_at_ns = 0;  // 0 while pending
  std::string taken_by;
  int64_t operation_id = 0;    // the sync_operations row that served it
  int64_t finished_at_ns = 0;  // 0 until done

  bool pending() const { return taken_at_ns == 0; }
};

// A domain entity derived from paths by a repository's layout profile
// (layout/layout.h): a car and its slots, a product and its images. The sync
// writes everything but `business_json`, which only explicit operations
// (mark used) change, so business fields survive every sync (DESIGN.md rule
// 5). Unique by (repository_id, kind, key).
struct Entity {
  int64_t id = 0;  // assigned on insert; kept by every upsert
  int64_t repository_id = 0;
  std::string kind;               // "car", "slot", "product", "image", ...
  std::string key;                // unique within (repository, kind)
  int64_t parent_id = 0;          // 0: no parent entity
  std::string path;               // the folder (or file) the entity stands for
  std::string attrs_json = "{}";  // values parsed from the path
  std::string status;             // e.g. "locked" / "empty"; "" if none
  std::string marker_json;        // the marker file's content, "" if none
  int64_t file_count = 0;         // files below `path`, markers excluded
  int64_t total_bytes = 0;        // their bytes
  std::string business_json = "{}";  // never written by a sync
  int64_t created_at_ns = 0;
  int64_t updated_at_ns = 0;  // the last sync that recomputed it
  int64_t deleted_at_ns = 0;  // soft delete; 0 while it exists
};

// Which entities ListEntities returns, ascending by id.
struct EntityQuery {
  int64_t repository_id = 0;
  std::string kind;                  // "" = every kind
  std::optional<std::string> key;    // exact key
  std::optional<int64_t> parent_id;  // children of one entity
  std::string path_scope;            // path equal to it or below it ("" = all)
  bool include_deleted = false;      // soft-deleted ones too
  int64_t after_id = 0;              // keyset paging: ids greater than this
  size_t limit = 0;                  // 0 = no limit
};

struct RepositoryTotals {
  int64_t files = 0;  // records in any state
  int64_t bytes = 0;
  int64_t present = 0;
  int64_t missing = 0;
  int64_t offline = 0;
};

std::string_view RepositoryStateName(RepositoryState s);
std::string_view RecordStateName(RecordState s);
std::string_view OperationTypeName(OperationType t);
std::string_view OperationStatusName(OperationStatus s);
std::string_view EntryKindName(EntryKind k);
std::string_view WatchModeName(WatchMode m);

Result<RepositoryState> ParseRepositoryState(std::string_view s);
Result<RecordState> ParseRecordState(std::string_view s);
Result<OperationType> ParseOperationType(std::string_view s);
Result<OperationStatus> ParseOperationStatus(std::string_view s);
Result<EntryKind> ParseEntryKind(std::string_view s);
Result<WatchMode> ParseWatchMode(std::string_view s);

// Stores `parsed` in `out`, or says which row of `table` held a value this
// binary does not know (DataLoss): for stores decoding enum columns.
template <typename E>
Status DecodeColumn(Result<E> parsed, E* out, std::string_view table,
                    int64_t id) {
  if (!parsed.ok()) {
    return Status::DataLoss(std::string(table) + " row " + std::to_string(id) +
                            ": " + parsed.status().message() +
                            " (written by a newer tidemark?)");
  }
  *out = *parsed;
  return Status::Ok();
}

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_RECORDS_H_
