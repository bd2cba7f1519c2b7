// WriterFileListing: a listing with tidemark's writer files taken out.
//
// Wraps a ListingStream (listed with PathFilterRules::
// ListFilterWithWriterFiles) and passes on every item except the writer
// files (common/writer_files.h: partial uploads and old copies kept while
// a path is written), which it keeps aside in listing order. A scan or a
// check merges the rest with the catalog as usual and reports the ones it
// kept; so a writer file is never catalogued, and never goes unseen.
//
// Owns the wrapped stream; one thread at a time, like any ListingStream.
#ifndef TIDEMARK_SYNC_WRITER_FILE_LISTING_H_
#define TIDEMARK_SYNC_WRITER_FILE_LISTING_H_

#include <memory>
#include <string>
#include <vector>

#include "storage/storage_backend.h"

namespace tidemark {

class WriterFileListing final : public ListingStream {
 public:
  explicit WriterFileListing(std::unique_ptr<ListingStream> inner)
      : inner_(std::move(inner)) {}

  Result<bool> Next(ListItem* item) override;

  // The writer files listed so far, in path order.
  const std::vector<StorageEntry>& writer_files() const {
    return writer_files_;
  }
  // The paths of those whose writer is not running now (gone, or cannot be
  // identified): leftovers of interrupted writes.
  std::vector<std::string> Leftovers() const;

 private:
  std::unique_ptr<ListingStream> inner_;
  std::vector<StorageEntry> writer_files_;
};

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_WRITER_FILE_LISTING_H_
