#include "sync/gateway.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace tidemark {
namespace {

GatewayNotice MakeNotice(GatewayNotice::Kind kind, int64_t repository_id,
                         int64_t entity_id = 0, std::string name = "",
                         const SyncOperation* operation = nullptr) {
  GatewayNotice n;
  n.kind = kind;
  n.repository_id = repository_id;
  n.entity_id = entity_id;
  n.repository_name = std::move(name);
  if (operation != nullptr) n.operation = *operation;
  return n;
}

}  // namespace
namespace {

Status ValidateRepositoryName(const std::string& name) {
  if (name.empty() || name.size() > 128) {
    return Status::InvalidArgument(
        "repository name must be 1 to 128 characters long");
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) {
      return Status::InvalidArgument(
          "repository name '" + name +
          "' may contain only letters, digits, '-', '_' and '.'");
    }
  }
  return Status::Ok();
}

}  // namespace

Gateway::Gateway(CatalogStore& store, Clock& clock, GatewayOptions options)
    : store_(store), clock_(clock), options_(options) {}

Result<Repository> Gateway::AddRepository(const std::string& name,
                                          const std::string& url,
                                          const std::string& options_json) {
  RETURN_IF_ERROR(ValidateRepositoryName(name));
  Repository repo;
  repo.name = name;
  repo.url = url;
  repo.options_json = options_json.empty() ? "{}" : options_json;
  repo.created_at_ns = repo.updated_at_ns = clock_.NowNanos();
  ASSIGN_OR_RETURN(auto txn, store_.Begin());
  auto id = txn->InsertRepository(repo);
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("a repository named '" + name +
                                   "' already exists; pick another name or "
                                   "remove it first with 'repo remove'");
    }
    return id.status();
  }
  repo.id = *id;
  RETURN_IF_ERROR(txn->Commit());
  ForgetIndexer(repo.id);  // SQLite may reuse a removed repository's id
  Notify(
      MakeNotice(GatewayNotice::Kind::kRepositoryAdded, repo.id, 0, repo.name));
  return repo;
}

Status Gateway::RemoveRepository(const Repository& repo) {
  ASSIGN_OR_RETURN(auto txn, BeginFor(repo.id));
  RETURN_IF_ERROR(txn->DeleteRepository(repo.id));
  RETURN_IF_ERROR(txn->Commit());
  ForgetIndexer(repo.id);
  Notify(MakeNotice(GatewayNotice::Kind::kRepositoryRemoved, repo.id, 0,
                    repo.name));
  return Status::Ok();
}

void Gateway::ForgetIndexer(int64_t repository_id) {
  std::lock_guard<std::mutex> lock(indexers_mu_);
  indexers_.erase(repository_id);
}

Status Gateway::RewriteRepository(
    Repository& repo, const std::function<void(Repository&)>& change) {
  Repository updated = repo;
  change(updated);
  updated.updated_at_ns = clock_.NowNanos();
  ASSIGN_OR_RETURN(auto txn, BeginFor(repo.id));
  RETURN_IF_ERROR(txn->UpdateRepository(updated));
  RETURN_IF_ERROR(txn->Commit());
  repo = std::move(updated);
  return Status::Ok();
}

Status Gateway::SetRepositoryState(Repository& repo, RepositoryState state,
                                   const std::string& reason) {
  return RewriteRepository(repo, [&](Repository& r) {
    r.state = state;
    r.state_reason = reason;
  });
}

Status Gateway::SetDetached(Repository& repo, bool detached) {
  // Unfenced on purpose, like RequestSync: detaching is what tells the
  // lease holder to let go, so it cannot wait for the lease.
  ASSIGN_OR_RETURN(auto txn, store_.Begin());
  RETURN_IF_ERROR(txn->SetRepositoryDetached(repo.id, detached));
  RETURN_IF_ERROR(txn->Commit());
  repo.detached = detached;
  return Status::Ok();
}

Result<int64_t> Gateway::BeginScan(Repository& repo) {
  RETURN_IF_ERROR(RewriteRepository(repo, [](Repository& r) {
    r.scan_generation += 1;
    r.state = RepositoryState::kOnline;
    r.state_reason.clear();
  }));
  return repo.scan_generation;
}

Status Gateway::CompleteScan(Repository& repo, int64_t generation) {
  return RewriteRepository(repo, [generation](Repository& r) {
    r.last_complete_generation = generation;
  });
}

Result<SyncOperation> Gateway::BeginOperation(int64_t repository_id,
                                              OperationType type) {
  SyncOperation op;
  op.repository_id = repository_id;
  op.type = type;
  op.status = OperationStatus::kRunning;
  op.start_ns = clock_.NowNanos();
  op.worker = options_.worker_id;
  ASSIGN_OR_RETURN(auto txn, BeginFor(repository_id));
  ASSIGN_OR_RETURN(op.id, txn->InsertOperation(op));
  RETURN_IF_ERROR(txn->Commit());
  Notify(MakeNotice(GatewayNotice::Kind::kOperationStarted, repository_id, 0,
                    "", &op));
  return op;
}

Status Gateway::FinishOperation(SyncOperation& op) {
  op.end_ns = clock_.NowNanos();
  op.duration_ms = std::max<int64_t>(0, (op.end_ns - op.start_ns) / 1'000'000);
  ASSIGN_OR_RETURN(auto txn, BeginFor(op.repository_id));
  RETURN_IF_ERROR(txn->UpdateOperation(op));
  RETURN_IF_ERROR(txn->Commit());
  Notify(MakeNotice(GatewayNotice::Kind::kOperationFinished, op.repository_id,
                    0, "", &op));
  return Status::Ok();
}

Status Gateway::SetWatchStatus(const WatchStatus& s) {
  WatchStatus status = s;
  if (status.holder.empty()) status.holder = options_.worker_id;
  if (auto fence = FenceFor(status.repository_id)) {
    status.lease_token = fence->token;
  }
  status.updated_at_ns = clock_.NowNanos();
  ASSIGN_OR_RETURN(auto txn, BeginFor(status.repository_id));
  RETURN_IF_ERROR(txn->PutWatchStatus(status));
  return txn->Commit();
}

Result<SyncRequest> Gateway::RequestSync(int64_t repository_id,
                                         OperationType type,
                                         const std::string& requested_by) {
  SyncRequest request;
  request.repository_id = repository_id;
  request.type = type;
  request.requested_by =
      requested_by.empty() ? options_.worker_id : requested_by;
  request.requested_at_ns = clock_.NowNanos();
  // Unfenced on purpose: see the header.
  ASSIGN_OR_RETURN(auto txn, store_.Begin());
  ASSIGN_OR_RETURN(request.id, txn->InsertRequest(request));
  RETURN_IF_ERROR(txn->Commit());
  return request;
}

Status Gateway::UpdateRequest(const SyncRequest& r) {
  ASSIGN_OR_RETURN(auto txn, BeginFor(r.repository_id));
  RETURN_IF_ERROR(txn->UpdateRequest(r));
  return txn->Commit();
}

Result<ApplyResult> Gateway::Apply(ChangeSet& set) {
  ApplyResult result;
  ASSIGN_OR_RETURN(auto txn, BeginFor(set.repository_id));
  bool indexed = false;
  if (!set.added.empty()) RETURN_IF_ERROR(txn->InsertRecords(set.added));
  if (!set.updated.empty()) RETURN_IF_ERROR(txn->UpdateRecords(set.updated));
  if (!set.removed.empty()) {
    ASSIGN_OR_RETURN(result.removed, txn->RemoveRecords(set.removed));
  }
  if (!set.empty()) {
    ASSIGN_OR_RETURN(std::shared_ptr<EntityIndexer> indexer,
                     IndexerFor(set.repository_id));
    if (indexer != nullptr) {
      RETURN_IF_ERROR(indexer->Update(*txn, set, clock_.NowNanos()));
      indexed = true;
    }
  }
  if (set.progress != nullptr)
    RETURN_IF_ERROR(txn->UpdateOperation(*set.progress));
  RETURN_IF_ERROR(txn->Commit());
  result.rows_written = static_cast<int64_t>(set.added.size()) +
                        static_cast<int64_t>(set.updated.size()) +
                        result.removed;
  rows_written_ += result.rows_written;
  spdlog::debug(
      "repository {}: change set applied: {} added, {} updated, {} removed",
      set.repository_id, set.added.size(), set.updated.size(), result.removed);
  if (has_subscribers_.load()) Publish(set, result.removed);
  if (indexed) {
    Notify(MakeNotice(GatewayNotice::Kind::kEntitiesRecomputed,
                      set.repository_id));
  }
  return result;
}

Status Gateway::RebuildEntities(int64_t repository_id) {
  ASSIGN_OR_RETURN(std::shared_ptr<EntityIndexer> indexer,
                   IndexerFor(repository_id));
  if (indexer == nullptr) return Status::Ok();
  ASSIGN_OR_RETURN(auto txn, BeginFor(repository_id));
  RETURN_IF_ERROR(indexer->Rebuild(*txn, repository_id, clock_.NowNanos()));
  RETURN_IF_ERROR(txn->Commit());
  Notify(MakeNotice(GatewayNotice::Kind::kEntitiesRecomputed, repository_id));
  return Status::Ok();
}

Status Gateway::SetEntityBusiness(int64_t repository_id, int64_t entity_id,
                                  const std::string& business_json) {
  ASSIGN_OR_RETURN(auto txn, BeginFor(repository_id));
  RETURN_IF_ERROR(
      txn->SetEntityBusiness(entity_id, business_json, clock_.NowNanos()));
  RETURN_IF_ERROR(txn->Commit());
  Notify(MakeNotice(GatewayNotice::Kind::kEntityChanged, repository_id,
                    entity_id));
  return Status::Ok();
}

Result<std::shared_ptr<EntityIndexer>> Gateway::IndexerFor(
    int64_t repository_id) {
  if (!options_.indexers) return std::shared_ptr<EntityIndexer>();
  std::lock_guard<std::mutex> lock(indexers_mu_);
  if (auto it = indexers_.find(repository_id); it != indexers_.end()) {
    return it->second;
  }
  ASSIGN_OR_RETURN(std::shared_ptr<EntityIndexer> indexer,
                   options_.indexers(repository_id));
  indexers_[repository_id] = indexer;
  return indexer;
}

Result<std::unique_ptr<CatalogTransaction>> Gateway::BeginFor(
    int64_t repository_id) {
  if (std::optional<WriteFence> fence = FenceFor(repository_id)) {
    return store_.Begin(*fence);
  }
  if (options_.require_lease) {
    return Status::FailedPrecondition(
        "no lease held on repository " + std::to_string(repository_id) +
        ": a write needs the repository's lease (internal error)");
  }
  return store_.Begin();
}

std::optional<WriteFence> Gateway::FenceFor(int64_t repository_id) const {
  std::lock_guard<std::mutex> lock(fences_mu_);
  auto it = fences_.find(repository_id);
  if (it == fences_.end()) return std::nullopt;
  return WriteFence{repository_id, it->second};
}

Result<LeaseAcquisition> Gateway::AcquireLease(const Repository& repo,
                                               int64_t ttl_ms) {
  const std::string holder =
      options_.worker_id.empty() ? std::string("tidemark") : options_.worker_id;
  LeaseClaim claim{holder, {}, 0};
  if (options_.process_probe != nullptr) {
    claim.process = options_.process_probe->Self();
  }
  ASSIGN_OR_RETURN(LeaseAcquisition got,
                   store_.AcquireLease(repo.id, claim, ttl_ms));
  if (!got.acquired && HolderFate(got.lease) == ProcessFate::kGone) {
    // Only this very lease: if another process took it meanwhile, its
    // token differs and it stays.
    claim.gone_holder_token = got.lease.token;
    ASSIGN_OR_RETURN(got, store_.AcquireLease(repo.id, claim, ttl_ms));
  }
  if (!got.acquired) return got;
  {
    std::lock_guard<std::mutex> lock(fences_mu_);
    fences_[repo.id] = got.lease.token;
  }
  if (Status closed = FailAbandonedOperations(repo.id, holder); !closed.ok()) {
    // Nobody would renew or release a lease returned with an error.
    (void)ReleaseLease(repo.id);
    return closed;
  }
  return got;
}

ProcessFate Gateway::HolderFate(const Lease& lease) const {
  if (options_.process_probe == nullptr || !lease.live()) {
    return ProcessFate::kUnknown;
  }
  return ProbeProcess(lease.process, *options_.process_probe);
}

Result<Lease> Gateway::RenewLease(int64_t repository_id, int64_t ttl_ms) {
  std::optional<WriteFence> fence = FenceFor(repository_id);
  if (!fence) {
    return Status::FailedPrecondition("no lease held on repository " +
                                      std::to_string(repository_id));
  }
  return store_.RenewLease(*fence, ttl_ms);
}

Status Gateway::ReleaseLease(int64_t repository_id) {
  std::optional<WriteFence> fence = FenceFor(repository_id);
  if (!fence) return Status::Ok();
  RETURN_IF_ERROR(store_.ReleaseLease(*fence));
  std::lock_guard<std::mutex> lock(fences_mu_);
  fences_.erase(repository_id);
  return Status::Ok();
}

Status Gateway::FailAbandonedOperations(int64_t repository_id,
                                        const std::string& holder) {
  // Running rows are few and recent; a scan of the newest ones finds them.
  ASSIGN_OR_RETURN(auto ops, store_.ListOperations(repository_id, 100));
  for (SyncOperation& op : ops) {
    if (op.status != OperationStatus::kRunning) continue;
    op.status = OperationStatus::kFailed;
    op.error_message = "interrupted: " +
                       (op.worker.empty() ? std::string("its worker")
                                          : "worker '" + op.worker + "'") +
                       " stopped or lost the lease before finishing; '" +
                       holder +
                       "' took over, and its next scan converges the catalog";
    if (op.end_ns == 0) op.end_ns = clock_.NowNanos();
    op.duration_ms =
        std::max<int64_t>(0, (op.end_ns - op.start_ns) / 1'000'000);
    ASSIGN_OR_RETURN(auto txn, BeginFor(repository_id));
    RETURN_IF_ERROR(txn->UpdateOperation(op));
    RETURN_IF_ERROR(txn->Commit());
  }
  return Status::Ok();
}

void Gateway::Publish(const ChangeSet& set, int64_t removed) {
  ChangeBatch batch;
  batch.repository_id = set.repository_id;
  batch.added = static_cast<int64_t>(set.added.size());
  for (size_t i = 0; i < set.updated.size(); ++i) {
    const bool moved = i < set.moved_from.size() && !set.moved_from[i].empty();
    (moved ? batch.moved : batch.updated) += 1;
  }
  batch.removed = removed;
  const size_t total =
      set.added.size() + set.updated.size() + set.removed.size();
  batch.bulk = total > options_.bulk_event_threshold;
  if (!batch.bulk) {
    for (const FileRecord& r : set.added) {
      batch.events.push_back({ChangeEvent::Type::kAdded, r.id, r.path, ""});
    }
    for (size_t i = 0; i < set.updated.size(); ++i) {
      const FileRecord& r = set.updated[i];
      const bool moved =
          i < set.moved_from.size() && !set.moved_from[i].empty();
      batch.events.push_back(
          {moved ? ChangeEvent::Type::kMoved : ChangeEvent::Type::kUpdated,
           r.id, r.path, moved ? set.moved_from[i] : ""});
    }
    // Guarded removals that did not match are indistinguishable here; the
    // count above is exact, the list names what was asked.
    for (const RecordKey& k : set.removed) {
      batch.events.push_back({ChangeEvent::Type::kRemoved, k.id, k.path, ""});
    }
  }
  std::lock_guard<std::mutex> lock(subscribers_mu_);
  for (const auto& [handle, subscriber] : subscribers_) subscriber(batch);
}

int Gateway::Subscribe(Subscriber subscriber) {
  std::lock_guard<std::mutex> lock(subscribers_mu_);
  const int handle = next_handle_++;
  subscribers_.emplace_back(handle, std::move(subscriber));
  has_subscribers_ = true;
  return handle;
}

void Gateway::Unsubscribe(int handle) {
  std::lock_guard<std::mutex> lock(subscribers_mu_);
  std::erase_if(subscribers_,
                [handle](const auto& p) { return p.first == handle; });
  has_subscribers_ = !subscribers_.empty();
}

int Gateway::SubscribeNotices(NoticeSubscriber subscriber) {
  std::lock_guard<std::mutex> lock(subscribers_mu_);
  const int handle = next_handle_++;
  notice_subscribers_.emplace_back(handle, std::move(subscriber));
  has_notice_subscribers_ = true;
  return handle;
}

void Gateway::UnsubscribeNotices(int handle) {
  std::lock_guard<std::mutex> lock(subscribers_mu_);
  std::erase_if(notice_subscribers_,
                [handle](const auto& p) { return p.first == handle; });
  has_notice_subscribers_ = !notice_subscribers_.empty();
}

void Gateway::Notify(const GatewayNotice& notice) {
  if (!has_notice_subscribers_.load()) return;
  std::vector<NoticeSubscriber> subscribers;
  {
    std::lock_guard<std::mutex> lock(subscribers_mu_);
    for (const auto& [handle, s] : notice_subscribers_)
      subscribers.push_back(s);
  }
  for (const NoticeSubscriber& s : subscribers) s(notice);
}

}  // namespace tidemark
