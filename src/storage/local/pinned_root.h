// PinnedRoot: the path a local backend opens its root at, fixed when the
// backend is opened.
//
// A root given with links in it ("/data" -> "/mnt/disk1") is resolved once,
// when the backend is opened, and from then on its resolved path is opened
// with no symlink followed anywhere on the way (openat2 RESOLVE_NO_SYMLINKS),
// so a link changed while an operation runs cannot move it elsewhere: that
// open fails with ELOOP instead. Where the root leads is judged by the root
// confinement (storage/root_confinement.h, [serve] allowed_roots) first. A
// root that cannot be resolved (an unreadable folder on the way) is opened
// as given, as before, unless the confinement covers it.
//
// Reads the filesystem; thread-safe.
#ifndef TIDEMARK_STORAGE_LOCAL_PINNED_ROOT_H_
#define TIDEMARK_STORAGE_LOCAL_PINNED_ROOT_H_

#include <string>

#include "common/result.h"

namespace tidemark {

struct PinnedRoot {
  std::string path;          // what to open
  bool no_symlinks = false;  // open it following no symlink
};

// `root` (absolute, normalized) resolved and judged; Unavailable when the
// confinement refuses where it leads.
Result<PinnedRoot> PinRoot(const std::string& root);

// open(2) of the pinned root with `flags` (O_DIRECTORY and O_CLOEXEC are
// added): the descriptor, or -errno (ELOOP: a symlink is now on the way).
int OpenPinnedRoot(const PinnedRoot& root, int flags);

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_LOCAL_PINNED_ROOT_H_
