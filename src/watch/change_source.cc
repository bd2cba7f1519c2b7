#include "watch/change_source.h"

namespace tidemark {

std::string_view FsEventKindName(FsEvent::Kind kind) {
  switch (kind) {
    case FsEvent::Kind::kCreated:
      return "created";
    case FsEvent::Kind::kWriting:
      return "writing";
    case FsEvent::Kind::kModified:
      return "modified";
    case FsEvent::Kind::kAttributes:
      return "attributes";
    case FsEvent::Kind::kDeleted:
      return "deleted";
    case FsEvent::Kind::kMovedFrom:
      return "moved_from";
    case FsEvent::Kind::kMovedTo:
      return "moved_to";
    case FsEvent::Kind::kOverflow:
      return "overflow";
    case FsEvent::Kind::kUnwatched:
      return "unwatched";
    case FsEvent::Kind::kRootGone:
      return "root_gone";
  }
  return "unknown";
}

}  // namespace tidemark
