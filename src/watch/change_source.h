// ChangeSource: the seam through which tidemark learns that paths under a
// repository root may have changed (inotify for local folders; later bucket
// notifications). It only says where to look: every change it reports is
// confirmed against storage (a fresh stat or a listing) before the catalog
// changes, so a spurious or stale event costs a look, never a record.
//
// Events carry repository-relative paths (common/paths.h form). A source
// reports what it cannot see instead of hiding it: kOverflow when events
// were dropped (rescan `path`, "" = the whole root), kUnwatched when a
// directory could not be watched (watch limit; `reason` says why and what
// to raise), kRootGone when the root itself went away.
//
// Ownership: the caller owns the source. Thread-safety: Poll is called from
// one thread; Close may be called from any thread to wake and end Poll.
#ifndef TIDEMARK_WATCH_CHANGE_SOURCE_H_
#define TIDEMARK_WATCH_CHANGE_SOURCE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace tidemark {

struct FsEvent {
  enum class Kind {
    kCreated,     // a new entry (file, directory, symlink)
    kWriting,     // content is being written (IN_MODIFY); kModified follows
    kModified,    // content written and closed (close-write)
    kAttributes,  // metadata changed (mode, owner, mtime via touch)
    kDeleted,     // the entry is gone
    kMovedFrom,   // renamed away; paired with kMovedTo by `cookie`
    kMovedTo,     // renamed here; `cookie` 0 when it came from outside
    kOverflow,    // events were lost under `path`: rescan it
    kUnwatched,   // `path` (a directory) is not watched; see `reason`
    kRootGone,    // the root was deleted, moved or unmounted
  };
  Kind kind = Kind::kCreated;
  std::string path;  // repository-relative; "" is the root
  bool is_directory = false;
  uint32_t cookie = 0;  // pairs kMovedFrom with kMovedTo
  // kCreated of a regular file by open(O_CREAT): a writer may hold it open,
  // and its close-write (kModified) is still to come. False for entries
  // found by listing a new directory, symlinks, hard links and directories.
  bool may_be_open = false;
  std::string reason;  // for kUnwatched and kRootGone
};

std::string_view FsEventKindName(FsEvent::Kind kind);

class ChangeSource {
 public:
  virtual ~ChangeSource() = default;

  // Begins watching the whole root, recursively. Directories that cannot be
  // watched are reported as kUnwatched events, not as an error; an error
  // means nothing could be watched (root missing or not a directory).
  virtual Status Start() = 0;

  // Waits up to `timeout` for events and appends them to `out` in the order
  // they happened. Returns how many were appended (0 on timeout or after
  // Close). Unavailable if the source broke and must be restarted.
  virtual Result<size_t> Poll(std::vector<FsEvent>* out,
                              std::chrono::milliseconds timeout) = 0;

  // Stops watching and wakes a Poll in progress. Idempotent.
  virtual void Close() = 0;
};

}  // namespace tidemark

#endif  // TIDEMARK_WATCH_CHANGE_SOURCE_H_
