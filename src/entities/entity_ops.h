// Entity operations that change storage or business fields on purpose:
// lock and unlock an entity through its marker file (a cars slot's
// `_LOCK.json`, seed 000), and mark it used or unused (business fields,
// which no sync touches).
//
// Lock and unlock change storage first, then the catalog: the marker is
// written (or removed) on storage, and PathSync brings its record and the
// entity in step in one transaction. If the catalog step fails, storage
// already holds the truth, and the next sync of the path converges.
//
// Stateless functions; they borrow their arguments for the call. The
// caller holds the repository's lease.
#ifndef TIDEMARK_ENTITIES_ENTITY_OPS_H_
#define TIDEMARK_ENTITIES_ENTITY_OPS_H_

#include <cstdint>
#include <string>

#include "catalog/catalog_store.h"
#include "layout/layout.h"
#include "storage/storage_backend.h"
#include "sync/gateway.h"
#include "sync/path_sync.h"

namespace tidemark {

// The entity of `kind` whose key is `key`, or whose id is `key` when it is a
// number. Soft-deleted ones are found too. NotFound naming both.
Result<Entity> FindEntity(CatalogStore& store, int64_t repository_id,
                          const std::string& kind, const std::string& key);

// The rule of `kind` that declares a marker, or FailedPrecondition saying
// the layout has none for that kind.
Result<const layout::EntityRule*> MarkerRule(const layout::Layout& layout,
                                             const std::string& kind);

struct MarkerRequest {
  std::string by;      // who (locked_by); required
  int64_t now_ns = 0;  // when (locked_at)
  std::string note;    // optional, kept in the marker
};

// Writes the marker of `entity` ({"locked_by", "locked_at", "note"?} as
// JSON) and syncs it. FailedPrecondition when it is already locked (names
// who and when) or soft-deleted. Returns the entity as it is now.
Result<Entity> LockEntity(StorageBackend& backend, CatalogStore& store,
                          Gateway& gateway, const layout::Layout& layout,
                          Repository& repo, const Entity& entity,
                          const MarkerRequest& request,
                          const PathSyncOptions& sync);

// Removes the marker of `entity` and syncs it. FailedPrecondition when it is
// not locked.
Result<Entity> UnlockEntity(StorageBackend& backend, CatalogStore& store,
                            Gateway& gateway, const layout::Layout& layout,
                            Repository& repo, const Entity& entity,
                            const PathSyncOptions& sync);

// Sets is_used with marked_used_by/marked_used_at (business_json), keeping
// any other business field. Returns the entity as it is now.
Result<Entity> MarkEntityUsed(CatalogStore& store, Gateway& gateway,
                              const Entity& entity, bool used,
                              const std::string& by, int64_t now_ns);

}  // namespace tidemark

#endif  // TIDEMARK_ENTITIES_ENTITY_OPS_H_
