#include "sync/move_detection.h"

#include <utility>

namespace tidemark {

Result<std::optional<FileRecord>> FindMoveSourceByInode(
    StorageBackend& backend, CatalogStore& store, int64_t repository_id,
    const StorageEntry& entry, const std::unordered_set<int64_t>& claimed) {
  if (entry.inode == 0) return std::optional<FileRecord>();
  ASSIGN_OR_RETURN(
      auto candidates,
      store.FindRecordsByInode(repository_id, entry.device, entry.inode));
  for (FileRecord& candidate : candidates) {
    if (candidate.path == entry.path || claimed.contains(candidate.id) ||
        candidate.kind != entry.kind || candidate.size != entry.size ||
        candidate.mtime_ns != entry.mtime_ns) {
      continue;
    }
    // Only a record whose path is gone can have moved. If something is still
    // there (a hard link, or a new file put in its place), the record stays
    // with its path and the new path is an addition.
    auto old = backend.Stat(candidate.path);
    if (old.ok() || !old.status().IsNotFound()) continue;
    return std::optional<FileRecord>(std::move(candidate));
  }
  return std::optional<FileRecord>();
}

}  // namespace tidemark
