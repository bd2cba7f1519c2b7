// ForEachDirent: reads a directory with getdents64, the fast path under the
// parallel walker and the inotify source. It hands every entry but "." and
// ".." to a callback, with the name as raw bytes and the d_type the kernel
// reported (DT_UNKNOWN on some filesystems: the caller then stats).
//
// The caller owns the descriptor and the buffer. Thread-compatible: one call
// per buffer at a time.
#ifndef TIDEMARK_STORAGE_LOCAL_DIRENT_READER_H_
#define TIDEMARK_STORAGE_LOCAL_DIRENT_READER_H_

#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tidemark {

// Calls each(std::string_view name, unsigned char d_type) for every entry
// of `dir_fd`, reading `size` bytes of `buf` at a time, until it returns
// false. Returns 0 after the last entry, -1 when `each` stopped it, or the
// errno that stopped the read (ENOENT: the directory was removed after it
// was opened).
template <typename Each>
int ForEachDirent(int dir_fd, char* buf, size_t size, Each&& each) {
  // The part of struct linux_dirent64 that is read.
  struct Dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
  };
  while (true) {
    const long n = syscall(SYS_getdents64, dir_fd, buf, size);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    for (long pos = 0; pos < n;) {
      const auto* d = reinterpret_cast<const Dirent64*>(buf + pos);
      pos += d->d_reclen;
      const char* name = d->d_name;
      if (name[0] == '.' &&
          (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) {
        continue;
      }
      if (!each(std::string_view(name), d->d_type)) return -1;
    }
  }
}

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_LOCAL_DIRENT_READER_H_
