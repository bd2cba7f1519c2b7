#include "watch/inotify_change_source.h"

#include <fcntl.h>
#include <limits.h>  // NAME_MAX
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/paths.h"
#include "storage/local/posix_error.h"
#include "watch/inotify_directory.h"
#include "watch/watch_map.h"

namespace tidemark {
namespace {

using Kind = FsEvent::Kind;

constexpr uint32_t kWatchMask = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE |
                                IN_ATTRIB | IN_DELETE | IN_DELETE_SELF |
                                IN_MOVED_FROM | IN_MOVED_TO | IN_MOVE_SELF |
                                IN_ONLYDIR | IN_EXCL_UNLINK;
constexpr size_t kMinReadBuffer = sizeof(inotify_event) + NAME_MAX + 1;

FsEvent Event(FsEvent::Kind kind, std::string path, bool is_directory = false) {
  FsEvent event;
  event.kind = kind;
  event.path = std::move(path);
  event.is_directory = is_directory;
  return event;
}

// One decoded inotify event; `name` points into the read buffer.
struct RawEvent {
  int wd;
  uint32_t mask;
  uint32_t cookie;
  std::string_view name;
};

class InotifyChangeSource final : public ChangeSource {
 public:
  InotifyChangeSource(std::string root, UniqueFd inotify, UniqueFd wake,
                      InotifyOptions options)
      : root_(std::move(root)),
        inotify_(std::move(inotify)),
        wake_(std::move(wake)),
        read_buffer_size_(std::max(options.read_buffer_bytes, kMinReadBuffer)),
        read_buffer_(new char[read_buffer_size_]) {}

  Status Start() override;
  Result<size_t> Poll(std::vector<FsEvent>* out,
                      std::chrono::milliseconds timeout) override;
  void Close() override;

 private:
  // Watches `rel` and every directory below it, each before listing it.
  // With `report`, every entry found below `rel` is appended to `out` as
  // kCreated. Directories that cannot be watched become kUnwatched, those
  // that cannot be listed completely kOverflow.
  void WatchTree(int root_fd, const std::string& rel, bool report,
                 std::vector<FsEvent>* out);
  // WatchTree for a directory that appeared after Start, reporting entries.
  void WatchNewTree(const std::string& rel, std::vector<FsEvent>* out);
  // The root, opened for the moment: a descriptor held for longer would keep
  // a deleted root alive and delay its IN_DELETE_SELF. -errno on failure.
  int OpenRoot() const {
    const int fd = open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
  }
  void ProcessBatch(const char* data, size_t size, std::vector<FsEvent>* out);

  void UnwatchSubtree(const std::string& rel);
  void RootGone(std::string reason, std::vector<FsEvent>* out);
  // Whether the new non-directory `rel` was created by open(O_CREAT), so a
  // close-write may follow: a regular file with one link. A hint only; a
  // symlink swapped into `rel`'s parents at this moment could mislead it.
  bool MayBeOpen(const std::string& rel) const {
    struct stat st;
    return lstat((root_ + "/" + rel).c_str(), &st) == 0 &&
           S_ISREG(st.st_mode) && st.st_nlink == 1;
  }
  // The Unavailable error of a Poll that cannot go on.
  Status Broken(std::string_view what, int err) const {
    return Status::Unavailable(
        PosixError(std::string(what) + " the inotify descriptor watching '" +
                       DisplayPath(root_) + "'",
                   err)
            .message());
  }

  const std::string root_;
  UniqueFd inotify_;
  const UniqueFd wake_;  // eventfd written by Close
  std::atomic<bool> closed_{false};
  const size_t read_buffer_size_;
  const std::unique_ptr<char[]> read_buffer_;

  // Everything below is used only by the Start/Poll thread.
  bool started_ = false;
  bool root_gone_ = false;
  int root_wd_ = -1;
  WatchMap watches_;
  std::vector<FsEvent> pending_;  // from Start, for the next Poll
};

Status InotifyChangeSource::Start() {
  if (started_) return Status::FailedPrecondition("the source was started");
  if (closed_.load()) return Status::Cancelled("the source was closed");
  const int fd = OpenRoot();
  if (fd < 0) {
    return PosixError("cannot open the watch root '" + DisplayPath(root_) + "'",
                      -fd);
  }
  const UniqueFd root(fd);
  auto watched =
      WatchAndListDirectory(inotify_.get(), root.get(), root_, "", kWatchMask);
  if (!watched.ok()) {
    return watched.status().WithContext("cannot watch the root '" +
                                        DisplayPath(root_) + "'");
  }
  root_wd_ = watched->wd;
  watches_.Set(root_wd_, "");
  if (!watched->listing_complete) {
    pending_.push_back(Event(Kind::kOverflow, ""));
  }
  started_ = true;
  for (const DirectoryEntry& entry : watched->entries) {
    if (entry.is_directory) {
      WatchTree(root.get(), entry.name, false, &pending_);
    }
  }
  return Status::Ok();
}

void InotifyChangeSource::WatchNewTree(const std::string& rel,
                                       std::vector<FsEvent>* out) {
  const int fd = OpenRoot();
  if (fd < 0) return;  // the root's own events will say what happened
  const UniqueFd root(fd);
  WatchTree(root.get(), rel, true, out);
}

void InotifyChangeSource::WatchTree(int root_fd, const std::string& rel,
                                    bool report, std::vector<FsEvent>* out) {
  std::vector<std::string> stack{rel};
  while (!stack.empty()) {
    const std::string dir = std::move(stack.back());
    stack.pop_back();
    auto watched =
        WatchAndListDirectory(inotify_.get(), root_fd, root_, dir, kWatchMask);
    if (!watched.ok()) {
      // NotFound: gone or replaced by a symlink; the parent's events say so.
      if (watched.status().IsNotFound()) continue;
      out->push_back(Event(Kind::kUnwatched, dir, true));
      out->back().reason = watched.status().message();
      continue;
    }
    watches_.Set(watched->wd, dir);
    if (!watched->listing_complete) out->push_back(Event(Kind::kOverflow, dir));
    for (const DirectoryEntry& entry : watched->entries) {
      std::string path = JoinPath(dir, entry.name);
      if (report) {
        out->push_back(Event(Kind::kCreated, path, entry.is_directory));
      }
      if (entry.is_directory) stack.push_back(std::move(path));
    }
  }
}

Result<size_t> InotifyChangeSource::Poll(std::vector<FsEvent>* out,
                                         std::chrono::milliseconds timeout) {
  if (closed_.load()) {
    inotify_.Reset();  // Close leaves this to the polling thread
    return size_t{0};
  }
  if (!started_) return Status::FailedPrecondition("Poll before Start");
  const size_t before = out->size();
  out->insert(out->end(), std::make_move_iterator(pending_.begin()),
              std::make_move_iterator(pending_.end()));
  pending_.clear();
  const auto deadline =
      std::chrono::steady_clock::now() + std::max(timeout, timeout.zero());
  while (true) {
    int wait_ms = 0;
    if (out->size() == before) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::clamp<int64_t>(
          left.count(), 0, std::numeric_limits<int>::max()));
    }
    pollfd fds[2] = {{inotify_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    if (poll(fds, 2, wait_ms) < 0) {
      if (errno == EINTR) continue;
      return Broken("cannot poll", errno);
    }
    if (closed_.load()) {
      inotify_.Reset();
      out->resize(before);
      return size_t{0};
    }
    if (fds[0].revents & POLLIN) {
      const ssize_t n =
          read(inotify_.get(), read_buffer_.get(), read_buffer_size_);
      if (n > 0) {
        ProcessBatch(read_buffer_.get(), static_cast<size_t>(n), out);
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        return Broken("cannot read", errno);
      }
    } else if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
      return Broken("cannot poll", EIO);
    }
    if (out->size() > before || wait_ms == 0) return out->size() - before;
  }
}

void InotifyChangeSource::ProcessBatch(const char* data, size_t size,
                                       std::vector<FsEvent>* out) {
  std::vector<RawEvent> events;
  std::unordered_set<uint32_t> to_cookies;
  for (size_t pos = 0; pos + sizeof(inotify_event) <= size;) {
    inotify_event header;
    std::memcpy(&header, data + pos, sizeof(header));
    const char* name = data + pos + sizeof(header);
    events.push_back({header.wd, header.mask, header.cookie,
                      std::string_view(name, strnlen(name, header.len))});
    if (header.mask & IN_MOVED_TO) to_cookies.insert(header.cookie);
    pos += sizeof(header) + header.len;
  }
  // Directories renamed within the root whose kMovedTo is still ahead:
  // cookie -> old path.
  std::unordered_map<uint32_t, std::string> moving_directories;
  std::unordered_set<uint32_t> from_cookies;  // kMovedFrom reported

  for (const RawEvent& e : events) {
    if (root_gone_) break;
    if (e.mask & IN_Q_OVERFLOW) {
      out->push_back(Event(Kind::kOverflow, ""));
      continue;
    }
    if (e.mask & IN_IGNORED) {
      watches_.Forget(e.wd);
      if (e.wd == root_wd_) RootGone("the root's watch was removed", out);
      continue;
    }
    const std::string* dir = watches_.PathOf(e.wd);
    if (dir == nullptr) continue;  // a watch we removed
    if (e.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
      // Other directories are reported by their parents' events.
      if (e.wd != root_wd_) continue;
      RootGone(e.mask & IN_UNMOUNT     ? "the root's filesystem was unmounted"
               : e.mask & IN_MOVE_SELF ? "the root directory was moved"
                                       : "the root directory was deleted",
               out);
      continue;
    }
    // Nameless events (IN_ATTRIB on the directory itself) are reported by
    // the parent's watch.
    if (e.name.empty()) continue;
    const std::string path = JoinPath(*dir, e.name);
    const bool is_directory = (e.mask & IN_ISDIR) != 0;
    const auto simple = [&](Kind kind) {
      out->push_back(Event(kind, path, is_directory));
    };
    if (e.mask & IN_CREATE) {
      simple(Kind::kCreated);
      if (is_directory) {
        WatchNewTree(path, out);
      } else {
        out->back().may_be_open = MayBeOpen(path);
      }
    } else if (e.mask & IN_MODIFY) {
      simple(Kind::kWriting);
    } else if (e.mask & IN_CLOSE_WRITE) {
      simple(Kind::kModified);
    } else if (e.mask & IN_ATTRIB) {
      simple(Kind::kAttributes);
    } else if (e.mask & IN_DELETE) {
      simple(Kind::kDeleted);
    } else if (e.mask & IN_MOVED_FROM) {
      simple(Kind::kMovedFrom);
      out->back().cookie = e.cookie;
      from_cookies.insert(e.cookie);
      if (!is_directory) continue;
      if (to_cookies.contains(e.cookie)) {
        moving_directories[e.cookie] = path;
      } else {
        UnwatchSubtree(path);  // moved out of the root
      }
    } else if (e.mask & IN_MOVED_TO) {
      const bool paired = from_cookies.contains(e.cookie);
      simple(Kind::kMovedTo);
      if (paired) out->back().cookie = e.cookie;
      if (!is_directory) continue;
      const auto moving = moving_directories.find(e.cookie);
      if (moving != moving_directories.end() &&
          watches_.Contains(moving->second)) {
        watches_.Rename(moving->second, path);
      } else {
        // From outside the root, or from a directory we never watched.
        WatchNewTree(path, out);
      }
      if (moving != moving_directories.end()) moving_directories.erase(moving);
    }
  }
  // A rename whose destination we do not watch took the subtree away.
  for (const auto& [cookie, old_path] : moving_directories) {
    UnwatchSubtree(old_path);
  }
}

void InotifyChangeSource::UnwatchSubtree(const std::string& rel) {
  for (const int wd : watches_.Subtree(rel)) {
    inotify_rm_watch(inotify_.get(), wd);  // its IN_IGNORED finds no wd
    watches_.Forget(wd);
  }
}

void InotifyChangeSource::RootGone(std::string reason,
                                   std::vector<FsEvent>* out) {
  if (root_gone_) return;
  root_gone_ = true;
  out->push_back(Event(Kind::kRootGone, "", true));
  out->back().reason = std::move(reason);
}

void InotifyChangeSource::Close() {
  closed_.store(true);
  const uint64_t one = 1;
  if (write(wake_.get(), &one, sizeof(one)) < 0) {
    // Already signalled (the counter cannot overflow from 1s): nothing to do.
  }
}

}  // namespace

Result<std::unique_ptr<ChangeSource>> OpenInotifyChangeSource(
    const std::string& absolute_root, InotifyOptions options) {
  if (absolute_root.empty() || absolute_root[0] != '/' ||
      absolute_root.find('\0') != std::string::npos) {
    return Status::InvalidArgument("the watch root '" +
                                   DisplayPath(absolute_root) +
                                   "' is not an absolute path");
  }
  std::string root = absolute_root;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  UniqueFd inotify(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!inotify.valid()) {
    const int err = errno;
    if (err == EMFILE) {
      return Status::ResourceExhausted(
          "no inotify instance left (fs.inotify.max_user_instances or the "
          "open-file limit); raise it with: sysctl "
          "fs.inotify.max_user_instances=1024");
    }
    return PosixError("cannot create an inotify instance", err);
  }
  UniqueFd wake(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) return PosixError("cannot create an eventfd", errno);
  return std::unique_ptr<ChangeSource>(std::make_unique<InotifyChangeSource>(
      std::move(root), std::move(inotify), std::move(wake), options));
}

}  // namespace tidemark
