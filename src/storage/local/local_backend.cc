#include "storage/local/local_backend.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <utility>

#include "common/paths.h"
#include "common/writer_files.h"
#include "storage/local/parallel_walker.h"
#include "storage/local/pinned_root.h"
#include "storage/local/posix_error.h"
#include "storage/storage_url.h"

namespace tidemark {
namespace {

std::string Quote(std::string_view path) {
  return "'" + DisplayPath(path) + "'";
}

StorageEntry EntryFromStat(std::string path, const struct stat& st) {
  StorageEntry e;
  e.path = std::move(path);
  e.kind = S_ISLNK(st.st_mode) ? EntryKind::kSymlink : EntryKind::kFile;
  e.size = st.st_size;
  e.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
               st.st_mtim.tv_nsec;
  e.device = st.st_dev;
  e.inode = st.st_ino;
  return e;
}

// An object's parent directory, opened, and its name in it.
struct ObjectLocation {
  UniqueFd parent;
  std::string path;  // normalized relative path
  std::string name;  // last component
};

constexpr off_t kSequentialAdviceBytes = 256 * 1024;
// The unit of a streaming write: memory per write, not per object.
constexpr size_t kCopyChunk = 1 << 20;

class LocalReadStream final : public ReadStream {
 public:
  // `opened` is the fstat taken at open; the first Stat() returns it, which
  // saves a syscall per file when hashing many small files.
  LocalReadStream(UniqueFd fd, std::string path, const struct stat& opened)
      : fd_(std::move(fd)), path_(std::move(path)), opened_(opened) {}

  Result<size_t> Read(char* buf, size_t n) override {
    while (true) {
      const ssize_t got = read(fd_.get(), buf, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) {
        return PosixError("cannot read " + Quote(path_), errno);
      }
    }
  }

  Result<StorageEntry> Stat() override {
    if (!opened_used_) {
      opened_used_ = true;
      return EntryFromStat(path_, opened_);
    }
    struct stat st;
    if (fstat(fd_.get(), &st) != 0) {
      return PosixError("cannot stat open file " + Quote(path_), errno);
    }
    return EntryFromStat(path_, st);
  }

 private:
  const UniqueFd fd_;
  const std::string path_;
  const struct stat opened_;
  bool opened_used_ = false;
};

class LocalBackend final : public StorageBackend {
 public:
  LocalBackend(std::string root, std::string url, PinnedRoot pinned)
      : root_(std::move(root)),
        url_(std::move(url)),
        pinned_(std::move(pinned)) {}

  BackendCapabilities Capabilities() const override {
    BackendCapabilities caps;
    caps.has_inodes = true;
    caps.server_side_move = true;
    caps.atomic_write = true;
    caps.symlinks = true;
    return caps;
  }

  std::string RootUrl() const override { return url_; }

  Status CheckRoot() override {
    ASSIGN_OR_RETURN(UniqueFd root, OpenRoot(O_RDONLY));
    // Reading one block catches mounts that open but fail to read (EIO).
    char buf[4096];
    if (syscall(SYS_getdents64, root.get(), buf, sizeof(buf)) < 0) {
      return PosixError("cannot read storage root " + Quote(root_), errno);
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<ListingStream>> List(
      const ListOptions& options) override {
    if (!options.scope.empty() && options.scope.front() == '/') {
      return Status::InvalidArgument("scope " + Quote(options.scope) +
                                     " is absolute; give a directory relative "
                                     "to the repository root");
    }
    WalkOptions walk;
    ASSIGN_OR_RETURN(walk.scope, NormalizeRelativePath(options.scope));
    walk.filter = options.filter;
    walk.threads = options.threads;
    ASSIGN_OR_RETURN(UniqueFd root, OpenRoot(O_PATH));
    return StartParallelWalk(root.get(), std::move(walk));
  }

  Result<StorageEntry> Stat(std::string_view path) override {
    ASSIGN_OR_RETURN(ObjectLocation loc,
                     Locate(path, /*create=*/false, O_PATH));
    struct stat st;
    if (fstatat(loc.parent.get(), loc.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) !=
        0) {
      return PosixError("cannot stat " + Quote(loc.path), errno);
    }
    RETURN_IF_ERROR(RequireObject(loc.path, st));
    return EntryFromStat(std::move(loc.path), st);
  }

  Result<std::unique_ptr<ReadStream>> Open(std::string_view path) override {
    // Fast path, one open below the root; any failure takes the slow path
    // below, which tells the exact reason.
    {
      ASSIGN_OR_RETURN(std::string rel, NormalizeObjectPath(path));
      ASSIGN_OR_RETURN(UniqueFd root, OpenRoot(O_PATH));
      UniqueFd fd(
          OpenBeneath(root.get(), rel, O_RDONLY | O_NONBLOCK | O_NOCTTY));
      struct stat st;
      if (fd.valid() && fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode)) {
        return OpenedStream(std::move(fd), std::move(rel), st);
      }
    }
    ASSIGN_OR_RETURN(ObjectLocation loc,
                     Locate(path, /*create=*/false, O_PATH));
    // O_NONBLOCK keeps a fifo from blocking the open; it is rejected below.
    UniqueFd fd(
        openat(loc.parent.get(), loc.name.c_str(),
               O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd.valid()) {
      if (errno == ELOOP) {
        return Status::InvalidArgument(
            "cannot open " + Quote(loc.path) +
            ": it is a symlink, and symlinks are not followed");
      }
      return PosixError("cannot open " + Quote(loc.path), errno);
    }
    struct stat st;
    if (fstat(fd.get(), &st) != 0) {
      return PosixError("cannot stat " + Quote(loc.path), errno);
    }
    RETURN_IF_ERROR(RequireObject(loc.path, st));
    return OpenedStream(std::move(fd), std::move(loc.path), st);
  }

  static std::unique_ptr<ReadStream> OpenedStream(UniqueFd fd, std::string path,
                                                  const struct stat& st) {
    // O_NONBLOCK has no effect on regular files, so it stays set; read-ahead
    // advice only pays off past a few blocks.
    if (st.st_size > kSequentialAdviceBytes) {
      posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    return std::make_unique<LocalReadStream>(std::move(fd), std::move(path),
                                             st);
  }

  Result<StorageEntry> WriteFrom(std::string_view path,
                                 ByteSource& source) override {
    ASSIGN_OR_RETURN(ObjectLocation loc,
                     Locate(path, /*create=*/true, O_RDONLY));
    // Named after this process (common/writer_files.h): if it is killed
    // before the rename, the next writer of this folder knows the file is
    // a dead writer's and removes it.
    const std::string temp = NewTemporaryName();
    UniqueFd fd(openat(loc.parent.get(), temp.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (!fd.valid()) {
      return PosixError("cannot create a temporary file for " + Quote(loc.path),
                        errno);
    }
    Status status = CopyFrom(source, fd.get(), loc.path);
    if (status.ok() && fsync(fd.get()) != 0) {
      status = PosixError("cannot sync " + Quote(loc.path), errno);
    }
    // The metadata of what was written, taken before the rename exposes it
    // (a rename changes neither the inode nor the mtime).
    struct stat st;
    if (status.ok() && fstat(fd.get(), &st) != 0) {
      status = PosixError("cannot stat " + Quote(loc.path), errno);
    }
    if (status.ok() && close(fd.Release()) != 0) {
      status = PosixError("cannot close " + Quote(loc.path), errno);
    }
    if (status.ok() && renameat(loc.parent.get(), temp.c_str(),
                                loc.parent.get(), loc.name.c_str()) != 0) {
      status = PosixError("cannot replace " + Quote(loc.path), errno);
    }
    if (!status.ok()) {
      unlinkat(loc.parent.get(), temp.c_str(), 0);
      return status;
    }
    // Make the rename durable; a failure here does not undo the write.
    fsync(loc.parent.get());
    return EntryFromStat(std::move(loc.path), st);
  }

  Status Remove(std::string_view path) override {
    ASSIGN_OR_RETURN(ObjectLocation loc,
                     Locate(path, /*create=*/false, O_PATH));
    if (unlinkat(loc.parent.get(), loc.name.c_str(), 0) != 0) {
      if (errno == EISDIR) return NotAnObject(loc.path);
      return PosixError("cannot remove " + Quote(loc.path), errno);
    }
    return Status::Ok();
  }

  Status Move(std::string_view from, std::string_view to) override {
    // Both paths are checked before anything is touched.
    RETURN_IF_ERROR(NormalizeObjectPath(from).status());
    RETURN_IF_ERROR(NormalizeObjectPath(to).status());
    ASSIGN_OR_RETURN(ObjectLocation src,
                     Locate(from, /*create=*/false, O_PATH));
    struct stat st;
    if (fstatat(src.parent.get(), src.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) !=
        0) {
      return PosixError("cannot move " + Quote(src.path), errno);
    }
    ASSIGN_OR_RETURN(ObjectLocation dst, Locate(to, /*create=*/true, O_PATH));
    const std::string what =
        "cannot move " + Quote(src.path) + " to " + Quote(dst.path);
    if (renameat2(src.parent.get(), src.name.c_str(), dst.parent.get(),
                  dst.name.c_str(), RENAME_NOREPLACE) == 0) {
      return Status::Ok();
    }
    if (errno != EINVAL) return PosixError(what, errno);
    // EINVAL: the filesystem may lack RENAME_NOREPLACE (or `to` is inside
    // `from`, which renameat reports the same way).
    if (fstatat(dst.parent.get(), dst.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) ==
        0) {
      return PosixError(what, EEXIST);
    }
    if (renameat(src.parent.get(), src.name.c_str(), dst.parent.get(),
                 dst.name.c_str()) != 0) {
      return PosixError(what, errno);
    }
    return Status::Ok();
  }

  Status Copy(std::string_view from, std::string_view to) override {
    RETURN_IF_ERROR(NormalizeObjectPath(from).status());
    RETURN_IF_ERROR(NormalizeObjectPath(to).status());
    ASSIGN_OR_RETURN(ObjectLocation src,
                     Locate(from, /*create=*/false, O_PATH));
    struct stat st;
    if (fstatat(src.parent.get(), src.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) !=
        0) {
      return PosixError("cannot copy " + Quote(src.path), errno);
    }
    RETURN_IF_ERROR(RequireObject(src.path, st));
    ASSIGN_OR_RETURN(ObjectLocation dst, Locate(to, /*create=*/true, O_PATH));
    const std::string what =
        "cannot copy " + Quote(src.path) + " to " + Quote(dst.path);
    // A hard link shares the inode, which Write never edits (it renames a
    // new file over the path), so the link keeps today's bytes. linkat does
    // not follow a symlink without AT_SYMLINK_FOLLOW: the link is copied.
    if (linkat(src.parent.get(), src.name.c_str(), dst.parent.get(),
               dst.name.c_str(), 0) == 0) {
      return Status::Ok();
    }
    const int err = errno;
    if (err != EPERM && err != EXDEV && err != EMLINK && err != ENOTSUP) {
      return PosixError(what, err);
    }
    // No hard links here (some network and FUSE filesystems): copy bytes.
    if (S_ISLNK(st.st_mode)) return PosixError(what, err);
    return CopyBytes(src, dst, what);
  }

 private:
  // Copies the regular file `src` into a temporary sibling of `dst` and
  // renames it into place without replacing anything.
  static Status CopyBytes(const ObjectLocation& src, const ObjectLocation& dst,
                          const std::string& what) {
    UniqueFd in(openat(src.parent.get(), src.name.c_str(),
                       O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in.valid()) return PosixError(what, errno);
    const std::string temp = NewTemporaryName();
    UniqueFd out(openat(dst.parent.get(), temp.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (!out.valid()) return PosixError(what, errno);
    Status status;
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = read(in.get(), buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = PosixError(what, errno);
        break;
      }
      if (n == 0) break;
      status = WriteAll(out.get(), std::string_view(buf, n), dst.path);
      if (!status.ok()) break;
    }
    if (status.ok() && fsync(out.get()) != 0) status = PosixError(what, errno);
    if (status.ok() && close(out.Release()) != 0) {
      status = PosixError(what, errno);
    }
    if (status.ok() &&
        renameat2(dst.parent.get(), temp.c_str(), dst.parent.get(),
                  dst.name.c_str(), RENAME_NOREPLACE) != 0) {
      status = PosixError(what, errno);
    }
    if (!status.ok()) unlinkat(dst.parent.get(), temp.c_str(), 0);
    return status;
  }

  static Status NotAnObject(std::string_view path) {
    return Status::NotFound("no file at " + Quote(path) +
                            ": it is a directory or a special file");
  }

  static Status RequireObject(std::string_view path, const struct stat& st) {
    if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) return Status::Ok();
    return NotAnObject(path);
  }

  // Copies `source` to its end into `fd`, a chunk at a time.
  static Status CopyFrom(ByteSource& source, int fd, std::string_view path) {
    std::unique_ptr<char[]> buf(new char[kCopyChunk]);
    for (;;) {
      ASSIGN_OR_RETURN(size_t n, source.Read(buf.get(), kCopyChunk));
      if (n == 0) return Status::Ok();
      RETURN_IF_ERROR(WriteAll(fd, std::string_view(buf.get(), n), path));
    }
  }

  static Status WriteAll(int fd, std::string_view data, std::string_view path) {
    while (!data.empty()) {
      const ssize_t n = write(fd, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("cannot write " + Quote(path), errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  // The root directory, opened with `flags`. A missing root is Unavailable:
  // the storage is offline, which is not the same as empty.
  Result<UniqueFd> OpenRoot(int flags) const {
    const int opened = OpenPinnedRoot(pinned_, flags);
    if (opened >= 0) return UniqueFd(opened);
    const int err = -opened;
    if (err == ELOOP && pinned_.no_symlinks) {
      return Status::Unavailable(
          "storage root " + Quote(root_) + " (" + Quote(pinned_.path) +
          ") is now reached through a symlink that was not there when this "
          "operation began; nothing was read or written there");
    }
    if (err == ENOENT || err == ENOTDIR) {
      return Status::Unavailable("storage root " + Quote(root_) +
                                 " is missing or not a directory (is the "
                                 "disk mounted?)");
    }
    return PosixError("cannot open storage root " + Quote(root_), err);
  }

  // Validates `path` and opens its parent directory with `flags`, creating
  // missing parents when `create` is set. Never follows symlinks.
  Result<ObjectLocation> Locate(std::string_view path, bool create, int flags) {
    ObjectLocation loc;
    ASSIGN_OR_RETURN(loc.path, NormalizeObjectPath(path));
    ASSIGN_OR_RETURN(UniqueFd root, OpenRoot(O_PATH));
    const size_t slash = loc.path.rfind('/');
    const std::string_view parent =
        slash == std::string::npos
            ? std::string_view()
            : std::string_view(loc.path).substr(0, slash);
    loc.name = loc.path.substr(slash == std::string::npos ? 0 : slash + 1);
    if (create) {
      RETURN_IF_ERROR(MakeDirectories(root.get(), parent, loc.path));
    }
    const int fd = OpenDirectoryBeneath(root.get(), parent, flags);
    if (fd < 0) {
      if (-fd == ENOENT || -fd == ENOTDIR || -fd == ELOOP) {
        return Status::NotFound("no file at " + Quote(loc.path) +
                                ": a parent directory is missing, or is a "
                                "file or a symlink");
      }
      return PosixError("cannot open the directory of " + Quote(loc.path), -fd);
    }
    loc.parent = UniqueFd(fd);
    return loc;
  }

  static Status MakeDirectories(int root_fd, std::string_view dir,
                                std::string_view for_path) {
    UniqueFd current;
    size_t begin = 0;
    while (begin < dir.size()) {
      size_t end = dir.find('/', begin);
      if (end == std::string_view::npos) end = dir.size();
      const std::string component(dir.substr(begin, end - begin));
      const int base = current.valid() ? current.get() : root_fd;
      const int flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
      int fd = openat(base, component.c_str(), flags);
      if (fd < 0 && errno == ENOENT) {
        if (mkdirat(base, component.c_str(), 0777) != 0 && errno != EEXIST) {
          return PosixError("cannot create the directory " +
                                Quote(dir.substr(0, end)) + " for " +
                                Quote(for_path),
                            errno);
        }
        fd = openat(base, component.c_str(), flags);
      }
      if (fd < 0) {
        if (errno == ENOTDIR || errno == ELOOP) {
          return Status::FailedPrecondition("cannot create " + Quote(for_path) +
                                            ": " + Quote(dir.substr(0, end)) +
                                            " is a file or a symlink, not a "
                                            "directory");
        }
        return PosixError(
            "cannot open the directory " + Quote(dir.substr(0, end)), errno);
      }
      current = UniqueFd(fd);
      begin = end + 1;
    }
    return Status::Ok();
  }

  const std::string root_;  // as given, for messages
  const std::string url_;
  const PinnedRoot pinned_;  // what is opened (pinned_root.h)
};

}  // namespace

Result<std::unique_ptr<StorageBackend>> OpenLocalBackend(
    const std::string& absolute_root) {
  if (absolute_root.empty() || absolute_root.front() != '/') {
    return Status::InvalidArgument(
        "local storage root " + Quote(absolute_root) +
        " is not an absolute path; give a path starting with '/'");
  }
  ASSIGN_OR_RETURN(StorageUrl url, ParseStorageUrl(absolute_root, "/"));
  ASSIGN_OR_RETURN(PinnedRoot pinned, PinRoot(url.path));
  return std::unique_ptr<StorageBackend>(std::make_unique<LocalBackend>(
      url.path, url.canonical, std::move(pinned)));
}

}  // namespace tidemark
