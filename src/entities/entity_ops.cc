#include "entities/entity_ops.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/paths.h"
#include "common/time_format.h"
#include "common/writer_files.h"

namespace tidemark {
namespace {

std::string IsoTime(int64_t ns) { return FormatIsoTime(ns); }

Result<Entity> Reload(CatalogStore& store, const Entity& entity) {
  EntityQuery q;
  q.repository_id = entity.repository_id;
  q.kind = entity.kind;
  q.key = entity.key;
  q.include_deleted = true;
  ASSIGN_OR_RETURN(std::vector<Entity> found, store.ListEntities(q));
  if (found.empty()) {
    return Status::NotFound(entity.kind + " '" + entity.key +
                            "' is gone from the catalog");
  }
  return found.front();
}

// Syncs the marker's path and fails when the catalog could not take it.
Status SyncMarker(StorageBackend& backend, CatalogStore& store,
                  Gateway& gateway, Repository& repo, const std::string& path,
                  const PathSyncOptions& sync) {
  PathSync path_sync(backend, store, gateway);
  // The marker's removal is what the caller asked for: never a mass
  // disappearance, even in a repository that holds nothing else.
  PathSyncOptions options = sync;
  options.allow_mass_removal = true;
  ASSIGN_OR_RETURN(PathSyncReport report, path_sync.Run(repo, {path}, options));
  if (report.offline) {
    return Status::Unavailable("the storage of repository '" + repo.name +
                               "' went offline; the marker on storage is "
                               "the truth and the next sync applies it");
  }
  return Status::Ok();
}

}  // namespace

Result<Entity> FindEntity(CatalogStore& store, int64_t repository_id,
                          const std::string& kind, const std::string& key) {
  EntityQuery q;
  q.repository_id = repository_id;
  q.kind = kind;
  q.key = key;
  q.include_deleted = true;
  ASSIGN_OR_RETURN(std::vector<Entity> found, store.ListEntities(q));
  if (!found.empty()) return found.front();
  int64_t id = 0;
  auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
  if (ec == std::errc() && end == key.data() + key.size()) {
    q.key.reset();
    for (int64_t after = 0;;) {
      q.after_id = after;
      q.limit = 1024;
      ASSIGN_OR_RETURN(std::vector<Entity> page, store.ListEntities(q));
      for (const Entity& e : page) {
        if (e.id == id) return e;
      }
      if (page.size() < q.limit) break;
      after = page.back().id;
    }
  }
  return Status::NotFound("no " + kind + " with key or id '" + key +
                          "'; list them with 'tidemark entities NAME --kind " +
                          kind + "'");
}

Result<const layout::EntityRule*> MarkerRule(const layout::Layout& layout,
                                             const std::string& kind) {
  for (const layout::EntityRule& r : layout.profile().rules) {
    if (r.kind == kind && !r.marker.empty()) return &r;
  }
  return Status::FailedPrecondition("layout '" + layout.name() +
                                    "' declares no marker for '" + kind +
                                    "', so it cannot be locked");
}

Result<Entity> LockEntity(StorageBackend& backend, CatalogStore& store,
                          Gateway& gateway, const layout::Layout& layout,
                          Repository& repo, const Entity& entity,
                          const MarkerRequest& request,
                          const PathSyncOptions& sync) {
  ASSIGN_OR_RETURN(const layout::EntityRule* rule,
                   MarkerRule(layout, entity.kind));
  if (request.by.empty()) {
    return Status::InvalidArgument("say who locks it with --by USER");
  }
  if (entity.deleted_at_ns != 0) {
    return Status::FailedPrecondition(entity.kind + " '" + entity.key +
                                      "' is deleted (its folder is gone)");
  }
  const std::string path = JoinPath(entity.path, rule->marker);
  if (backend.Stat(path).ok()) {
    std::string who;
    auto meta = nlohmann::json::parse(entity.marker_json, nullptr, false);
    if (meta.is_object() && meta.contains("locked_by")) {
      who = " by " + meta["locked_by"].dump();
    }
    return Status::FailedPrecondition(entity.kind + " '" + entity.key +
                                      "' is already locked" + who +
                                      "; unlock it first");
  }
  nlohmann::json marker = {{"locked_by", request.by},
                           {"locked_at", IsoTime(request.now_ns)}};
  if (!request.note.empty()) marker["note"] = request.note;
  // Written beside it, then moved into place without replacing anything:
  // of two people locking at once, exactly one wins. Named as a writer file
  // (common/writer_files.h), so a staged marker left by a killed process
  // is reported and settled like any other leftover.
  const std::string temp = JoinPath(entity.path, NewTemporaryName());
  RETURN_IF_ERROR(backend.Write(temp, marker.dump(2) + "\n"));
  Status placed = backend.Move(temp, path);
  if (!placed.ok()) {
    (void)backend.Remove(temp);
    if (placed.code() == StatusCode::kAlreadyExists) {
      return Status::FailedPrecondition(entity.kind + " '" + entity.key +
                                        "' was locked by someone else just "
                                        "now; unlock it first");
    }
    return placed;
  }
  RETURN_IF_ERROR(SyncMarker(backend, store, gateway, repo, path, sync));
  return Reload(store, entity);
}

Result<Entity> UnlockEntity(StorageBackend& backend, CatalogStore& store,
                            Gateway& gateway, const layout::Layout& layout,
                            Repository& repo, const Entity& entity,
                            const PathSyncOptions& sync) {
  ASSIGN_OR_RETURN(const layout::EntityRule* rule,
                   MarkerRule(layout, entity.kind));
  const std::string path = JoinPath(entity.path, rule->marker);
  Status removed = backend.Remove(path);
  if (removed.code() == StatusCode::kNotFound) {
    return Status::FailedPrecondition(entity.kind + " '" + entity.key +
                                      "' is not locked (no " + rule->marker +
                                      " in its folder)");
  }
  RETURN_IF_ERROR(removed);
  RETURN_IF_ERROR(SyncMarker(backend, store, gateway, repo, path, sync));
  return Reload(store, entity);
}

Result<Entity> MarkEntityUsed(CatalogStore& store, Gateway& gateway,
                              const Entity& entity, bool used,
                              const std::string& by, int64_t now_ns) {
  if (by.empty()) {
    return Status::InvalidArgument("say who marks it with --by USER");
  }
  auto business = nlohmann::json::parse(entity.business_json, nullptr, false);
  if (!business.is_object()) business = nlohmann::json::object();
  business["is_used"] = used;
  business["marked_used_by"] = by;
  business["marked_used_at"] = IsoTime(now_ns);
  RETURN_IF_ERROR(gateway.SetEntityBusiness(entity.repository_id, entity.id,
                                            business.dump()));
  return Reload(store, entity);
}

}  // namespace tidemark
