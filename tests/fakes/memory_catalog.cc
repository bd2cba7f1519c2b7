#include "fakes/memory_catalog.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "catalog/migrations.h"
#include "common/paths.h"
#include "fakes/memory_catalog_transaction.h"

namespace tidemark {
namespace {

constexpr auto kWriterWait = std::chrono::seconds(5);
constexpr size_t kMaxRecordReserve = 8192;

}  // namespace

const Repository* MemoryTransaction::CurrentRepo(int64_t id) const {
  if (auto it = repos_.find(id); it != repos_.end()) {
    return it->second ? &*it->second : nullptr;
  }
  auto it = base_.repositories.find(id);
  return it == base_.repositories.end() ? nullptr : &it->second.repo;
}

const FileRecord* MemoryTransaction::CurrentRecord(int64_t id) const {
  if (auto it = records_.find(id); it != records_.end()) {
    return it->second ? &*it->second : nullptr;
  }
  auto where = base_.record_ids.find(id);
  if (where == base_.record_ids.end()) return nullptr;
  const auto& [repository_id, path] = where->second;
  if (CurrentRepo(repository_id) == nullptr) return nullptr;  // cascaded
  return &base_.repositories.at(repository_id).records.find(path)->second;
}

std::optional<int64_t> MemoryTransaction::PathOwner(
    int64_t repository_id, const std::string& path) const {
  if (auto it = claims_.find({repository_id, path}); it != claims_.end()) {
    return it->second;
  }
  if (CurrentRepo(repository_id) == nullptr) return std::nullopt;
  auto repo = base_.repositories.find(repository_id);
  if (repo == base_.repositories.end()) return std::nullopt;
  auto rec = repo->second.records.find(path);
  if (rec == repo->second.records.end()) return std::nullopt;
  // A pending version of that record, if it still has this path, is a claim.
  if (records_.count(rec->second.id) != 0) return std::nullopt;
  return rec->second.id;
}

bool MemoryTransaction::NameTaken(const std::string& name) const {
  if (new_names_.count(name) != 0) return true;
  auto it = base_.names.find(name);
  return it != base_.names.end() && CurrentRepo(it->second) != nullptr;
}

void MemoryTransaction::SetRecord(int64_t id, std::optional<FileRecord> value,
                                  Undo* undo) {
  auto it = records_.find(id);
  if (undo != nullptr) {
    undo->records.emplace_back(
        id, it == records_.end()
                ? std::nullopt
                : std::optional<std::optional<FileRecord>>(it->second));
  }
  auto claim = [&](const PathKey& key, std::optional<int64_t> owner) {
    if (undo != nullptr) {
      auto c = claims_.find(key);
      undo->claims.emplace_back(key, c == claims_.end()
                                         ? std::nullopt
                                         : std::optional<int64_t>(c->second));
    }
    if (owner) {
      claims_[key] = *owner;
    } else {
      claims_.erase(key);
    }
  };
  if (it != records_.end() && it->second) {
    claim({it->second->repository_id, it->second->path}, std::nullopt);
  }
  if (value) claim({value->repository_id, value->path}, id);
  records_[id] = std::move(value);
}

void MemoryTransaction::Rollback(Undo& undo) {
  for (auto it = undo.claims.rbegin(); it != undo.claims.rend(); ++it) {
    if (it->second) {
      claims_[it->first] = *it->second;
    } else {
      claims_.erase(it->first);
    }
  }
  for (auto it = undo.records.rbegin(); it != undo.records.rend(); ++it) {
    if (it->second) {
      records_[it->first] = std::move(*it->second);
    } else {
      records_.erase(it->first);
    }
  }
}

Status MemoryTransaction::InsertRecords(std::span<FileRecord> records) {
  RETURN_IF_ERROR(CheckUsable());
  Undo undo;
  for (size_t i = 0; i < records.size(); ++i) {
    FileRecord& r = records[i];
    Status status;
    if (CurrentRepo(r.repository_id) == nullptr) {
      status = Status::NotFound("inserting record '" + DisplayPath(r.path) +
                                "': no such repository " +
                                std::to_string(r.repository_id));
    } else if (PathOwner(r.repository_id, r.path)) {
      status =
          Status::AlreadyExists("inserting record '" + DisplayPath(r.path) +
                                "': the path is already in repository " +
                                std::to_string(r.repository_id));
    }
    if (!status.ok()) {
      Rollback(undo);
      for (size_t j = 0; j < i; ++j) records[j].id = 0;
      return status;
    }
    r.id = NextId();
    SetRecord(r.id, r, &undo);
  }
  rows_ += static_cast<int64_t>(records.size());
  return Status::Ok();
}

Status MemoryTransaction::UpdateRecords(std::span<const FileRecord> records) {
  RETURN_IF_ERROR(CheckUsable());
  Undo undo;
  for (const FileRecord& r : records) {
    Status status;
    std::optional<int64_t> owner;
    if (CurrentRecord(r.id) == nullptr) {
      status =
          Status::NotFound("catalog record " + std::to_string(r.id) + " ('" +
                           DisplayPath(r.path) + "') does not exist");
    } else if (CurrentRepo(r.repository_id) == nullptr) {
      status = Status::NotFound("updating record " + std::to_string(r.id) +
                                ": no such repository " +
                                std::to_string(r.repository_id));
    } else if ((owner = PathOwner(r.repository_id, r.path)) && *owner != r.id) {
      status = Status::AlreadyExists("updating record " + std::to_string(r.id) +
                                     " to '" + DisplayPath(r.path) +
                                     "': the path is taken");
    }
    if (!status.ok()) {
      Rollback(undo);
      return status;
    }
    SetRecord(r.id, r, &undo);
  }
  rows_ += static_cast<int64_t>(records.size());
  return Status::Ok();
}

Result<int64_t> MemoryTransaction::RemoveRecords(
    std::span<const RecordKey> keys) {
  RETURN_IF_ERROR(CheckUsable());
  int64_t removed = 0;
  for (const RecordKey& key : keys) {
    const FileRecord* current = CurrentRecord(key.id);
    if (current == nullptr || current->path != key.path) continue;
    SetRecord(key.id, std::nullopt, nullptr);
    ++removed;
  }
  rows_ += removed;
  return removed;
}

Result<int64_t> MemoryTransaction::InsertRepository(const Repository& repo) {
  RETURN_IF_ERROR(CheckUsable());
  if (NameTaken(repo.name)) {
    return Status::AlreadyExists("a repository named '" + repo.name +
                                 "' already exists: choose another name");
  }
  Repository copy = repo;
  copy.id = NextId();
  new_names_[copy.name] = copy.id;
  repos_[copy.id] = copy;
  return copy.id;
}

Status MemoryTransaction::UpdateRepository(const Repository& repo) {
  RETURN_IF_ERROR(CheckUsable());
  const Repository* current = CurrentRepo(repo.id);
  if (current == nullptr) {
    return Status::NotFound("repository " + std::to_string(repo.id) + " ('" +
                            repo.name + "') does not exist");
  }
  // The name and creation time stay; the rest is rewritten.
  Repository updated = *current;
  updated.url = repo.url;
  updated.options_json = repo.options_json;
  updated.state = repo.state;
  updated.state_reason = repo.state_reason;
  updated.scan_generation = repo.scan_generation;
  updated.last_complete_generation = repo.last_complete_generation;
  updated.updated_at_ns = repo.updated_at_ns;
  repos_[repo.id] = std::move(updated);
  return Status::Ok();
}

Status MemoryTransaction::SetRepositoryDetached(int64_t repository_id,
                                                bool detached) {
  RETURN_IF_ERROR(CheckUsable());
  const Repository* current = CurrentRepo(repository_id);
  if (current == nullptr) {
    return Status::NotFound("repository " + std::to_string(repository_id) +
                            " does not exist");
  }
  Repository updated = *current;
  updated.detached = detached;
  repos_[repository_id] = std::move(updated);
  return Status::Ok();
}

Status MemoryTransaction::DeleteRepository(int64_t repository_id) {
  RETURN_IF_ERROR(CheckUsable());
  const Repository* current = CurrentRepo(repository_id);
  if (current == nullptr) {
    return Status::NotFound("repository " + std::to_string(repository_id) +
                            " does not exist");
  }
  new_names_.erase(current->name);
  // Pending records, entities and operations go with it; committed ones cascade
  // in Apply.
  std::vector<int64_t> doomed;
  for (const auto& [id, value] : records_) {
    if (value && value->repository_id == repository_id) doomed.push_back(id);
  }
  for (int64_t id : doomed) SetRecord(id, std::nullopt, nullptr);
  std::vector<int64_t> doomed_entities;
  for (const auto& [id, value] : entities_) {
    if (value && value->repository_id == repository_id) {
      doomed_entities.push_back(id);
    }
  }
  for (int64_t id : doomed_entities) SetEntity(id, std::nullopt);
  for (auto& [id, op] : ops_) {
    if (op && op->repository_id == repository_id) op.reset();
  }
  watches_.erase(repository_id);
  std::erase_if(requests_, [repository_id](const auto& entry) {
    return entry.second.repository_id == repository_id;
  });
  repos_[repository_id] = std::nullopt;
  return Status::Ok();
}

Result<int64_t> MemoryTransaction::InsertOperation(const SyncOperation& op) {
  RETURN_IF_ERROR(CheckUsable());
  if (CurrentRepo(op.repository_id) == nullptr) {
    return Status::NotFound("recording an operation: no such repository " +
                            std::to_string(op.repository_id));
  }
  SyncOperation copy = op;
  copy.id = NextId();
  ops_[copy.id] = copy;
  return copy.id;
}

Status MemoryTransaction::UpdateOperation(const SyncOperation& op) {
  RETURN_IF_ERROR(CheckUsable());
  std::optional<int64_t> repository_id;
  if (auto it = ops_.find(op.id); it != ops_.end()) {
    if (it->second) repository_id = it->second->repository_id;
  } else if (auto b = base_.operation_ids.find(op.id);
             b != base_.operation_ids.end() &&
             CurrentRepo(b->second) != nullptr) {
    repository_id = b->second;
  }
  if (!repository_id) {
    return Status::NotFound("operation " + std::to_string(op.id) +
                            " does not exist");
  }
  // An operation stays with its repository.
  SyncOperation copy = op;
  copy.repository_id = *repository_id;
  ops_[op.id] = std::move(copy);
  return Status::Ok();
}

Status MemoryTransaction::PutWatchStatus(const WatchStatus& s) {
  RETURN_IF_ERROR(CheckUsable());
  if (CurrentRepo(s.repository_id) == nullptr) {
    return Status::NotFound("writing the watch status: no such repository " +
                            std::to_string(s.repository_id));
  }
  watches_[s.repository_id] = s;
  return Status::Ok();
}

Result<int64_t> MemoryTransaction::InsertRequest(const SyncRequest& r) {
  RETURN_IF_ERROR(CheckUsable());
  if (CurrentRepo(r.repository_id) == nullptr) {
    return Status::NotFound("requesting a sync: no such repository " +
                            std::to_string(r.repository_id));
  }
  SyncRequest copy = r;
  copy.id = NextId();
  requests_[copy.id] = copy;
  return copy.id;
}

Status MemoryTransaction::UpdateRequest(const SyncRequest& r) {
  RETURN_IF_ERROR(CheckUsable());
  const SyncRequest* current = nullptr;
  if (auto it = requests_.find(r.id); it != requests_.end()) {
    current = &it->second;
  } else if (auto b = base_.request_ids.find(r.id);
             b != base_.request_ids.end() &&
             CurrentRepo(b->second) != nullptr) {
    current = &base_.repositories.at(b->second).requests.at(r.id);
  }
  if (current == nullptr) {
    return Status::NotFound("sync request " + std::to_string(r.id) +
                            " does not exist");
  }
  // Only what happened to it changes; who asked for what stays.
  SyncRequest updated = *current;
  updated.taken_at_ns = r.taken_at_ns;
  updated.taken_by = r.taken_by;
  updated.operation_id = r.operation_id;
  updated.finished_at_ns = r.finished_at_ns;
  requests_[r.id] = std::move(updated);
  return Status::Ok();
}

void MemoryTransaction::Apply(MemoryCatalog::State& state) {
  auto erase_record = [&state](int64_t id) {
    auto where = state.record_ids.find(id);
    if (where == state.record_ids.end()) return;
    state.repositories[where->second.first].records.erase(where->second.second);
    state.record_ids.erase(where);
  };
  // Old versions first, so a pending record may take a path another pending
  // change vacates.
  for (const auto& [id, value] : records_) erase_record(id);
  ApplyEntities(state, /*erase_phase=*/true);
  for (auto& [id, repo] : repos_) {
    auto it = state.repositories.find(id);
    if (!repo) {
      if (it == state.repositories.end()) continue;
      for (const auto& [path, record] : it->second.records) {
        state.record_ids.erase(record.id);
      }
      for (const auto& [op_id, op] : it->second.operations) {
        state.operation_ids.erase(op_id);
      }
      for (const auto& [request_id, request] : it->second.requests) {
        state.request_ids.erase(request_id);
      }
      for (const auto& [entity_id, entity] : it->second.entities) {
        state.entity_ids.erase(entity_id);
      }
      state.names.erase(it->second.repo.name);
      state.repositories.erase(it);
    } else if (it != state.repositories.end()) {
      it->second.repo = *repo;
    } else {
      state.names[repo->name] = id;
      state.repositories[id].repo = *repo;
    }
  }
  for (auto& [id, value] : records_) {
    if (!value) continue;
    state.record_ids[id] = {value->repository_id, value->path};
    state.repositories[value->repository_id].records[value->path] =
        std::move(*value);
  }
  ApplyEntities(state, /*erase_phase=*/false);
  for (auto& [id, op] : ops_) {
    if (!op) {
      auto where = state.operation_ids.find(id);
      if (where == state.operation_ids.end()) continue;
      state.repositories[where->second].operations.erase(id);
      state.operation_ids.erase(where);
      continue;
    }
    state.operation_ids[id] = op->repository_id;
    state.repositories[op->repository_id].operations[id] = std::move(*op);
  }
  for (auto& [repository_id, watch] : watches_) {
    state.repositories[repository_id].watch = std::move(watch);
  }
  for (auto& [id, request] : requests_) {
    state.request_ids[id] = request.repository_id;
    state.repositories[request.repository_id].requests[id] = std::move(request);
  }
}

Status MemoryTransaction::Commit() {
  RETURN_IF_ERROR(CheckUsable());
  open_ = false;
  {
    std::lock_guard<std::mutex> lock(catalog_->mu_);
    if (catalog_->commits_allowed_ == 0) {
      lock_.unlock();
      return catalog_->commit_failure_;
    }
    if (catalog_->commits_allowed_ > 0) --catalog_->commits_allowed_;
    Apply(catalog_->state_);
    catalog_->rows_written_ += rows_;
  }
  lock_.unlock();
  return Status::Ok();
}

void MemoryCatalog::FailCommitsAfter(int n, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  commits_allowed_ = n < 0 ? -1 : n;
  commit_failure_ = std::move(status);
}

void MemoryCatalog::SetUnavailable(bool unavailable) {
  std::lock_guard<std::mutex> lock(mu_);
  unavailable_ = unavailable;
}

int64_t MemoryCatalog::rows_written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rows_written_;
}

Status MemoryCatalog::CheckAvailable() const {
  if (!unavailable_) return Status::Ok();
  return Status::Unavailable(
      "memory catalog is locked by another process (injected fault)");
}

int MemoryCatalog::SchemaVersion() const { return LatestSchemaVersion(); }

MemoryCatalog::MemoryCatalog(Clock* clock)
    : clock_(clock != nullptr ? *clock : SystemClock::Default()) {}

Result<std::unique_ptr<CatalogTransaction>> MemoryCatalog::BeginTransaction(
    const WriteFence* fence) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(CheckAvailable());
  }
  std::unique_lock<std::timed_mutex> writer(writer_mu_, std::defer_lock);
  if (!writer.try_lock_for(kWriterWait)) {
    return Status::Unavailable(
        "memory catalog is locked by another transaction");
  }
  if (fence != nullptr) {
    // Takeovers hold writer_mu_ too, so the token cannot move on while this
    // transaction is open.
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(CheckFenceLocked(*fence));
  }
  return std::unique_ptr<CatalogTransaction>(
      new MemoryTransaction(this, std::move(writer)));
}

Result<std::optional<Repository>> MemoryCatalog::FindRepository(
    std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  auto it = state_.names.find(name);
  if (it == state_.names.end()) return std::optional<Repository>();
  return std::optional<Repository>(state_.repositories.at(it->second).repo);
}

Result<std::vector<Repository>> MemoryCatalog::ListRepositories() {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  std::vector<Repository> out;
  for (const auto& [name, id] : state_.names) {
    out.push_back(state_.repositories.at(id).repo);
  }
  return out;
}

Result<std::vector<FileRecord>> MemoryCatalog::ReadRecords(
    const RecordRange& range, size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  std::vector<FileRecord> out;
  auto repo = state_.repositories.find(range.repository_id);
  if (limit == 0 || repo == state_.repositories.end()) return out;
  out.reserve(std::min(limit, kMaxRecordReserve));
  const auto& records = repo->second.records;
  // The same bounds as the SQLite store: the scope itself, then the range
  // strictly below it, both after `after`.
  std::string lower;
  if (range.after) lower = *range.after + std::string(1, '\0');
  std::string upper;
  if (!range.scope.empty()) {
    if (!range.after || *range.after < range.scope) {
      auto self = records.find(range.scope);
      if (self != records.end()) out.push_back(self->second);
    }
    std::string below = range.scope + "/";
    upper = PrefixSuccessor(below);
    lower = std::max(lower, below);
  }
  for (auto it = records.lower_bound(lower);
       it != records.end() && out.size() < limit &&
       (upper.empty() || it->first < upper);
       ++it) {
    out.push_back(it->second);
  }
  return out;
}

Result<std::optional<FileRecord>> MemoryCatalog::FindRecord(
    int64_t repository_id, std::string_view path) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  auto repo = state_.repositories.find(repository_id);
  if (repo == state_.repositories.end()) return std::optional<FileRecord>();
  auto it = repo->second.records.find(path);
  if (it == repo->second.records.end()) return std::optional<FileRecord>();
  return std::optional<FileRecord>(it->second);
}

Result<std::vector<FileRecord>> MemoryCatalog::FindRecordsByInode(
    int64_t repository_id, uint64_t device, uint64_t inode) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  std::vector<FileRecord> out;
  auto repo = state_.repositories.find(repository_id);
  if (repo == state_.repositories.end()) return out;
  for (const auto& [path, record] : repo->second.records) {
    if (record.inode == inode && record.device == device) {
      out.push_back(record);
    }
  }
  return out;
}

Result<RepositoryTotals> MemoryCatalog::Totals(int64_t repository_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  RepositoryTotals totals;
  auto repo = state_.repositories.find(repository_id);
  if (repo == state_.repositories.end()) return totals;
  for (const auto& [path, record] : repo->second.records) {
    ++totals.files;
    totals.bytes += record.size;
    switch (record.state) {
      case RecordState::kPresent:
        ++totals.present;
        break;
      case RecordState::kMissing:
        ++totals.missing;
        break;
      case RecordState::kOffline:
        ++totals.offline;
        break;
      case RecordState::kDeleting:  // in files and bytes only
        break;
    }
  }
  return totals;
}

Result<std::vector<SyncOperation>> MemoryCatalog::ListOperations(
    int64_t repository_id, size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  std::vector<SyncOperation> out;
  auto repo = state_.repositories.find(repository_id);
  if (repo == state_.repositories.end()) return out;
  const auto& ops = repo->second.operations;
  for (auto it = ops.rbegin(); it != ops.rend() && out.size() < limit; ++it) {
    out.push_back(it->second);
  }
  return out;
}

}  // namespace tidemark
