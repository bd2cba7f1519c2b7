// The local-folder StorageBackend: a directory on a mounted filesystem.
//
// Paths are relative to the root directory and never pass through symlinks:
// every operation resolves its parent directory component by component
// without following links, listings report symlinks as EntryKind::kSymlink
// and never traverse them, and opening a symlink fails. Listings come from
// the ParallelWalker (parallel_walker.h). WriteFrom is atomic: it streams
// the source in 1 MiB chunks into a hidden temporary file in the same
// directory, named after this process (common/writer_files.h, so a later
// process can tell a dead writer's from a live one's), fsyncs it and
// renames it over the target. Move uses renameat2(RENAME_NOREPLACE).
// Directories are not objects: Stat, Open and Remove of a directory return
// NotFound.
//
// The root is looked up on every operation, so a root that disappears and
// comes back (an unmounted disk) is handled: while it is missing, operations
// fail with Unavailable. Its links are resolved once, when the backend is
// opened, and never followed again (pinned_root.h): a link changed under a
// running operation makes it fail with Unavailable rather than act
// elsewhere. Thread-safe; holds no descriptors between calls.
#ifndef TIDEMARK_STORAGE_LOCAL_LOCAL_BACKEND_H_
#define TIDEMARK_STORAGE_LOCAL_LOCAL_BACKEND_H_

#include <memory>
#include <string>

#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark {

// A backend rooted at `absolute_root`, which is normalized lexically
// ("/srv//photos/" -> "/srv/photos"). Succeeds even if the root is missing
// right now; CheckRoot reports that. InvalidArgument if the path is not
// absolute or contains a NUL byte; Unavailable if the root confinement
// (storage/root_confinement.h) refuses where it leads.
Result<std::unique_ptr<StorageBackend>> OpenLocalBackend(
    const std::string& absolute_root);

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_LOCAL_LOCAL_BACKEND_H_
