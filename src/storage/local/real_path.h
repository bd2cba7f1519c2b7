// RealPath: a local path with every symbolic link in it resolved, also
// when its last components do not exist yet (a repository added with
// --allow-offline). The root policy ([serve] allowed_roots) compares these,
// so that a link inside an allowed folder cannot lead outside it.
//
// Reads the filesystem (realpath, lstat); thread-safe.
#ifndef TIDEMARK_STORAGE_LOCAL_REAL_PATH_H_
#define TIDEMARK_STORAGE_LOCAL_REAL_PATH_H_

#include <string>

#include "common/result.h"

namespace tidemark {

// realpath() of the longest existing prefix of `absolute` (normalized, as
// ParseStorageUrl gives it), with the missing rest appended: "/srv/link/new"
// -> "/data/real/new" when /srv/link -> /data/real and "new" does not
// exist. A missing component holds no link, so the result is where the path
// leads. Errors: InvalidArgument for a dangling symlink (it could later be
// made to point anywhere); the PosixError of any failure but a missing
// component (an unreadable folder cannot be resolved).
Result<std::string> RealPath(const std::string& absolute);

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_LOCAL_REAL_PATH_H_
