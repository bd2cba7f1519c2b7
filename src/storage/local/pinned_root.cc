#include "storage/local/pinned_root.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <optional>

#include "storage/local/real_path.h"
#include "storage/root_confinement.h"
#include "storage/root_location.h"

namespace tidemark {
namespace {

Location FileLocation(const std::string& path) {
  Location location;
  location.scheme = "file";
  location.path = path;
  return location;
}

// False once openat2 turned out to be missing (old kernel, seccomp).
std::atomic<bool> g_openat2_for_roots{true};

}  // namespace

Result<PinnedRoot> PinRoot(const std::string& root) {
  auto real = RealPath(root);
  std::optional<Location> leads_to;
  if (real.ok()) leads_to = FileLocation(*real);
  RETURN_IF_ERROR(CheckConfinedRoot(FileLocation(root), leads_to));
  if (!real.ok()) return PinnedRoot{root, false};
  return PinnedRoot{*real, true};
}

int OpenPinnedRoot(const PinnedRoot& root, int flags) {
  flags |= O_DIRECTORY | O_CLOEXEC;
  if (root.no_symlinks && g_openat2_for_roots.load(std::memory_order_relaxed)) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags);
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    long fd;
    do {
      fd = syscall(SYS_openat2, AT_FDCWD, root.path.c_str(), &how, sizeof(how));
    } while (fd < 0 && errno == EAGAIN);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != ENOSYS && errno != EPERM) return -errno;
    g_openat2_for_roots.store(false, std::memory_order_relaxed);
  }
  const int fd = open(root.path.c_str(), flags);
  return fd >= 0 ? fd : -errno;
}

}  // namespace tidemark
