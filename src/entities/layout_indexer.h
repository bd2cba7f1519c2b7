// LayoutIndexer: the EntityIndexer (sync/entity_indexer.h) of a repository
// with a layout. Inside the Gateway's transaction it recomputes every
// top-level entity (a car, a product) that a change set touched, with all
// its descendants, from the records below the entity's folder as the
// transaction sees them:
//   - file_count and total_bytes count the files below each entity, never a
//     marker file (`_LOCK.json`);
//   - status is the rule's status_present when its marker exists, else
//     status_absent; marker_json is the marker's content, read from storage
//     when the marker was touched (markers are small: at most 64 KiB);
//   - expected children (a car's 14 slots) exist even with no files;
//   - an entity that lost all its files is soft-deleted (deleted_at set,
//     business fields kept) or deleted, as its rule says; a rediscovered one
//     is brought back with its business fields;
//   - business_json is never written here.
// A path that fails to parse is logged with the reason and skipped; the rest
// of the set is indexed. Two folders that map to one key (two folders of one
// VIN) do not make one entity of both: the folder the entity is at keeps it
// while it holds files, the other is skipped with a warning, and takes over
// when the first is gone.
//
// Borrows nothing: holds shared pointers to the layout and the backend.
// Thread-safe (no state besides them; both are thread-safe).
#ifndef TIDEMARK_ENTITIES_LAYOUT_INDEXER_H_
#define TIDEMARK_ENTITIES_LAYOUT_INDEXER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "layout/layout.h"
#include "storage/storage_backend.h"
#include "sync/entity_indexer.h"

namespace tidemark {

class LayoutIndexer final : public EntityIndexer {
 public:
  // `backend` (may be null: marker contents are then left empty) reads
  // marker files; `repository_name` is for log lines.
  LayoutIndexer(std::shared_ptr<const layout::Layout> layout,
                std::shared_ptr<StorageBackend> backend,
                std::string repository_name);

  Status Update(CatalogTransaction& tx, const ChangeSet& set,
                int64_t now_ns) override;
  Status Rebuild(CatalogTransaction& tx, int64_t repository_id,
                 int64_t now_ns) override;

 private:
  // Recomputes one top-level entity and its descendants. `touched` holds
  // the set's paths (markers among them are read again).
  Status Recompute(CatalogTransaction& tx, int64_t repository_id,
                   const layout::EntityRef& top,
                   const std::vector<std::string>& touched,
                   int64_t now_ns) const;
  // Recomputes each (kind, key) of `tops` once, at its owner's folder.
  Status RecomputeAll(
      CatalogTransaction& tx, int64_t repository_id,
      const std::map<std::tuple<std::string, std::string, std::string>,
                     layout::EntityRef>& tops,
      const std::vector<std::string>& touched, int64_t now_ns) const;
  // Which folder stands for an entity that `claims` (same kind and key,
  // different folders) touched: the one it is at now while that holds
  // files, else the first claiming folder that does, else another folder
  // of the key beside them; with none, the folder it was at (so that it is
  // deleted).
  Result<layout::EntityRef> Owner(
      CatalogTransaction& tx, int64_t repository_id,
      const std::vector<layout::EntityRef>& claims) const;
  std::string ReadMarker(const std::string& path) const;

  std::shared_ptr<const layout::Layout> layout_;
  std::shared_ptr<StorageBackend> backend_;
  std::string repository_name_;
};

}  // namespace tidemark

#endif  // TIDEMARK_ENTITIES_LAYOUT_INDEXER_H_
