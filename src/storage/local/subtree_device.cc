#include "storage/local/subtree_device.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>

#include "storage/local/parallel_walker.h"
#include "storage/local/posix_error.h"

namespace tidemark {
namespace {

// mountinfo writes a space, tab, newline or backslash in a path as \ooo.
std::string DecodeMountPath(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    const auto octal = [&](size_t k) {
      return k < field.size() && field[k] >= '0' && field[k] <= '7';
    };
    if (field[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
      out += static_cast<char>((field[i + 1] - '0') * 64 +
                               (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

bool ReadWholeFile(const char* path, std::string* out) {
  UniqueFd fd(open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  char buf[16 * 1024];
  for (;;) {
    const ssize_t n = read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out->append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

bool HasMountBelow(std::string_view mountinfo, std::string_view dir) {
  while (!mountinfo.empty()) {
    size_t end = mountinfo.find('\n');
    if (end == std::string_view::npos) end = mountinfo.size();
    std::string_view line = mountinfo.substr(0, end);
    mountinfo.remove_prefix(std::min(end + 1, mountinfo.size()));
    // "ID PARENT MAJOR:MINOR ROOT MOUNT_POINT ...": the fifth field.
    for (int skip = 0; skip < 4; ++skip) {
      const size_t space = line.find(' ');
      line.remove_prefix(space == std::string_view::npos ? line.size()
                                                         : space + 1);
    }
    const std::string point = DecodeMountPath(line.substr(0, line.find(' ')));
    const bool below = point.size() > dir.size() && point.starts_with(dir) &&
                       (dir.ends_with('/') || point[dir.size()] == '/');
    if (below) return true;
  }
  return false;
}

uint64_t SoleDeviceBelow(int root_fd, std::string_view rel) {
  const int fd = OpenDirectoryBeneath(root_fd, rel, O_PATH);
  if (fd < 0) return 0;
  const UniqueFd dir(fd);
  struct stat st;
  if (fstat(dir.get(), &st) != 0) return 0;
  // The directory's path as this process sees it, as mountinfo names them.
  const std::string link = "/proc/self/fd/" + std::to_string(dir.get());
  char path[PATH_MAX];
  const ssize_t n = readlink(link.c_str(), path, sizeof(path));
  if (n <= 0 || static_cast<size_t>(n) == sizeof(path) || path[0] != '/') {
    return 0;
  }
  const std::string_view dir_path(path, static_cast<size_t>(n));
  if (dir_path.ends_with(" (deleted)")) return 0;
  std::string mountinfo;
  if (!ReadWholeFile("/proc/self/mountinfo", &mountinfo)) return 0;
  if (HasMountBelow(mountinfo, dir_path)) return 0;
  return static_cast<uint64_t>(st.st_dev);
}

}  // namespace tidemark
