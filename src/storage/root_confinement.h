// Root confinement: where local repository roots may lead while
// `tidemark serve` runs with [serve] allowed_roots.
//
// A root at or below an allowed folder (as written in the config, or where
// that led when the server started) must still lead into an allowed folder
// when a backend opens it, with every link on the way resolved. Otherwise a
// repository registered inside the allowed folders could be turned into a
// door to the rest of the host by replacing its root, or a folder above it,
// with a symlink after it was added. Roots outside every allowed folder
// (added on the server's machine with `tidemark repo add`) are not judged
// here.
//
// JudgeConfinedRoot is pure. ConfineRoots sets the process-wide list once,
// before serving (an empty list, the default, judges nothing), and
// CheckConfinedRoot reads it; both are thread-safe.
#ifndef TIDEMARK_STORAGE_ROOT_CONFINEMENT_H_
#define TIDEMARK_STORAGE_ROOT_CONFINEMENT_H_

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/root_location.h"

namespace tidemark {

// One allowed folder: as written, and where it led (nullopt when it could
// not be resolved, e.g. it does not exist yet).
struct ConfinedFolder {
  Location as_written;
  std::optional<Location> resolved;
};

// OK when `root` is outside every folder, or when `leads_to` (the root with
// its links resolved; nullopt when it cannot be resolved) is inside one.
// Otherwise Unavailable, naming the root and where it now leads, so that
// scans treat the repository as offline and writes do nothing.
Status JudgeConfinedRoot(const std::vector<ConfinedFolder>& folders,
                         const Location& root,
                         const std::optional<Location>& leads_to);

void ConfineRoots(std::vector<ConfinedFolder> folders);
Status CheckConfinedRoot(const Location& root,
                         const std::optional<Location>& leads_to);

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_ROOT_CONFINEMENT_H_
