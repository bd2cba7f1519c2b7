// Cursors that feed the planner from the real seams: catalog records read in
// keyset pages, and a backend listing stream.
//
// Each cursor borrows its source, which must outlive it. Not thread-safe; a
// cursor belongs to the thread running the merge.
#ifndef TIDEMARK_SYNC_CURSORS_H_
#define TIDEMARK_SYNC_CURSORS_H_

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog_store.h"
#include "storage/storage_backend.h"
#include "sync/planner.h"

namespace tidemark {

// Reads one repository's records in `page_size` pages, in path order.
class PagedRecordCursor final : public RecordCursor {
 public:
  PagedRecordCursor(CatalogStore& store, int64_t repository_id,
                    std::string scope, size_t page_size = 8192);

  Result<const FileRecord*> Peek() override;
  void Pop() override { ++index_; }

  int64_t records_read() const { return records_read_; }

 private:
  CatalogStore& store_;
  RecordRange range_;
  size_t page_size_;
  std::vector<FileRecord> page_;
  size_t index_ = 0;
  bool exhausted_ = false;
  int64_t records_read_ = 0;
};

// Adapts a ListingStream, counting the entries it passes on.
class ListingCursor final : public ObservationCursor {
 public:
  explicit ListingCursor(ListingStream& stream) : stream_(stream) {}

  Result<const ListItem*> Peek() override;
  void Pop() override { has_item_ = false; }

 private:
  ListingStream& stream_;
  ListItem item_;
  bool has_item_ = false;
  bool done_ = false;
};

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_CURSORS_H_
