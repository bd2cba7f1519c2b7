#include "storage/local/parallel_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "common/paths.h"
#include "storage/local/dirent_reader.h"
#include "storage/local/posix_error.h"
#include "storage/local/subtree_device.h"

namespace tidemark {
namespace {

constexpr size_t kDirentBufferSize = 128 * 1024;
constexpr unsigned kStatxMask =
    STATX_TYPE | STATX_MODE | STATX_SIZE | STATX_MTIME | STATX_INO;

enum class Kind : uint8_t { kFile, kSymlink, kDirectory };

// One directory entry. Names live in Listing::keys; a directory's key is its
// name followed by '/', so sorting keys gives the byte order of full paths.
struct RawEntry {
  uint32_t key_offset;
  uint32_t key_size;
  Kind kind;
  int64_t size;
  int64_t mtime_ns;
  uint64_t device;
  uint64_t inode;
};

struct Listing {
  std::string keys;
  std::vector<RawEntry> entries;
  Status error;        // the directory could not be listed completely
  int open_errno = 0;  // set when the directory is absent (ENOENT...)

  std::string_view Key(const RawEntry& e) const {
    return std::string_view(keys).substr(e.key_offset, e.key_size);
  }
  std::string_view Name(const RawEntry& e) const {
    std::string_view key = Key(e);
    if (e.kind == Kind::kDirectory) key.remove_suffix(1);
    return key;
  }
};

// Per-thread buffers reused across directories.
struct Scratch {
  std::unique_ptr<char[]> dirents{new char[kDirentBufferSize]};
  std::string path;
};

bool IsAbsentErrno(int err) {
  return err == ENOENT || err == ENOTDIR || err == ELOOP;
}

// Lists the directory whose key is `dir_key` ("a/b/", or "" for the root).
std::unique_ptr<Listing> ListDirectory(int root_fd, std::string_view dir_key,
                                       const PathFilter& filter,
                                       Scratch* scratch) {
  auto listing = std::make_unique<Listing>();
  std::string_view rel = dir_key;
  if (!rel.empty()) rel.remove_suffix(1);
  const int fd_or_error = OpenDirectoryBeneath(root_fd, rel, O_RDONLY);
  if (fd_or_error < 0) {
    const int err = -fd_or_error;
    if (IsAbsentErrno(err)) {
      listing->open_errno = err;
    } else {
      listing->error =
          PosixError("cannot open directory '" + DisplayPath(rel) + "'", err);
    }
    return listing;
  }
  UniqueFd dir(fd_or_error);

  auto filtered_out = [&](std::string_view name, bool is_directory) {
    if (!filter) return false;
    scratch->path.assign(dir_key);
    scratch->path.append(name);
    return !filter(scratch->path, is_directory);
  };
  auto add = [&](std::string_view name, Kind kind) -> RawEntry& {
    RawEntry e{};
    e.key_offset = static_cast<uint32_t>(listing->keys.size());
    e.key_size = static_cast<uint32_t>(name.size());
    e.kind = kind;
    listing->keys.append(name);
    if (kind == Kind::kDirectory) {
      listing->keys += '/';
      ++e.key_size;
    }
    return listing->entries.emplace_back(e);
  };

  const int stopped = ForEachDirent(
      dir.get(), scratch->dirents.get(), kDirentBufferSize,
      [&](std::string_view name, unsigned char d_type) {
        if (d_type == DT_DIR) {
          if (!filtered_out(name, true)) add(name, Kind::kDirectory);
          return true;
        }
        const bool type_known = d_type == DT_REG || d_type == DT_LNK;
        if (!type_known && d_type != DT_UNKNOWN) return true;  // fifo, device
        if (type_known && filtered_out(name, false)) return true;

        // `name` points into the dirent buffer, NUL-terminated.
        struct statx stx;
        if (statx(dir.get(), name.data(),
                  AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, kStatxMask,
                  &stx) != 0) {
          const int err = errno;
          if (err == ENOENT) return true;  // vanished since getdents: gone
          listing->error = PosixError(
              "cannot stat '" + DisplayPath(JoinPath(rel, name)) + "'", err);
          return false;
        }
        Kind kind;
        if (S_ISREG(stx.stx_mode)) {
          kind = Kind::kFile;
        } else if (S_ISLNK(stx.stx_mode)) {
          kind = Kind::kSymlink;
        } else if (S_ISDIR(stx.stx_mode)) {
          // DT_UNKNOWN, or replaced by a directory since getdents.
          if (!filtered_out(name, true)) add(name, Kind::kDirectory);
          return true;
        } else {
          return true;
        }
        if (!type_known && filtered_out(name, false)) return true;
        RawEntry& e = add(name, kind);
        e.size = static_cast<int64_t>(stx.stx_size);
        e.mtime_ns =
            static_cast<int64_t>(stx.stx_mtime.tv_sec) * 1'000'000'000 +
            stx.stx_mtime.tv_nsec;
        e.device = makedev(stx.stx_dev_major, stx.stx_dev_minor);
        e.inode = stx.stx_ino;
        return true;
      });
  if (stopped == -1) return listing;  // listing->error says why
  if (stopped == ENOENT) {  // removed after we opened it: its entries are gone
    listing->entries.clear();
    listing->keys.clear();
    listing->open_errno = stopped;
    return listing;
  }
  if (stopped != 0) {
    listing->error =
        PosixError("cannot read directory '" + DisplayPath(rel) + "'", stopped);
    return listing;
  }
  const std::string_view keys = listing->keys;
  std::sort(listing->entries.begin(), listing->entries.end(),
            [keys](const RawEntry& a, const RawEntry& b) {
              return keys.substr(a.key_offset, a.key_size) <
                     keys.substr(b.key_offset, b.key_size);
            });
  return listing;
}

class ParallelWalker final : public ListingStream {
 public:
  ParallelWalker(UniqueFd root, WalkOptions options)
      : root_(std::move(root)), options_(std::move(options)) {}

  ~ParallelWalker() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  // Lists the scope itself, then starts the workers.
  Status Start() {
    std::string key = options_.scope;
    if (!key.empty()) key += '/';
    std::unique_ptr<Listing> listing =
        ListDirectory(root_.get(), key, options_.filter, &scratch_);
    if (listing->open_errno != 0) {
      const std::string what =
          "cannot list scope '" + DisplayPath(options_.scope) + "'";
      if (listing->open_errno == ELOOP) {
        return Status::NotFound(
            what +
            ": it is or passes through a symlink, which is not "
            "followed");
      }
      return PosixError(what, listing->open_errno);
    }
    RETURN_IF_ERROR(listing->error);
    {
      std::lock_guard<std::mutex> lock(mu_);
      PublishSubdirectoriesLocked(key, *listing);
    }
    stack_.push_back(Frame{std::move(key), std::move(listing), 0});
    const int threads = options_.threads > 0 ? options_.threads : 2;
    for (int i = 0; i < threads; ++i) {
      try {
        workers_.emplace_back([this] { WorkerLoop(); });
      } catch (const std::system_error&) {
        break;  // fewer workers; the consumer lists what nobody prefetched
      }
    }
    return Status::Ok();
  }

  Result<bool> Next(ListItem* item) override {
    while (!stack_.empty()) {
      Frame& frame = stack_.back();
      if (frame.next == frame.listing->entries.size()) {
        stack_.pop_back();
        continue;
      }
      const RawEntry& e = frame.listing->entries[frame.next++];
      if (e.kind == Kind::kDirectory) {
        std::string key = frame.prefix;
        key.append(frame.listing->Key(e));
        std::unique_ptr<Listing> listing = Take(key);
        if (listing->open_errno != 0) continue;  // vanished
        if (!listing->error.ok()) {
          key.pop_back();
          item->type = ListItem::Type::kSubtreeError;
          item->entry = StorageEntry();
          item->path = std::move(key);
          item->error = std::move(listing->error);
          item->subtree_device = SoleDeviceBelow(root_.get(), item->path);
          return true;
        }
        stack_.push_back(Frame{std::move(key), std::move(listing), 0});
        continue;
      }
      item->type = ListItem::Type::kEntry;
      item->path.clear();
      item->error = Status();
      item->subtree_device = 0;
      StorageEntry& out = item->entry;
      out.path.assign(frame.prefix);
      out.path.append(frame.listing->Name(e));
      out.kind =
          e.kind == Kind::kSymlink ? EntryKind::kSymlink : EntryKind::kFile;
      out.size = e.size;
      out.mtime_ns = e.mtime_ns;
      out.device = e.device;
      out.inode = e.inode;
      return true;
    }
    return false;
  }

 private:
  enum class JobState { kPending, kListing, kDone };
  struct Job {
    JobState state = JobState::kPending;
    std::unique_ptr<Listing> listing;
  };
  struct Frame {
    std::string prefix;  // key of the directory: "a/b/"
    std::unique_ptr<Listing> listing;
    size_t next;
  };

  bool OverBudgetLocked() const {
    return buffered_directories_ >= options_.max_buffered_directories ||
           buffered_entries_ >= options_.max_buffered_entries;
  }

  // Makes the subdirectories of a listed directory known, so that workers
  // can prefetch them and the consumer can find them.
  void PublishSubdirectoriesLocked(std::string_view dir_key,
                                   const Listing& listing) {
    bool added = false;
    for (const RawEntry& e : listing.entries) {
      if (e.kind != Kind::kDirectory) continue;
      std::string key(dir_key);
      key.append(listing.Key(e));
      auto [it, inserted] = jobs_.try_emplace(std::move(key));
      if (inserted) {
        pending_.insert(it->first);
        added = true;
      }
    }
    if (added) work_cv_.notify_one();
  }

  // The listing of the directory `key`, which the consumer needs now.
  std::unique_ptr<Listing> Take(const std::string& key) {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = jobs_.find(key);
    if (it == jobs_.end()) {
      // Not published: cannot happen, but list it rather than fail.
      lock.unlock();
      auto listing =
          ListDirectory(root_.get(), key, options_.filter, &scratch_);
      lock.lock();
      PublishSubdirectoriesLocked(key, *listing);
      return listing;
    }
    Job& job = it->second;
    if (job.state == JobState::kPending) {
      // Nobody started it: listing it here beats waiting for a worker.
      pending_.erase(std::string_view(it->first));
      job.state = JobState::kListing;
      lock.unlock();
      auto listing =
          ListDirectory(root_.get(), key, options_.filter, &scratch_);
      lock.lock();
      PublishSubdirectoriesLocked(key, *listing);
      jobs_.erase(it);
      return listing;
    }
    if (job.state != JobState::kDone) {
      consumer_waiting_ = true;
      done_cv_.wait(lock, [&job] { return job.state == JobState::kDone; });
      consumer_waiting_ = false;
    }
    std::unique_ptr<Listing> listing = std::move(job.listing);
    const bool was_over = OverBudgetLocked();
    --buffered_directories_;
    buffered_entries_ -= listing->entries.size();
    jobs_.erase(it);
    if (was_over && !OverBudgetLocked()) work_cv_.notify_all();
    return listing;
  }

  void WorkerLoop() {
    Scratch scratch;
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      work_cv_.wait(lock, [this] {
        return stop_ || (!pending_.empty() && !OverBudgetLocked());
      });
      if (stop_) return;
      const std::string_view key = *pending_.begin();
      pending_.erase(pending_.begin());
      Job& job = jobs_.find(key)->second;  // stays while kListing
      job.state = JobState::kListing;
      lock.unlock();
      std::unique_ptr<Listing> listing =
          ListDirectory(root_.get(), key, options_.filter, &scratch);
      lock.lock();
      PublishSubdirectoriesLocked(key, *listing);
      ++buffered_directories_;
      buffered_entries_ += listing->entries.size();
      job.listing = std::move(listing);
      job.state = JobState::kDone;
      if (consumer_waiting_) done_cv_.notify_one();
    }
  }

  const UniqueFd root_;
  const WalkOptions options_;
  Scratch scratch_;           // the consumer's
  std::vector<Frame> stack_;  // the consumer's
  std::vector<std::thread> workers_;

  std::mutex mu_;
  std::condition_variable work_cv_;  // workers: pending work or stop
  std::condition_variable done_cv_;  // consumer: a job finished
  // Known directories not yet consumed, by key; pending_ points into its keys
  // and orders them like the consumer will need them.
  std::map<std::string, Job, std::less<>> jobs_;
  std::set<std::string_view> pending_;
  size_t buffered_directories_ = 0;
  size_t buffered_entries_ = 0;
  bool consumer_waiting_ = false;
  bool stop_ = false;
};

std::atomic<bool> g_have_openat2{true};

// OpenBeneath for a path the kernel takes in one call (shorter than
// PATH_MAX).
int OpenPieceBeneath(int base_fd, std::string_view rel, int flags) {
  const std::string path(rel);
  if (g_have_openat2.load(std::memory_order_relaxed)) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const long fd =
        syscall(SYS_openat2, base_fd, path.c_str(), &how, sizeof(how));
    if (fd >= 0) return static_cast<int>(fd);
    const int err = errno;
    // EAGAIN: a concurrent rename made the kernel give up; ENOSYS/EPERM: no
    // openat2 here (old kernel, seccomp). Both fall through to the walk below.
    if (err == ENOSYS || err == EPERM) {
      g_have_openat2.store(false, std::memory_order_relaxed);
    } else if (err != EAGAIN) {
      return -err;
    }
  }
  // One component at a time, refusing symlinks at every step.
  UniqueFd current;
  size_t begin = 0;
  while (true) {
    size_t end = path.find('/', begin);
    const bool last = end == std::string::npos;
    if (last) end = path.size();
    const std::string component = path.substr(begin, end - begin);
    const int base = current.get() >= 0 ? current.get() : base_fd;
    const int fd =
        openat(base, component.c_str(),
               last ? flags : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -errno;
    current = UniqueFd(fd);
    if (last) break;
    begin = end + 1;
  }
  return current.Release();
}

}  // namespace

int OpenDirectoryBeneath(int root_fd, std::string_view rel, int flags) {
  return OpenBeneath(root_fd, rel, flags | O_DIRECTORY);
}

int OpenBeneath(int root_fd, std::string_view rel, int flags) {
  flags |= O_NOFOLLOW | O_CLOEXEC;
  if (rel.empty()) {
    const int fd = openat(root_fd, ".", flags);
    return fd >= 0 ? fd : -errno;
  }
  // The kernel takes paths shorter than PATH_MAX, but a tree may be deeper:
  // a longer path is opened piece by piece, each piece beneath the directory
  // the one before it opened, so no step can leave the root either.
  UniqueFd piece_base;
  while (rel.size() >= PATH_MAX) {
    const size_t cut = rel.rfind('/', PATH_MAX - 1);
    if (cut == std::string_view::npos || cut == 0) return -ENAMETOOLONG;
    const int fd = OpenPieceBeneath(
        piece_base.valid() ? piece_base.get() : root_fd, rel.substr(0, cut),
        O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return fd;
    piece_base = UniqueFd(fd);
    rel.remove_prefix(cut + 1);
  }
  return OpenPieceBeneath(piece_base.valid() ? piece_base.get() : root_fd, rel,
                          flags);
}

Result<std::unique_ptr<ListingStream>> StartParallelWalk(int root_fd,
                                                         WalkOptions options) {
  ASSIGN_OR_RETURN(options.scope, NormalizeRelativePath(options.scope));
  const int dup_fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) {
    return PosixError("cannot duplicate the root directory descriptor", errno);
  }
  auto walker =
      std::make_unique<ParallelWalker>(UniqueFd(dup_fd), std::move(options));
  RETURN_IF_ERROR(walker->Start());
  return std::unique_ptr<ListingStream>(std::move(walker));
}

}  // namespace tidemark
