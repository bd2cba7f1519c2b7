// ParallelWalker: lists a local directory tree as a ListingStream, in
// ascending unsigned byte order of repository-relative paths, with worker
// threads that read directories ahead of the consumer.
//
// The walk is a depth-first traversal in which every directory's entries are
// sorted by name and a directory sorts as "name/"; that makes the traversal
// order equal to the byte order of full paths. Files and symlinks are
// emitted; directories are traversed, never emitted; other file types are
// skipped. Symlinks are never followed, so symlink loops are harmless.
//
// Workers open directories below the root without following symlinks, read
// names with getdents64, statx every non-directory entry, sort, and hand the
// listing to the consumer. They pick the smallest pending directory first,
// which is the next one the consumer needs, and stop when the listed but
// unconsumed directories exceed a memory bound. When the consumer needs a
// directory nobody has started, it lists it itself. Memory is therefore
// bounded by the largest directory and the prefetch bound, not by the size of
// the tree.
//
// Errors: a directory below the scope that cannot be opened or read yields
// one ListItem::kSubtreeError at its place in the order, with the device
// below it when that is known (subtree_device.h). Entries or
// directories that vanish during the walk are silently absent. Start fails
// when the scope itself cannot be listed.
//
// Ownership and threads: the returned stream owns its worker threads and its
// copy of the root descriptor; destroying it stops and joins the workers. The
// stream is used by one thread at a time; the filter is called from several
// threads.
#ifndef TIDEMARK_STORAGE_LOCAL_PARALLEL_WALKER_H_
#define TIDEMARK_STORAGE_LOCAL_PARALLEL_WALKER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark {

struct WalkOptions {
  // Directory below the root to list, normalized ("" for the whole root).
  // Emitted paths include it ("scope/a.txt").
  std::string scope;
  // Optional; see PathFilter. Called before statx where the type is known
  // from the directory entry.
  PathFilter filter;
  // Worker threads reading ahead of the consumer; 0 picks 2.
  int threads = 0;
  // Prefetch bound: workers pause while this many directories, or this many
  // entries, are listed but not yet consumed.
  size_t max_buffered_directories = 4096;
  size_t max_buffered_entries = 64 * 1024;
};

// Starts a walk of `options.scope` below the directory `root_fd` (the walker
// duplicates the descriptor; the caller keeps its own). The scope itself is
// listed before this returns; it fails with NotFound when the scope does not
// exist, is not a directory, or is or passes through a symlink;
// InvalidArgument for a malformed scope; PermissionDenied when it cannot be
// read; other codes from PosixError.
Result<std::unique_ptr<ListingStream>> StartParallelWalk(int root_fd,
                                                         WalkOptions options);

// Opens the directory `rel` ("" for the root itself) below `root_fd` without
// following symlinks in any component, with `flags` (O_DIRECTORY, O_NOFOLLOW
// and O_CLOEXEC are added). Returns the descriptor, or -errno: ELOOP when a
// component is a symlink, ENOTDIR when one is not a directory. Used by the
// walker and by the local backend.
int OpenDirectoryBeneath(int root_fd, std::string_view rel, int flags);

// The same for any object: opens `rel` below `root_fd` with `flags`, never
// following a symlink at any component. Returns the fd or -errno.
int OpenBeneath(int root_fd, std::string_view rel, int flags);

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_LOCAL_PARALLEL_WALKER_H_
