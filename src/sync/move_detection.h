// Move detection: finding the catalog record a newly seen path was moved
// from, so the record keeps its id, hash and business fields instead of
// being removed and added again. Shared by the full reconciliation and the
// watcher's path sync. Pure lookups: reads the catalog and stats storage,
// writes nothing. Thread-compatible (borrows its arguments for the call).
#ifndef TIDEMARK_SYNC_MOVE_DETECTION_H_
#define TIDEMARK_SYNC_MOVE_DETECTION_H_

#include <cstdint>
#include <optional>
#include <unordered_set>

#include "catalog/catalog_store.h"
#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark {

// The record `entry` was renamed from: the same device+inode, kind, size and
// mtime, not in `claimed` (already the source of another move), and whose
// old path no longer exists. nullopt when it is a plain addition (also when
// the backend has no inodes).
Result<std::optional<FileRecord>> FindMoveSourceByInode(
    StorageBackend& backend, CatalogStore& store, int64_t repository_id,
    const StorageEntry& entry, const std::unordered_set<int64_t>& claimed);

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_MOVE_DETECTION_H_
