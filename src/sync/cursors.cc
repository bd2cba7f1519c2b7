#include "sync/cursors.h"

#include <utility>

namespace tidemark {

PagedRecordCursor::PagedRecordCursor(CatalogStore& store, int64_t repository_id,
                                     std::string scope, size_t page_size)
    : store_(store), page_size_(page_size) {
  range_.repository_id = repository_id;
  range_.scope = std::move(scope);
}

Result<const FileRecord*> PagedRecordCursor::Peek() {
  if (index_ < page_.size()) return &page_[index_];
  if (exhausted_) return static_cast<const FileRecord*>(nullptr);
  if (!page_.empty()) range_.after = page_.back().path;
  ASSIGN_OR_RETURN(page_, store_.ReadRecords(range_, page_size_));
  index_ = 0;
  records_read_ += static_cast<int64_t>(page_.size());
  if (page_.size() < page_size_) exhausted_ = true;
  if (page_.empty()) return static_cast<const FileRecord*>(nullptr);
  return &page_[0];
}

Result<const ListItem*> ListingCursor::Peek() {
  if (has_item_) return &item_;
  if (done_) return static_cast<const ListItem*>(nullptr);
  ASSIGN_OR_RETURN(bool more, stream_.Next(&item_));
  if (!more) {
    done_ = true;
    return static_cast<const ListItem*>(nullptr);
  }
  has_item_ = true;
  return &item_;
}

}  // namespace tidemark
