// Writer files: the hidden objects tidemark keeps beside a path while it
// writes that path, and how their names say who keeps them.
//
//   temporary  ".tidemark-<writer>-<n>.tmp"
//              bytes being written: LocalBackend's atomic Write renames it
//              over the path when it is complete (and a staged marker is
//              moved into place); never visible content.
//   old copy   ".<name>.tidemark-old-<writer>-<n>"
//              the previous object at <name> (a hard link) while `put`
//              replaces it, so that it can be put back.
//
// <writer> is "<boot id>.<pid namespace>.<pid>.<start ticks>"
// (common/process_identity.h; the boot id's 32 hex digits without dashes),
// so that any later process can tell whether the writer still runs. Names of
// tidemark versions that wrote no identity
// (".tidemark-<pid>-<n>-<t>.tmp", ".<name>.tidemark-old-<pid>-<n>",
// ".<marker>.tidemark-<ns>.tmp") are recognized too, without a writer.
//
// A writer file is never catalogued (sync/path_filter.h); one whose writer
// is gone is a leftover (writes/leftovers.h). Pure functions, except the
// New* ones, which read this process's identity from /proc and number
// names per process; all thread-safe.
#ifndef TIDEMARK_COMMON_WRITER_FILES_H_
#define TIDEMARK_COMMON_WRITER_FILES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/process_identity.h"

namespace tidemark {

enum class WriterFileKind { kTemporary, kOldCopy };

struct WriterFile {
  WriterFileKind kind = WriterFileKind::kTemporary;
  // kOldCopy: the name (in the same folder) it is the old copy of.
  std::string original;
  // Who wrote it; nullopt when the name does not say (an older tidemark).
  std::optional<ProcessIdentity> writer;
};

std::string TemporaryName(const ProcessIdentity& writer, uint64_t n);
std::string OldCopyName(std::string_view name, const ProcessIdentity& writer,
                        uint64_t n);

// Names for this process, numbered from a process-wide counter. An old
// copy of a name too long for the writer to fit in 255 bytes gets the pid
// only (as older versions wrote it): its writer is then unknown.
std::string NewTemporaryName();
std::string NewOldCopyName(std::string_view name);

// What the base name `name` is, or nullopt when it is not a writer file.
std::optional<WriterFile> ParseWriterFile(std::string_view name);

inline bool IsWriterFile(std::string_view name) {
  return ParseWriterFile(name).has_value();
}

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_WRITER_FILES_H_
