#include "entities/layout_indexer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "common/paths.h"
#include "sync/gateway.h"

namespace tidemark {
namespace {

constexpr size_t kPage = 8192;
constexpr size_t kMaxMarkerBytes = 64 * 1024;

using EntityId = std::pair<std::string, std::string>;  // (kind, key)
// A top-level entity at one path: a car whose folder was renamed is touched
// at its old path and its new one, and both are recomputed.
using TopId = std::tuple<std::string, std::string, std::string>;

// What one entity adds up to while the records below it are read.
struct Tally {
  layout::EntityRef ref;
  int64_t file_count = 0;
  int64_t total_bytes = 0;
  std::string marker_path;  // set when the marker exists
};

std::string AttrsJson(const layout::EntityRef& ref) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : ref.attrs) j[name] = value;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Every record below (or at) `scope`, as the transaction sees them.
Result<std::vector<FileRecord>> ReadAll(CatalogTransaction& tx,
                                        int64_t repository_id,
                                        const std::string& scope) {
  std::vector<FileRecord> all;
  RecordRange range{repository_id, scope, std::nullopt};
  while (true) {
    ASSIGN_OR_RETURN(std::vector<FileRecord> page,
                     tx.ReadRecords(range, kPage));
    if (page.empty()) break;
    range.after = page.back().path;
    const bool last = page.size() < kPage;
    std::move(page.begin(), page.end(), std::back_inserter(all));
    if (last) break;
  }
  return all;
}

// True when at least one record lies at or below `scope`.
Result<bool> HasRecords(CatalogTransaction& tx, int64_t repository_id,
                        const std::string& scope) {
  RecordRange range{repository_id, scope, std::nullopt};
  ASSIGN_OR_RETURN(std::vector<FileRecord> page, tx.ReadRecords(range, 1));
  return !page.empty();
}

std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// The entity a tally stands for, without marker, status and parent.
Entity Build(int64_t repository_id, const layout::EntityRef& ref,
             int64_t file_count, int64_t total_bytes, int64_t now_ns) {
  Entity e;
  e.repository_id = repository_id;
  e.kind = ref.kind;
  e.key = ref.key;
  e.path = ref.path;
  e.attrs_json = AttrsJson(ref);
  e.file_count = file_count;
  e.total_bytes = total_bytes;
  e.created_at_ns = e.updated_at_ns = now_ns;
  return e;
}

// True when writing `e` would change nothing the sync owns.
bool SameAsStored(const Entity& e, const Entity& stored) {
  return stored.deleted_at_ns == 0 && e.parent_id == stored.parent_id &&
         e.path == stored.path && e.attrs_json == stored.attrs_json &&
         e.status == stored.status && e.marker_json == stored.marker_json &&
         e.file_count == stored.file_count &&
         e.total_bytes == stored.total_bytes;
}

}  // namespace

LayoutIndexer::LayoutIndexer(std::shared_ptr<const layout::Layout> layout,
                             std::shared_ptr<StorageBackend> backend,
                             std::string repository_name)
    : layout_(std::move(layout)),
      backend_(std::move(backend)),
      repository_name_(std::move(repository_name)) {}

Status LayoutIndexer::Update(CatalogTransaction& tx, const ChangeSet& set,
                             int64_t now_ns) {
  std::vector<std::string> touched;
  touched.reserve(set.added.size() + set.updated.size() + set.removed.size());
  for (const FileRecord& r : set.added) touched.push_back(r.path);
  for (const FileRecord& r : set.updated) touched.push_back(r.path);
  for (const std::string& from : set.moved_from) {
    if (!from.empty()) touched.push_back(from);
  }
  const size_t written = touched.size();
  for (const RecordKey& k : set.removed) touched.push_back(k.path);

  std::map<TopId, layout::EntityRef> tops;
  for (size_t i = 0; i < touched.size(); ++i) {
    layout::PathMatch m = layout_->Match(touched[i]);
    if (!m.ok()) {
      // Said once, when the path arrives; its removal needs no warning.
      if (i < written) {
        spdlog::warn("layout '{}' of repository '{}': skipping '{}': {}",
                     layout_->name(), repository_name_, DisplayPath(touched[i]),
                     m.error);
      }
      continue;
    }
    const layout::EntityRef& top = m.entities.front();
    tops.try_emplace({top.kind, top.key, top.path}, top);
  }
  std::sort(touched.begin(), touched.end());
  return RecomputeAll(tx, set.repository_id, tops, touched, now_ns);
}

Status LayoutIndexer::Rebuild(CatalogTransaction& tx, int64_t repository_id,
                              int64_t now_ns) {
  ASSIGN_OR_RETURN(std::vector<FileRecord> records,
                   ReadAll(tx, repository_id, ""));
  std::map<TopId, layout::EntityRef> tops;
  std::vector<std::string> paths;
  for (const FileRecord& r : records) {
    layout::PathMatch m = layout_->Match(r.path);
    if (!m.ok()) {
      spdlog::warn("layout '{}' of repository '{}': skipping '{}': {}",
                   layout_->name(), repository_name_, DisplayPath(r.path),
                   m.error);
      continue;
    }
    paths.push_back(r.path);  // every marker is read again
    const layout::EntityRef& top = m.entities.front();
    tops.try_emplace({top.kind, top.key, top.path}, top);
  }
  records.clear();
  // Entities whose files are all gone are recomputed too (to be deleted).
  EntityQuery all;
  all.repository_id = repository_id;
  all.include_deleted = true;
  ASSIGN_OR_RETURN(std::vector<Entity> existing, tx.ListEntities(all));
  for (const Entity& e : existing) {
    if (e.parent_id != 0 || tops.count({e.kind, e.key, e.path}) != 0) {
      continue;
    }
    layout::PathMatch m = layout_->Match(e.path + "/x");
    if (!m.ok() || m.entities.front().key != e.key) continue;
    tops.try_emplace({e.kind, e.key, e.path}, m.entities.front());
  }
  return RecomputeAll(tx, repository_id, tops, paths, now_ns);
}

Status LayoutIndexer::RecomputeAll(
    CatalogTransaction& tx, int64_t repository_id,
    const std::map<TopId, layout::EntityRef>& tops,
    const std::vector<std::string>& touched, int64_t now_ns) const {
  // One entity per (kind, key), whatever folders claim it: the map is
  // ordered so each key's folders are adjacent.
  for (auto it = tops.begin(); it != tops.end();) {
    std::vector<layout::EntityRef> claims;
    auto end = it;
    while (end != tops.end() && std::get<0>(end->first) == it->second.kind &&
           std::get<1>(end->first) == it->second.key) {
      claims.push_back(end->second);
      ++end;
    }
    it = end;
    ASSIGN_OR_RETURN(layout::EntityRef owner, Owner(tx, repository_id, claims));
    RETURN_IF_ERROR(Recompute(tx, repository_id, owner, touched, now_ns));
  }
  return Status::Ok();
}

Result<layout::EntityRef> LayoutIndexer::Owner(
    CatalogTransaction& tx, int64_t repository_id,
    const std::vector<layout::EntityRef>& claims) const {
  const layout::EntityRef& first = claims.front();
  EntityQuery q;
  q.repository_id = repository_id;
  q.kind = first.kind;
  q.key = first.key;
  q.include_deleted = true;
  ASSIGN_OR_RETURN(std::vector<Entity> stored, tx.ListEntities(q));
  // Candidates in order of preference: the folder the entity has now, then
  // the claiming folders in path order. The first that still holds files
  // owns the entity; another folder with the same key is skipped, loudly
  // (two folders of one VIN must not make one car flip between them).
  std::vector<layout::EntityRef> candidates;
  if (!stored.empty() && stored.front().path != first.path) {
    layout::PathMatch m = layout_->Match(stored.front().path + "/x");
    if (m.ok() && m.entities.front().key == first.key) {
      candidates.push_back(m.entities.front());
    }
  }
  for (const layout::EntityRef& claim : claims) {
    if (!stored.empty() && claim.path == stored.front().path) {
      candidates.insert(candidates.begin(), claim);
    } else {
      candidates.push_back(claim);
    }
  }
  std::optional<layout::EntityRef> owner;
  for (const layout::EntityRef& c : candidates) {
    ASSIGN_OR_RETURN(bool has, HasRecords(tx, repository_id, c.path));
    if (!has) continue;
    if (!owner.has_value()) {
      owner = c;
    } else if (c.path != owner->path) {
      spdlog::warn(
          "layout '{}' of repository '{}': skipping folder '{}': {} '{}' is "
          "already the folder '{}'; rename or merge one of them",
          layout_->name(), repository_name_, DisplayPath(c.path), c.kind,
          DisplayPath(c.key), DisplayPath(owner->path));
    }
  }
  if (owner.has_value()) return *owner;
  // No claiming folder holds files any more. Before the entity is deleted,
  // look beside them for another folder of the same key (one that was
  // skipped as a duplicate): it takes the entity over.
  const std::string& gone = candidates.front().path;
  ASSIGN_OR_RETURN(std::vector<FileRecord> beside,
                   ReadAll(tx, repository_id, ParentDir(gone)));
  for (const FileRecord& r : beside) {
    layout::PathMatch m = layout_->Match(r.path);
    if (!m.ok()) continue;
    const layout::EntityRef& top = m.entities.front();
    if (top.kind == first.kind && top.key == first.key) return top;
  }
  return candidates.front();  // recomputed empty: deleted as its rule says
}

Status LayoutIndexer::Recompute(CatalogTransaction& tx, int64_t repository_id,
                                const layout::EntityRef& top,
                                const std::vector<std::string>& touched,
                                int64_t now_ns) const {
  ASSIGN_OR_RETURN(std::vector<FileRecord> records,
                   ReadAll(tx, repository_id, top.path));

  // Tally every entity the records belong to, outermost first.
  std::map<EntityId, Tally> tallies;
  std::vector<EntityId> order;
  auto tally_of = [&](const layout::EntityRef& ref) -> Tally& {
    auto [it, fresh] = tallies.try_emplace({ref.kind, ref.key});
    if (fresh) {
      it->second.ref = ref;
      order.push_back(it->first);
    }
    return it->second;
  };
  for (const FileRecord& r : records) {
    layout::PathMatch m = layout_->Match(r.path);
    if (!m.ok() || m.entities.front().key != top.key) continue;
    // Outermost first, so parents are written before their children.
    for (const layout::EntityRef& e : m.entities) tally_of(e);
    // A marker of any entity it belongs to is no photo of the others.
    bool is_marker = false;
    for (const layout::EntityRef& e : m.entities) {
      if (!layout_->profile().rules[e.rule].file &&
          layout_->IsMarker(e.rule, BaseName(r.path)) &&
          r.path == JoinPath(e.path, BaseName(r.path))) {
        tally_of(e).marker_path = r.path;
        is_marker = true;
      }
    }
    for (const layout::EntityRef& e : m.entities) {
      Tally& t = tally_of(e);
      if (is_marker) continue;
      t.file_count += 1;
      t.total_bytes += r.size;
    }
  }

  EntityQuery q;
  q.repository_id = repository_id;
  q.path_scope = top.path;
  q.include_deleted = true;
  ASSIGN_OR_RETURN(std::vector<Entity> existing, tx.ListEntities(q));
  std::map<EntityId, const Entity*> before;
  for (const Entity& e : existing) before[{e.kind, e.key}] = &e;

  if (!tallies.empty()) {
    // Expected children exist with or without files (a car's 14 slots).
    for (size_t i = 0; i < order.size(); ++i) {
      const layout::EntityRef parent = tallies.at(order[i]).ref;
      for (const layout::EntityRef& child : layout_->ExpectedChildren(parent)) {
        tally_of(child);
      }
    }
    // Parents before children: one batch per level, so each child can name
    // its parent's id; an entity that would not change is not written.
    std::map<EntityId, int64_t> ids;
    std::map<EntityId, int> level;
    int deepest = 0;
    for (const EntityId& id : order) {
      const layout::EntityRef& ref = tallies.at(id).ref;
      auto parent = level.find({ref.parent_kind, ref.parent_key});
      level[id] = parent == level.end() ? 0 : parent->second + 1;
      deepest = std::max(deepest, level[id]);
    }
    for (int depth = 0; depth <= deepest; ++depth) {
      std::vector<Entity> batch;
      std::vector<EntityId> batch_ids;
      for (const EntityId& id : order) {
        if (level[id] != depth) continue;
        Entity e =
            Build(repository_id, tallies.at(id).ref, tallies.at(id).file_count,
                  tallies.at(id).total_bytes, now_ns);
        const Tally& t = tallies.at(id);
        auto old = before.find(id);
        if (!t.marker_path.empty()) {
          const bool reread =
              old == before.end() || old->second->marker_json.empty() ||
              std::binary_search(touched.begin(), touched.end(), t.marker_path);
          e.marker_json =
              reread ? ReadMarker(t.marker_path) : old->second->marker_json;
        }
        const layout::EntityRule& rule = layout_->profile().rules[t.ref.rule];
        if (!rule.marker.empty()) {
          e.status =
              t.marker_path.empty() ? rule.status_absent : rule.status_present;
        }
        if (!t.ref.parent_kind.empty()) {
          auto parent = ids.find({t.ref.parent_kind, t.ref.parent_key});
          if (parent != ids.end()) e.parent_id = parent->second;
        }
        if (old != before.end() && SameAsStored(e, *old->second)) {
          ids[id] = old->second->id;
          continue;
        }
        batch.push_back(std::move(e));
        batch_ids.push_back(id);
      }
      if (batch.empty()) continue;
      RETURN_IF_ERROR(tx.UpsertEntities(batch));
      for (size_t i = 0; i < batch.size(); ++i) ids[batch_ids[i]] = batch[i].id;
    }
  }

  // Entities that no longer stand for any file: soft-delete or delete.
  std::vector<Entity> soft;
  std::vector<int64_t> hard;
  for (const auto& [id, old] : before) {
    if (tallies.count(id) != 0) continue;
    const layout::EntityRule* rule = nullptr;
    for (const layout::EntityRule& r : layout_->profile().rules) {
      if (r.kind == old->kind) {
        rule = &r;
        if (r.on_gone == layout::OnGone::kDelete) break;
      }
    }
    if (rule != nullptr && rule->on_gone == layout::OnGone::kDelete) {
      hard.push_back(old->id);
    } else if (old->deleted_at_ns == 0) {
      Entity gone = *old;
      gone.deleted_at_ns = gone.updated_at_ns = now_ns;
      soft.push_back(std::move(gone));
    }
  }
  if (!soft.empty()) RETURN_IF_ERROR(tx.UpsertEntities(soft));
  if (!hard.empty()) RETURN_IF_ERROR(tx.DeleteEntities(hard).status());
  return Status::Ok();
}

std::string LayoutIndexer::ReadMarker(const std::string& path) const {
  if (backend_ == nullptr) return "";
  auto stream = backend_->Open(path);
  if (!stream.ok()) {
    spdlog::warn("repository '{}': cannot read marker '{}': {}",
                 repository_name_, DisplayPath(path),
                 stream.status().message());
    return "";
  }
  std::string content(kMaxMarkerBytes, '\0');
  size_t filled = 0;
  while (filled < content.size()) {
    auto n = (*stream)->Read(content.data() + filled, content.size() - filled);
    if (!n.ok()) {
      spdlog::warn("repository '{}': cannot read marker '{}': {}",
                   repository_name_, DisplayPath(path), n.status().message());
      return "";
    }
    if (*n == 0) break;
    filled += *n;
  }
  content.resize(filled);
  while (!content.empty() &&
         std::isspace(static_cast<unsigned char>(content.back()))) {
    content.pop_back();
  }
  return content;
}

}  // namespace tidemark
