// InotifyChangeSource: the Linux ChangeSource of a local folder, built on
// inotify with one watch per directory.
//
// Start() watches every directory below the root. A directory that appears
// later (created, or moved in from outside the root) is watched as soon as
// its event is read, and then listed: every entry found is reported as
// kCreated and its subdirectories are watched and listed the same way. An
// entry created before the watch was placed is thus found by the listing,
// one created after is reported by the watch; duplicates are possible and
// harmless. Directories are opened beneath the root without following
// symlinks at any component, and each watch is placed on the opened
// descriptor, so the directory watched is exactly the one listed. Symlinks
// are reported, never followed. Nothing is filtered here. A directory that
// cannot be listed completely is reported as kOverflow (rescan it). The root
// is opened only while directories are being watched: a descriptor held
// open would keep a deleted root alive and hide its deletion.
//
// Writes are kWriting (IN_MODIFY) until kModified (close-write). A kCreated
// of a regular file with a single link carries may_be_open: it was most
// likely made by open(O_CREAT) and its close-write is still to come.
//
// Moves are paired within one read() of the inotify descriptor: a
// kMovedFrom whose kMovedTo is in the same read is a rename within the root
// (a directory's watches are re-pathed, so later events carry the new path);
// otherwise it moved out (a directory's watches are removed). A kMovedTo
// carries the cookie only when its kMovedFrom was reported in the same read,
// else 0 (moved in from outside, or a rename split across reads). A
// directory moved in is watched and listed like a new one.
//
// After kRootGone nothing more is reported; open a new source. Close() stops
// reporting at once; the kernel watches are released by the next Poll or by
// destruction.
//
// Ownership and threads: the caller owns the source, which owns its
// descriptors. Start and Poll are called from one thread; Close from any.
#ifndef TIDEMARK_WATCH_INOTIFY_CHANGE_SOURCE_H_
#define TIDEMARK_WATCH_INOTIFY_CHANGE_SOURCE_H_

#include <cstddef>
#include <memory>
#include <string>

#include "common/result.h"
#include "watch/change_source.h"

namespace tidemark {

struct InotifyOptions {
  // Bytes read from the inotify descriptor at a time; moves are paired
  // within one read. Raised to the size of one event with the longest name.
  size_t read_buffer_bytes = 64 * 1024;
};

// A source for the directory `absolute_root` (trailing '/' ignored). Nothing
// is watched until Start(), which fails with NotFound when the root is
// missing or not a directory, PermissionDenied when it cannot be read, and
// ResourceExhausted when the root itself cannot be watched (the message
// names the limit to raise). This call fails with InvalidArgument for a path
// that is not absolute or contains a NUL byte, and ResourceExhausted when no
// inotify instance is left (fs.inotify.max_user_instances).
Result<std::unique_ptr<ChangeSource>> OpenInotifyChangeSource(
    const std::string& absolute_root, InotifyOptions options = {});

}  // namespace tidemark

#endif  // TIDEMARK_WATCH_INOTIFY_CHANGE_SOURCE_H_
