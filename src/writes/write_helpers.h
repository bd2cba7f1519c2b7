// Small helpers shared by the ConsistentWriter's source files (not part of
// its API). Pure functions; thread-safe.
#ifndef TIDEMARK_WRITES_WRITE_HELPERS_H_
#define TIDEMARK_WRITES_WRITE_HELPERS_H_

#include <string>
#include <string_view>

#include "catalog/records.h"
#include "common/paths.h"

namespace tidemark::writes_internal {

// A path as messages show it: quoted, escaped for display.
inline std::string Quote(std::string_view path) {
  return "'" + DisplayPath(path) + "'";
}

// The state a record goes back to when its object stays: the one before,
// unless that was an interrupted delete (the object is evidently there).
inline RecordState RestoredState(RecordState before) {
  return before == RecordState::kDeleting ? RecordState::kPresent : before;
}

}  // namespace tidemark::writes_internal

#endif  // TIDEMARK_WRITES_WRITE_HELPERS_H_
