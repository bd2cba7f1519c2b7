#include "sync/writer_file_listing.h"

#include <optional>

#include "common/paths.h"
#include "common/writer_files.h"

namespace tidemark {

Result<bool> WriterFileListing::Next(ListItem* item) {
  for (;;) {
    ASSIGN_OR_RETURN(bool more, inner_->Next(item));
    if (!more) return false;
    if (item->type == ListItem::Type::kEntry &&
        IsWriterFile(BaseName(item->entry.path))) {
      writer_files_.push_back(std::move(item->entry));
      continue;
    }
    return true;
  }
}

std::vector<std::string> WriterFileListing::Leftovers() const {
  std::vector<std::string> out;
  for (const StorageEntry& e : writer_files_) {
    std::optional<WriterFile> file = ParseWriterFile(BaseName(e.path));
    if (file.has_value() && file->writer.has_value() &&
        ProbeProcess(*file->writer, SystemProcessProbe()) ==
            ProcessFate::kRunning) {
      continue;
    }
    out.push_back(e.path);
  }
  return out;
}

}  // namespace tidemark
