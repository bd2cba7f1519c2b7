// EntityIndexer: the seam through which a repository's layout keeps its
// domain entities (cars and slots, products and images) in step with its
// records. The Gateway calls it inside the transaction of every ChangeSet it
// applies, after the set's records were written, so entities never disagree
// with the records they are computed from (DESIGN.md: "after each applied
// change set, the entities that were touched are recomputed").
//
// Implementation: layout::LayoutIndexer (src/entities/). The Gateway finds
// a repository's indexer through an IndexerLookup that the process wires in
// (no lookup, or a null indexer: the repository has no layout).
//
// Thread-safety: Update may be called from several threads for different
// transactions; implementations keep no per-call state.
#ifndef TIDEMARK_SYNC_ENTITY_INDEXER_H_
#define TIDEMARK_SYNC_ENTITY_INDEXER_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "catalog/catalog_store.h"
#include "common/result.h"

namespace tidemark {

struct ChangeSet;

class EntityIndexer {
 public:
  virtual ~EntityIndexer() = default;

  // Recomputes the entities the records of `set` touched (added, updated,
  // moved from, removed), through `tx`. An error rolls the whole set back.
  virtual Status Update(CatalogTransaction& tx, const ChangeSet& set,
                        int64_t now_ns) = 0;

  // Recomputes every entity of the repository from all its records (a
  // layout set on a repository that already has records).
  virtual Status Rebuild(CatalogTransaction& tx, int64_t repository_id,
                         int64_t now_ns) = 0;
};

// The indexer of a repository, or null when it has no layout. Called on the
// first write to each repository; the Gateway caches the answer.
using IndexerLookup =
    std::function<Result<std::shared_ptr<EntityIndexer>>(int64_t)>;

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_ENTITY_INDEXER_H_
