// The entity half of MemoryCatalog (memory_catalog.h) and the reads a
// MemoryTransaction (memory_catalog_transaction.h) makes of its own view:
// committed state with the transaction's pending writes merged over it.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "common/paths.h"
#include "fakes/memory_catalog.h"
#include "fakes/memory_catalog_transaction.h"

namespace tidemark {
namespace {

constexpr size_t kMaxEntityReserve = 8192;

// Path equal to `scope` or below it; "" is everything. The same set as the
// range ["scope/", "scope0") plus the scope itself that the SQL stores use.
bool InScope(const std::string& path, const std::string& scope) {
  if (scope.empty() || path == scope) return true;
  return path.size() > scope.size() && path[scope.size()] == '/' &&
         path.compare(0, scope.size(), scope) == 0;
}

// Every filter of `q` but the repository and after_id, which callers apply
// while walking ids.
bool Matches(const Entity& e, const EntityQuery& q) {
  if (!q.kind.empty() && e.kind != q.kind) return false;
  if (q.key && e.key != *q.key) return false;
  if (q.parent_id && e.parent_id != *q.parent_id) return false;
  if (!q.include_deleted && e.deleted_at_ns != 0) return false;
  return InScope(e.path, q.path_scope);
}

bool Full(const std::vector<Entity>& out, const EntityQuery& q) {
  return q.limit != 0 && out.size() >= q.limit;
}

}  // namespace

// ---- Records read inside a transaction.

void MemoryTransaction::CollectRecords(int64_t repository_id,
                                       const std::string& lower,
                                       const std::optional<std::string>& upper,
                                       size_t limit,
                                       std::vector<FileRecord>* out) const {
  const std::map<std::string, FileRecord, std::less<>>* committed = nullptr;
  if (auto repo = base_.repositories.find(repository_id);
      repo != base_.repositories.end()) {
    committed = &repo->second.records;
  }
  auto below = [&upper](const std::string& path) {
    return !upper || path < *upper;
  };
  // Two sorted streams: committed records without a pending version, and
  // pending records (claims_ is ordered by (repository, path)). A path is in
  // at most one of them: a pending record cannot claim a committed path
  // unless that committed record has a pending version itself.
  std::map<std::string, FileRecord, std::less<>>::const_iterator b;
  if (committed != nullptr) b = committed->lower_bound(lower);
  auto p = claims_.lower_bound({repository_id, lower});
  while (out->size() < limit) {
    while (committed != nullptr && b != committed->end() && below(b->first) &&
           records_.count(b->second.id) != 0) {
      ++b;
    }
    const bool has_b =
        committed != nullptr && b != committed->end() && below(b->first);
    const bool has_p = p != claims_.end() && p->first.first == repository_id &&
                       below(p->first.second);
    if (!has_b && !has_p) return;
    if (has_p && (!has_b || p->first.second < b->first)) {
      out->push_back(*records_.at(p->second));
      ++p;
    } else {
      out->push_back(b->second);
      ++b;
    }
  }
}

Result<std::vector<FileRecord>> MemoryTransaction::ReadRecords(
    const RecordRange& range, size_t limit) {
  RETURN_IF_ERROR(CheckUsable());
  std::vector<FileRecord> out;
  if (limit == 0 || CurrentRepo(range.repository_id) == nullptr) return out;
  out.reserve(std::min(limit, kMaxEntityReserve));
  // The same bounds as the stores: the scope itself, then the range strictly
  // below it, both after `after`.
  std::string lower;
  if (range.after) lower = *range.after + std::string(1, '\0');
  if (range.scope.empty()) {
    CollectRecords(range.repository_id, lower, std::nullopt, limit, &out);
    return out;
  }
  if (!range.after || *range.after < range.scope) {
    CollectRecords(range.repository_id, range.scope,
                   range.scope + std::string(1, '\0'), limit, &out);
  }
  const std::string below = range.scope + "/";
  CollectRecords(range.repository_id, std::max(lower, below),
                 PrefixSuccessor(below), limit, &out);
  return out;
}

// ---- Entities in a transaction.

const Entity* MemoryTransaction::CurrentEntity(int64_t id) const {
  if (auto it = entities_.find(id); it != entities_.end()) {
    return it->second ? &*it->second : nullptr;
  }
  auto where = base_.entity_ids.find(id);
  if (where == base_.entity_ids.end()) return nullptr;
  if (CurrentRepo(where->second) == nullptr) return nullptr;  // cascaded
  return &base_.repositories.at(where->second).entities.at(id);
}

std::optional<int64_t> MemoryTransaction::EntityIdByKey(
    int64_t repository_id, const std::string& kind,
    const std::string& key) const {
  // A key never changes, so every live pending entity is in entity_keys_.
  if (auto it = entity_keys_.find({repository_id, kind, key});
      it != entity_keys_.end()) {
    return it->second;
  }
  if (CurrentRepo(repository_id) == nullptr) return std::nullopt;
  auto repo = base_.repositories.find(repository_id);
  if (repo == base_.repositories.end()) return std::nullopt;
  auto it = repo->second.entity_keys.find({kind, key});
  if (it == repo->second.entity_keys.end()) return std::nullopt;
  // A pending version that is not in entity_keys_ was deleted.
  if (entities_.count(it->second) != 0) return std::nullopt;
  return it->second;
}

void MemoryTransaction::SetEntity(int64_t id, std::optional<Entity> value) {
  auto it = entities_.find(id);
  if (it != entities_.end() && it->second) {
    entity_keys_.erase(
        {it->second->repository_id, it->second->kind, it->second->key});
  }
  if (value) entity_keys_[{value->repository_id, value->kind, value->key}] = id;
  entities_[id] = std::move(value);
}

void MemoryTransaction::ForEachCurrentEntity(
    const std::function<void(const Entity&)>& fn) const {
  for (const auto& [repository_id, data] : base_.repositories) {
    if (CurrentRepo(repository_id) == nullptr) continue;
    for (const auto& [id, entity] : data.entities) {
      if (entities_.count(id) == 0) fn(entity);
    }
  }
  for (const auto& [id, value] : entities_) {
    if (value) fn(*value);
  }
}

Status MemoryTransaction::UpsertEntities(std::span<Entity> entities) {
  RETURN_IF_ERROR(CheckUsable());
  // Everything is checked before anything is written, so a failure leaves
  // the transaction as it was. A parent is named by id, so it exists before
  // this call.
  for (const Entity& e : entities) {
    if (CurrentRepo(e.repository_id) == nullptr) {
      return Status::NotFound("writing " + e.kind + " '" + e.key +
                              "': no such repository " +
                              std::to_string(e.repository_id));
    }
    if (e.parent_id != 0 && CurrentEntity(e.parent_id) == nullptr) {
      return Status::NotFound("writing " + e.kind + " '" + e.key +
                              "': no parent entity " +
                              std::to_string(e.parent_id));
    }
  }
  for (Entity& e : entities) {
    Entity value = e;
    if (std::optional<int64_t> id =
            EntityIdByKey(e.repository_id, e.kind, e.key)) {
      const Entity* current = CurrentEntity(*id);
      value.id = *id;
      value.created_at_ns = current->created_at_ns;
      value.business_json = current->business_json;
    } else {
      value.id = NextId();
    }
    e.id = value.id;
    SetEntity(value.id, std::move(value));
  }
  return Status::Ok();
}

Status MemoryTransaction::SetEntityBusiness(int64_t id,
                                            std::string_view business_json,
                                            int64_t updated_at_ns) {
  RETURN_IF_ERROR(CheckUsable());
  const Entity* current = CurrentEntity(id);
  if (current == nullptr) {
    return Status::NotFound("entity " + std::to_string(id) + " does not exist");
  }
  Entity updated = *current;
  updated.business_json = std::string(business_json);
  updated.updated_at_ns = updated_at_ns;
  SetEntity(id, std::move(updated));
  return Status::Ok();
}

Result<int64_t> MemoryTransaction::DeleteEntities(
    std::span<const int64_t> ids) {
  RETURN_IF_ERROR(CheckUsable());
  if (ids.empty()) return int64_t{0};
  std::unordered_map<int64_t, std::vector<int64_t>> children;
  ForEachCurrentEntity([&children](const Entity& e) {
    if (e.parent_id != 0) children[e.parent_id].push_back(e.id);
  });
  std::unordered_set<int64_t> doomed;
  std::vector<int64_t> todo;
  for (int64_t id : ids) {
    if (CurrentEntity(id) != nullptr && doomed.insert(id).second) {
      todo.push_back(id);
    }
  }
  while (!todo.empty()) {
    const int64_t id = todo.back();
    todo.pop_back();
    auto it = children.find(id);
    if (it == children.end()) continue;
    for (int64_t child : it->second) {
      if (doomed.insert(child).second) todo.push_back(child);
    }
  }
  for (int64_t id : doomed) SetEntity(id, std::nullopt);
  return static_cast<int64_t>(doomed.size());
}

Result<std::vector<Entity>> MemoryTransaction::ListEntities(
    const EntityQuery& q) {
  RETURN_IF_ERROR(CheckUsable());
  std::vector<Entity> out;
  if (CurrentRepo(q.repository_id) == nullptr) return out;
  const std::map<int64_t, Entity>* committed = nullptr;
  if (auto repo = base_.repositories.find(q.repository_id);
      repo != base_.repositories.end()) {
    committed = &repo->second.entities;
  }
  // Two id-ordered streams: committed entities without a pending version,
  // and pending ones (of every repository; filtered here).
  std::map<int64_t, Entity>::const_iterator b;
  if (committed != nullptr) b = committed->upper_bound(q.after_id);
  auto p = entities_.upper_bound(q.after_id);
  while (!Full(out, q)) {
    while (committed != nullptr && b != committed->end() &&
           entities_.count(b->first) != 0) {
      ++b;
    }
    const bool has_b = committed != nullptr && b != committed->end();
    const bool has_p = p != entities_.end();
    if (!has_b && !has_p) break;
    const Entity* e = nullptr;
    if (has_p && (!has_b || p->first < b->first)) {
      if (p->second) e = &*p->second;
      ++p;
    } else {
      e = &b->second;
      ++b;
    }
    if (e != nullptr && e->repository_id == q.repository_id && Matches(*e, q)) {
      out.push_back(*e);
    }
  }
  return out;
}

void MemoryTransaction::ApplyEntities(MemoryCatalog::State& state,
                                      bool erase_phase) {
  if (erase_phase) {
    // Old versions first, so a new entity may take a key a deleted one had.
    for (const auto& [id, value] : entities_) {
      auto where = state.entity_ids.find(id);
      if (where == state.entity_ids.end()) continue;
      MemoryCatalog::RepositoryData& data = state.repositories[where->second];
      auto it = data.entities.find(id);
      if (it != data.entities.end()) {
        data.entity_keys.erase({it->second.kind, it->second.key});
        data.entities.erase(it);
      }
      state.entity_ids.erase(where);
    }
    return;
  }
  for (auto& [id, value] : entities_) {
    if (!value) continue;
    MemoryCatalog::RepositoryData& data =
        state.repositories[value->repository_id];
    state.entity_ids[id] = value->repository_id;
    data.entity_keys[{value->kind, value->key}] = id;
    data.entities[id] = std::move(*value);
  }
}

// ---- Entities of the committed state.

Result<std::vector<Entity>> MemoryCatalog::ListEntities(const EntityQuery& q) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  std::vector<Entity> out;
  auto repo = state_.repositories.find(q.repository_id);
  if (repo == state_.repositories.end()) return out;
  const auto& entities = repo->second.entities;
  for (auto it = entities.upper_bound(q.after_id);
       it != entities.end() && !Full(out, q); ++it) {
    if (Matches(it->second, q)) out.push_back(it->second);
  }
  return out;
}

}  // namespace tidemark
