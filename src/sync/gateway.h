// Gateway: the only code that writes the catalog.
//
// Every change to repositories, file records, sync operations, the daemon's
// watch status and the sync request mailbox goes through here. Apply() writes
// one ChangeSet in one CatalogStore transaction and then publishes what changed
// to in-process subscribers (later: the change log, SSE and webhooks). Large
// sets are published as one bulk event with counts instead of one event per
// record.
//
// The Gateway borrows the store and the clock; both must outlive it.
// With leases (GatewayOptions::require_lease), the Gateway is also where a
// process's fencing tokens live: every write for a leased repository is
// opened with the lease's fence, so a worker that lost its lease cannot
// write.
//
// Thread-safe: writes are serialized by the store's transactions, and the
// subscriber list has its own lock. Subscribers are called on the writing
// thread after the commit and must not call back into the Gateway.
#ifndef TIDEMARK_SYNC_GATEWAY_H_
#define TIDEMARK_SYNC_GATEWAY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog_store.h"
#include "common/clock.h"
#include "common/process_identity.h"
#include "common/result.h"
#include "sync/entity_indexer.h"

namespace tidemark {

// Record changes for one repository, applied atomically.
struct ChangeSet {
  int64_t repository_id = 0;
  std::vector<FileRecord> added;        // ids are assigned by Apply
  std::vector<FileRecord> updated;      // by id; a new path is a move
  std::vector<std::string> moved_from;  // old path of each updated record
                                        // that moved, "" for plain updates
  std::vector<RecordKey> removed;       // guarded by (id, path)
  // When set, this operation row is rewritten in the same transaction, so
  // its counters never disagree with the records.
  const SyncOperation* progress = nullptr;

  bool empty() const {
    return added.empty() && updated.empty() && removed.empty();
  }
};

struct ChangeEvent {
  enum class Type { kAdded, kUpdated, kMoved, kRemoved };
  Type type = Type::kAdded;
  int64_t record_id = 0;
  std::string path;
  std::string old_path;  // for kMoved
};

// What subscribers receive after each committed ChangeSet.
struct ChangeBatch {
  int64_t repository_id = 0;
  bool bulk = false;  // true: `events` is empty, only the counts are set
  int64_t added = 0;
  int64_t updated = 0;
  int64_t moved = 0;
  int64_t removed = 0;
  std::vector<ChangeEvent> events;
};

// What notice subscribers receive after a committed write that is not a
// record change set: an operation begun or finished, an entity's business
// fields set, the entities of a change set recomputed, a repository added
// or removed. The API turns these into resource events.
struct GatewayNotice {
  enum class Kind {
    kOperationStarted,
    kOperationFinished,
    kEntitiesRecomputed,  // entity_id 0: those a ChangeSet touched
    kEntityChanged,       // business fields of entity_id
    kRepositoryAdded,
    kRepositoryRemoved,
  };
  Kind kind = Kind::kOperationFinished;
  int64_t repository_id = 0;
  int64_t entity_id = 0;
  std::string repository_name;  // for kRepositoryAdded and kRepositoryRemoved
  SyncOperation operation;      // for the operation kinds
};

struct ApplyResult {
  int64_t rows_written = 0;  // records inserted, updated and removed
  int64_t removed = 0;       // removals that matched (guarded)
};

struct GatewayOptions {
  // Sets with more records than this are published as one bulk event.
  size_t bulk_event_threshold = 1000;
  // Who this process is: the lease holder name, recorded on operations.
  std::string worker_id;
  // When true, every write to an existing repository must carry the fence
  // of a lease taken through AcquireLease; others fail FailedPrecondition.
  // The CLI sets it; single-process tests may leave writes unfenced.
  bool require_lease = false;
  // Finds each repository's layout indexer (sync/entity_indexer.h); unset:
  // no repository has a layout.
  IndexerLookup indexers;
  // Who this process is, stored with every lease it takes, and how it
  // looks at other processes of its host: a live lease whose holder's
  // process is gone from this host (killed with -9) is taken over at once.
  // Null: leases carry no identity and free up by expiry only. Borrowed;
  // it must outlive the Gateway.
  const ProcessProbe* process_probe = nullptr;
};

class Gateway {
 public:
  using Subscriber = std::function<void(const ChangeBatch&)>;

  Gateway(CatalogStore& store, Clock& clock, GatewayOptions options = {});

  // Repositories. AddRepository: AlreadyExists for a taken name,
  // InvalidArgument for an empty or malformed name.
  Result<Repository> AddRepository(const std::string& name,
                                   const std::string& url,
                                   const std::string& options_json);
  Status RemoveRepository(const Repository& repo);
  // Records whether the root could be reached. Touches no file record.
  // Detaches a repository (no daemon or worker syncs it; its records stay)
  // or attaches it again. Touches no file record. Unfenced: it is how
  // another process tells the lease holder to let go.
  Status SetDetached(Repository& repo, bool detached);
  Status SetRepositoryState(Repository& repo, RepositoryState state,
                            const std::string& reason);
  // Starts a scan: increments the repository's scan generation, marks it
  // online, and returns the new generation.
  Result<int64_t> BeginScan(Repository& repo);
  // Records that scan `generation` observed the whole root.
  Status CompleteScan(Repository& repo, int64_t generation);

  // Bulk-load hints around a first import (CatalogStore::BeginBulkLoad).
  Status BeginBulkLoad() { return store_.BeginBulkLoad(); }
  Status EndBulkLoad() { return store_.EndBulkLoad(); }

  // Leases (CatalogStore: one syncing worker per repository). A successful
  // AcquireLease registers the fence, so every later write to the repository
  // carries it, and marks operations left running by a previous holder as
  // failed. A lost lease keeps its stale fence: writes then fail Aborted
  // instead of slipping through unfenced. ReleaseLease forgets the fence.
  // A live lease whose holder's process is gone (HolderFate) is taken over
  // like an expired one, with a new token; the result then has
  // taken_from_gone.
  Result<LeaseAcquisition> AcquireLease(const Repository& repo, int64_t ttl_ms);
  // What this process can tell of the process holding `lease`
  // (common/process_identity.h); kUnknown without a process_probe.
  ProcessFate HolderFate(const Lease& lease) const;
  Result<Lease> RenewLease(int64_t repository_id, int64_t ttl_ms);
  Status ReleaseLease(int64_t repository_id);
  // The fence registered for a repository, if any.
  std::optional<WriteFence> FenceFor(int64_t repository_id) const;

  // Operations history. BeginOperation inserts a running row.
  Result<SyncOperation> BeginOperation(int64_t repository_id,
                                       OperationType type);
  // Sets end time and duration from the clock and writes the final row.
  Status FinishOperation(SyncOperation& op);

  // The daemon's watch status (CatalogStore::PutWatchStatus): fenced like
  // every write for the repository, so only the lease holder publishes it.
  // An empty s.holder is filled with GatewayOptions::worker_id, and
  // updated_at_ns is set from the clock. NotFound for an unknown
  // repository; Aborted after the lease was lost; FailedPrecondition
  // without a lease when require_lease is set.
  Status SetWatchStatus(const WatchStatus& s);

  // The request mailbox. RequestSync asks the holder of the repository's
  // lease to run an operation of `type` now, and returns the pending
  // request with its id (requested_at_ns from the clock; an empty
  // `requested_by` is filled with GatewayOptions::worker_id). It is NOT
  // fenced, on purpose, and works without a lease even with require_lease:
  // the requester is by definition not the holder (it asks the holder), and
  // the mailbox is not sync bookkeeping: a request changes no record,
  // repository or operation, and the holder acts on it only through its
  // own fenced writes, so a stray or duplicate request costs at most one
  // extra reconciliation. NotFound for an unknown repository.
  Result<SyncRequest> RequestSync(int64_t repository_id, OperationType type,
                                  const std::string& requested_by);
  // Records what happened to request r.id (taken, served by an operation,
  // finished; CatalogStore::UpdateRequest). Fenced by the lease of
  // r.repository_id: only the holder takes and finishes requests. NotFound
  // when the request is gone (its repository was removed).
  Status UpdateRequest(const SyncRequest& r);

  // Writes `set` in one transaction; assigns ids to `set.added`. When the
  // repository has a layout, the entities the set touched are recomputed in
  // the same transaction. After an error nothing was written and nothing is
  // published.
  Result<ApplyResult> Apply(ChangeSet& set);

  // Recomputes every entity of a repository with a layout from its records,
  // in one transaction (fenced like Apply). Does nothing without a layout.
  Status RebuildEntities(int64_t repository_id);

  // Sets the business fields of one entity (is_used and who marked it
  // when): the only write to them, which no sync ever makes. Fenced like
  // Apply. NotFound for an unknown entity.
  Status SetEntityBusiness(int64_t repository_id, int64_t entity_id,
                           const std::string& business_json);

  // Returns a handle for Unsubscribe.
  int Subscribe(Subscriber subscriber);
  void Unsubscribe(int handle);
  // Notices (GatewayNotice), with the same rules as Subscribe: called on
  // the writing thread after the commit, never calling back.
  using NoticeSubscriber = std::function<void(const GatewayNotice&)>;
  int SubscribeNotices(NoticeSubscriber subscriber);
  void UnsubscribeNotices(int handle);

  // Records written through Apply since construction.
  int64_t rows_written() const { return rows_written_.load(); }

  Clock& clock() { return clock_; }
  const std::string& worker_id() const { return options_.worker_id; }

  // Drops the cached layout indexer of a repository, so that the next write
  // looks it up again. Adding and removing through this Gateway do it; a
  // daemon does it whenever it takes up a repository, because another
  // process may have removed and re-added it meanwhile (SQLite reuses ids)
  // with another layout.
  void ForgetIndexer(int64_t repository_id);

 private:
  // A write transaction for `repository_id`, fenced when a lease is held.
  Result<std::unique_ptr<CatalogTransaction>> BeginFor(int64_t repository_id);
  // Fails operations of `repository_id` still marked running: after a
  // takeover nobody is running them any more.
  Status FailAbandonedOperations(int64_t repository_id,
                                 const std::string& previous_holder);
  void Publish(const ChangeSet& set, int64_t removed);
  // Applies `change` to a copy of `repo`, writes it, and on success stores
  // the result back into `repo`.
  Status RewriteRepository(Repository& repo,
                           const std::function<void(Repository&)>& change);

  // The cached indexer of a repository (null: no layout).
  Result<std::shared_ptr<EntityIndexer>> IndexerFor(int64_t repository_id);

  CatalogStore& store_;
  Clock& clock_;
  GatewayOptions options_;

  std::mutex indexers_mu_;
  std::map<int64_t, std::shared_ptr<EntityIndexer>> indexers_;
  std::atomic<int64_t> rows_written_{0};

  mutable std::mutex fences_mu_;
  std::map<int64_t, int64_t> fences_;  // repository id -> token

  std::mutex subscribers_mu_;
  void Notify(const GatewayNotice& notice);

  std::vector<std::pair<int, Subscriber>> subscribers_;
  std::vector<std::pair<int, NoticeSubscriber>> notice_subscribers_;
  std::atomic<bool> has_notice_subscribers_{false};
  int next_handle_ = 1;
  std::atomic<bool> has_subscribers_{false};
};

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_GATEWAY_H_
