#include "storage/local/real_path.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "storage/local/posix_error.h"

namespace tidemark {

Result<std::string> RealPath(const std::string& absolute) {
  std::string existing = absolute;
  std::string missing;  // "/a/b": the part that does not exist
  while (true) {
    char resolved[PATH_MAX];
    if (::realpath(existing.c_str(), resolved) != nullptr) {
      const std::string base(resolved);
      return (base == "/" && !missing.empty() ? "" : base) + missing;
    }
    const int err = errno;
    if (err != ENOENT && err != ENOTDIR) {
      return PosixError("cannot resolve '" + existing + "'", err);
    }
    struct stat st;
    if (::lstat(existing.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      return Status::InvalidArgument(
          "'" + existing +
          "' is a dangling symbolic link: it leads nowhere now and could "
          "later lead anywhere, so it is not taken as (part of) a root");
    }
    const size_t slash = existing.rfind('/');
    if (slash == std::string::npos || existing == "/") {
      return PosixError("cannot resolve '" + absolute + "'", err);
    }
    missing = existing.substr(slash) + missing;
    existing = slash == 0 ? "/" : existing.substr(0, slash);
  }
}

}  // namespace tidemark
