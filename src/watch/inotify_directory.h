// The per-directory system calls of InotifyChangeSource: open a directory
// below the root without following symlinks, place an inotify watch on
// exactly that directory, and list its entries; plus the text that explains
// an exhausted watch limit. Stateless functions; thread-safe.
#ifndef TIDEMARK_WATCH_INOTIFY_DIRECTORY_H_
#define TIDEMARK_WATCH_INOTIFY_DIRECTORY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tidemark {

struct DirectoryEntry {
  std::string name;  // raw bytes
  bool is_directory = false;
};

struct WatchedDirectory {
  int wd = -1;
  std::vector<DirectoryEntry> entries;  // any order; "." and ".." left out
  bool listing_complete = true;         // false: watched, but rescan it
};

// Opens the directory `rel` ("" for the root) below `root_fd` without
// following a symlink at any component, adds a watch with `mask` for it to
// `inotify_fd`, then lists it. The watch goes on the opened descriptor (via
// /proc/self/fd), so the directory watched is the one listed; without /proc
// it falls back to `root_path`/`rel` with IN_DONT_FOLLOW. Errors mean the
// directory is not watched: NotFound when it vanished or is no longer a
// directory (a symlink now); ResourceExhausted with WatchLimitReason() when
// the watch limit is reached; PermissionDenied and the other PosixError
// codes otherwise.
Result<WatchedDirectory> WatchAndListDirectory(int inotify_fd, int root_fd,
                                               std::string_view root_path,
                                               const std::string& rel,
                                               uint32_t mask);

// "inotify watch limit reached (fs.inotify.max_user_watches = N); raise it
// with: sysctl fs.inotify.max_user_watches=M", N read from /proc, M the
// larger of 2N and 524288.
std::string WatchLimitReason();

}  // namespace tidemark

#endif  // TIDEMARK_WATCH_INOTIFY_DIRECTORY_H_
