#include "watch/inotify_directory.h"

#include <dirent.h>  // DT_*
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <utility>

#include "common/paths.h"
#include "storage/local/dirent_reader.h"
#include "storage/local/parallel_walker.h"
#include "storage/local/posix_error.h"

namespace tidemark {
namespace {

constexpr size_t kDirentBufferSize = 32 * 1024;

Status UnwatchableError(std::string_view rel, int err) {
  if (err == ENOENT || err == ENOTDIR || err == ELOOP) {
    return Status::NotFound("'" + DisplayPath(rel) + "' is gone");
  }
  if (err == ENOSPC) return Status::ResourceExhausted(WatchLimitReason());
  return PosixError("cannot watch directory '" + DisplayPath(rel) + "'", err);
}

// Lists `dir_fd` into `entries`; false if the listing is incomplete.
bool ListEntries(int dir_fd, std::vector<DirectoryEntry>* entries) {
  const std::unique_ptr<char[]> buf(new char[kDirentBufferSize]);
  const int stopped = ForEachDirent(
      dir_fd, buf.get(), kDirentBufferSize,
      [&](std::string_view name, unsigned char d_type) {
        bool is_directory = d_type == DT_DIR;
        if (d_type == DT_UNKNOWN) {
          struct stat st;
          // `name` points into the dirent buffer, NUL-terminated.
          if (fstatat(dir_fd, name.data(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            return true;  // vanished since getdents
          }
          is_directory = S_ISDIR(st.st_mode);
        }
        entries->push_back({std::string(name), is_directory});
        return true;
      });
  // ENOENT: deleted after it was opened, so it is complete (and empty).
  return stopped == 0 || stopped == ENOENT;
}

}  // namespace

Result<WatchedDirectory> WatchAndListDirectory(int inotify_fd, int root_fd,
                                               std::string_view root_path,
                                               const std::string& rel,
                                               uint32_t mask) {
  const int fd_or_error = OpenDirectoryBeneath(root_fd, rel, O_RDONLY);
  if (fd_or_error < 0) return UnwatchableError(rel, -fd_or_error);
  const UniqueFd dir(fd_or_error);
  WatchedDirectory watched;
  // The magic link names the open directory itself, so it must be followed
  // (no IN_DONT_FOLLOW); no symlink below the root was.
  const std::string proc_path = "/proc/self/fd/" + std::to_string(dir.get());
  watched.wd = inotify_add_watch(inotify_fd, proc_path.c_str(), mask);
  if (watched.wd < 0 && errno == ENOENT) {
    std::string path(root_path);
    if (!rel.empty()) path += "/" + rel;
    watched.wd =
        inotify_add_watch(inotify_fd, path.c_str(), mask | IN_DONT_FOLLOW);
  }
  if (watched.wd < 0) return UnwatchableError(rel, errno);
  watched.listing_complete = ListEntries(dir.get(), &watched.entries);
  return watched;
}

std::string WatchLimitReason() {
  long long limit = 0;
  const int fd =
      open("/proc/sys/fs/inotify/max_user_watches", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char text[32] = {};
    const ssize_t n = read(fd, text, sizeof(text) - 1);
    // The kernel writes the number and a newline; from_chars stops there.
    if (n > 0) std::from_chars(text, text + n, limit);
    close(fd);
  }
  const long long suggested = std::max(2 * limit, 524288LL);
  return "inotify watch limit reached (fs.inotify.max_user_watches = " +
         (limit > 0 ? std::to_string(limit) : std::string("?")) +
         "); raise it with: sysctl fs.inotify.max_user_watches=" +
         std::to_string(suggested);
}

}  // namespace tidemark
