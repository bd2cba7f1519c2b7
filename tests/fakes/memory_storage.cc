#include "fakes/memory_storage.h"

#include <chrono>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "common/paths.h"

namespace tidemark {
namespace {

constexpr uint64_t kDevice = 1;  // below the root, except below mounts

struct Node {
  EntryKind kind = EntryKind::kFile;
  std::string data;  // content, or the target of a symlink
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
};

using ObjectMap = std::map<std::string, std::shared_ptr<Node>>;

std::string Quote(std::string_view path) {
  return "'" + DisplayPath(path) + "'";
}

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StorageEntry EntryOf(const std::string& path, const Node& node,
                     uint64_t device) {
  StorageEntry e;
  e.path = path;
  e.kind = node.kind;
  e.size = static_cast<int64_t>(node.data.size());
  e.mtime_ns = node.mtime_ns;
  e.device = device;
  e.inode = node.inode;
  return e;
}

// True when some object lies below `dir`.
bool IsDirectory(const ObjectMap& objects, const std::string& dir) {
  const std::string prefix = dir + "/";
  auto it = objects.lower_bound(prefix);
  return it != objects.end() && it->first.starts_with(prefix);
}

// The proper ancestor of `path` that is an object (so `path` cannot exist),
// or "" when there is none.
std::string BlockingAncestor(const ObjectMap& objects,
                             const std::string& path) {
  for (size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string ancestor = path.substr(0, slash);
    if (objects.count(ancestor) != 0) return ancestor;
  }
  return "";
}

class MemoryListingStream final : public ListingStream {
 public:
  explicit MemoryListingStream(std::vector<ListItem> items)
      : items_(std::move(items)) {}

  Result<bool> Next(ListItem* item) override {
    if (next_ == items_.size()) return false;
    *item = std::move(items_[next_++]);
    return true;
  }

 private:
  std::vector<ListItem> items_;
  size_t next_ = 0;
};

}  // namespace

struct MemoryStorage::State {
  std::mutex mu;
  ObjectMap objects;
  std::map<std::string, Status> list_errors;
  std::map<std::string, uint64_t> mounts;  // directory -> its device
  bool root_available = true;
  uint64_t next_inode = 1;
  std::function<void(std::string_view)> before_open;

  Status CheckAvailableLocked() const {
    if (root_available) return Status::Ok();
    return Status::Unavailable("memory storage root is unavailable");
  }

  // The device of what lies at `path`: that of the deepest mount above it.
  uint64_t DeviceLocked(std::string_view path) const {
    uint64_t device = kDevice;
    size_t depth = 0;
    for (const auto& [dir, mounted] : mounts) {
      if (path.starts_with(dir + "/") && dir.size() >= depth) {
        device = mounted;
        depth = dir.size();
      }
    }
    return device;
  }
  // ListItem::subtree_device of `dir`: its device, or 0 when a mount lies
  // below it.
  uint64_t SoleDeviceBelowLocked(const std::string& dir) const {
    for (const auto& [mounted_dir, device] : mounts) {
      if (mounted_dir.starts_with(dir + "/")) return 0;
    }
    return DeviceLocked(dir + "/");
  }
};

namespace {

class MemoryReadStream final : public ReadStream {
 public:
  // `mu` guards `node` and keeps the storage's state alive.
  MemoryReadStream(std::shared_ptr<std::mutex> mu, std::shared_ptr<Node> node,
                   std::string path, uint64_t device)
      : mu_(std::move(mu)),
        node_(std::move(node)),
        path_(std::move(path)),
        device_(device) {}

  Result<size_t> Read(char* buf, size_t n) override {
    std::lock_guard<std::mutex> lock(*mu_);
    if (offset_ >= node_->data.size()) return size_t{0};
    const size_t got = node_->data.copy(buf, n, offset_);
    offset_ += got;
    return got;
  }

  Result<StorageEntry> Stat() override {
    std::lock_guard<std::mutex> lock(*mu_);
    return EntryOf(path_, *node_, device_);
  }

 private:
  const std::shared_ptr<std::mutex> mu_;
  const std::shared_ptr<Node> node_;
  const std::string path_;
  const uint64_t device_;
  size_t offset_ = 0;
};

}  // namespace

MemoryStorage::MemoryStorage() : state_(std::make_shared<State>()) {}
MemoryStorage::~MemoryStorage() = default;

BackendCapabilities MemoryStorage::Capabilities() const {
  BackendCapabilities caps;
  caps.has_inodes = true;
  caps.server_side_move = true;
  caps.atomic_write = true;
  caps.symlinks = true;
  return caps;
}

std::string MemoryStorage::RootUrl() const { return "memory:///"; }

Status MemoryStorage::CheckRoot() {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->CheckAvailableLocked();
}

Result<std::unique_ptr<ListingStream>> MemoryStorage::List(
    const ListOptions& options) {
  if (!options.scope.empty() && options.scope.front() == '/') {
    return Status::InvalidArgument("scope " + Quote(options.scope) +
                                   " is absolute; give a directory relative "
                                   "to the repository root");
  }
  ASSIGN_OR_RETURN(const std::string scope,
                   NormalizeRelativePath(options.scope));
  const std::string prefix = scope.empty() ? "" : scope + "/";
  std::vector<std::pair<std::string, StorageEntry>> snapshot;
  std::map<std::string, std::pair<Status, uint64_t>> errors;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    RETURN_IF_ERROR(state_->CheckAvailableLocked());
    for (const auto& [dir, status] : state_->list_errors) {
      if (PathInScope(scope, dir)) {
        return status.WithContext("cannot list scope " + Quote(scope));
      }
    }
    if (!scope.empty() && !IsDirectory(state_->objects, scope)) {
      return Status::NotFound("cannot list scope " + Quote(scope) +
                              ": no such directory");
    }
    for (auto it = state_->objects.lower_bound(prefix);
         it != state_->objects.end() && it->first.starts_with(prefix); ++it) {
      snapshot.emplace_back(
          it->first,
          EntryOf(it->first, *it->second, state_->DeviceLocked(it->first)));
    }
    for (const auto& [dir, status] : state_->list_errors) {
      errors[dir] = {status, state_->SoleDeviceBelowLocked(dir)};
    }
  }

  // Without the lock: the filter is caller code.
  std::vector<ListItem> items;
  std::map<std::string, bool> dir_accepted;
  auto accepted_dir = [&](const std::string& dir) {
    auto [it, inserted] = dir_accepted.try_emplace(dir, true);
    if (inserted && options.filter) it->second = options.filter(dir, true);
    return it->second;
  };
  for (size_t i = 0; i < snapshot.size();) {
    const std::string& path = snapshot[i].first;
    // The first directory below the scope that is pruned or failed, if any.
    std::string skipped_dir;
    for (size_t slash = path.find('/', prefix.size());
         slash != std::string::npos; slash = path.find('/', slash + 1)) {
      const std::string dir = path.substr(0, slash);
      if (!accepted_dir(dir)) {
        skipped_dir = dir;
        break;
      }
      auto error = errors.find(dir);
      if (error != errors.end()) {
        ListItem item;
        item.type = ListItem::Type::kSubtreeError;
        item.path = dir;
        item.error = error->second.first;
        item.subtree_device = error->second.second;
        items.push_back(std::move(item));
        skipped_dir = dir;
        break;
      }
    }
    if (!skipped_dir.empty()) {
      const std::string below = skipped_dir + "/";
      while (i < snapshot.size() && snapshot[i].first.starts_with(below)) ++i;
      continue;
    }
    if (!options.filter || options.filter(path, false)) {
      ListItem item;
      item.entry = std::move(snapshot[i].second);
      items.push_back(std::move(item));
    }
    ++i;
  }
  return std::unique_ptr<ListingStream>(
      std::make_unique<MemoryListingStream>(std::move(items)));
}

Result<StorageEntry> MemoryStorage::Stat(std::string_view path) {
  ASSIGN_OR_RETURN(const std::string p, NormalizeObjectPath(path));
  std::lock_guard<std::mutex> lock(state_->mu);
  RETURN_IF_ERROR(state_->CheckAvailableLocked());
  auto it = state_->objects.find(p);
  if (it == state_->objects.end()) {
    return Status::NotFound("no file at " + Quote(p));
  }
  return EntryOf(p, *it->second, state_->DeviceLocked(p));
}

Result<std::unique_ptr<ReadStream>> MemoryStorage::Open(std::string_view path) {
  ASSIGN_OR_RETURN(std::string p, NormalizeObjectPath(path));
  std::function<void(std::string_view)> hook;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    hook = state_->before_open;
  }
  if (hook) hook(p);
  std::lock_guard<std::mutex> lock(state_->mu);
  RETURN_IF_ERROR(state_->CheckAvailableLocked());
  auto it = state_->objects.find(p);
  if (it == state_->objects.end()) {
    return Status::NotFound("no file at " + Quote(p));
  }
  if (it->second->kind == EntryKind::kSymlink) {
    return Status::InvalidArgument(
        "cannot open " + Quote(p) +
        ": it is a symlink, and symlinks are not followed");
  }
  return std::unique_ptr<ReadStream>(std::make_unique<MemoryReadStream>(
      std::shared_ptr<std::mutex>(state_, &state_->mu), it->second, p,
      state_->DeviceLocked(p)));
}

Result<StorageEntry> MemoryStorage::WriteFrom(std::string_view path,
                                              ByteSource& source) {
  ASSIGN_OR_RETURN(const std::string p, NormalizeObjectPath(path));
  // Read whole before anything changes, as an atomic write would: a failed
  // source leaves the object as it was.
  std::string data;
  char buf[4096];
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source.Read(buf, sizeof(buf)));
    if (n == 0) break;
    data.append(buf, n);
  }
  std::lock_guard<std::mutex> lock(state_->mu);
  RETURN_IF_ERROR(state_->CheckAvailableLocked());
  const std::string blocker = BlockingAncestor(state_->objects, p);
  if (!blocker.empty()) {
    return Status::FailedPrecondition("cannot create " + Quote(p) + ": " +
                                      Quote(blocker) +
                                      " is a file or a symlink, not a "
                                      "directory");
  }
  if (IsDirectory(state_->objects, p)) {
    return Status::FailedPrecondition("cannot replace " + Quote(p) +
                                      ": it is a directory");
  }
  auto node = std::make_shared<Node>();
  node->data = std::move(data);
  node->mtime_ns = NowNanos();
  node->inode = state_->next_inode++;
  StorageEntry written = EntryOf(p, *node, state_->DeviceLocked(p));
  state_->objects[p] = std::move(node);
  return written;
}

Status MemoryStorage::Remove(std::string_view path) {
  ASSIGN_OR_RETURN(const std::string p, NormalizeObjectPath(path));
  std::lock_guard<std::mutex> lock(state_->mu);
  RETURN_IF_ERROR(state_->CheckAvailableLocked());
  if (state_->objects.erase(p) == 0) {
    return Status::NotFound("no file at " + Quote(p));
  }
  return Status::Ok();
}

Status MemoryStorage::Copy(std::string_view from, std::string_view to) {
  ASSIGN_OR_RETURN(const std::string src, NormalizeObjectPath(from));
  ASSIGN_OR_RETURN(const std::string dst, NormalizeObjectPath(to));
  std::lock_guard<std::mutex> lock(state_->mu);
  RETURN_IF_ERROR(state_->CheckAvailableLocked());
  ObjectMap& objects = state_->objects;
  auto it = objects.find(src);
  if (it == objects.end()) {
    return Status::NotFound("cannot copy " + Quote(src) + ": no such file");
  }
  const std::string blocker = BlockingAncestor(objects, dst);
  if (!blocker.empty()) {
    return Status::FailedPrecondition("cannot copy to " + Quote(dst) + ": " +
                                      Quote(blocker) +
                                      " is a file or a symlink, not a "
                                      "directory");
  }
  if (objects.count(dst) != 0 || IsDirectory(objects, dst)) {
    return Status::AlreadyExists("cannot copy " + Quote(src) + " to " +
                                 Quote(dst) + ": the target exists");
  }
  // Like a hard link, the copy keeps the inode; but PutFile edits nodes in
  // place, so it gets a node of its own.
  objects[dst] = std::make_shared<Node>(*it->second);
  return Status::Ok();
}

Status MemoryStorage::Move(std::string_view from, std::string_view to) {
  ASSIGN_OR_RETURN(const std::string src, NormalizeObjectPath(from));
  ASSIGN_OR_RETURN(const std::string dst, NormalizeObjectPath(to));
  std::lock_guard<std::mutex> lock(state_->mu);
  RETURN_IF_ERROR(state_->CheckAvailableLocked());
  ObjectMap& objects = state_->objects;
  const bool src_is_object = objects.count(src) != 0;
  if (!src_is_object && !IsDirectory(objects, src)) {
    return Status::NotFound("cannot move " + Quote(src) + ": no such file");
  }
  const std::string blocker = BlockingAncestor(objects, dst);
  if (!blocker.empty()) {
    return Status::FailedPrecondition("cannot move to " + Quote(dst) + ": " +
                                      Quote(blocker) +
                                      " is a file or a symlink, not a "
                                      "directory");
  }
  if (objects.count(dst) != 0 || IsDirectory(objects, dst)) {
    return Status::AlreadyExists("cannot move " + Quote(src) + " to " +
                                 Quote(dst) + ": the target exists");
  }
  if (src_is_object) {
    auto node = objects.extract(src);
    node.key() = dst;
    objects.insert(std::move(node));
    return Status::Ok();
  }
  const std::string src_prefix = src + "/";
  if (dst.starts_with(src_prefix)) {
    return Status::InvalidArgument("cannot move " + Quote(src) +
                                   " into itself (" + Quote(dst) + ")");
  }
  std::vector<std::string> keys;
  for (auto it = objects.lower_bound(src_prefix);
       it != objects.end() && it->first.starts_with(src_prefix); ++it) {
    keys.push_back(it->first);
  }
  for (const std::string& key : keys) {
    auto node = objects.extract(key);
    node.key() = dst + key.substr(src.size());
    objects.insert(std::move(node));
  }
  return Status::Ok();
}

void MemoryStorage::PutFile(std::string_view path, std::string_view content,
                            int64_t mtime_ns) {
  const std::string p(path);
  std::lock_guard<std::mutex> lock(state_->mu);
  std::shared_ptr<Node>& node = state_->objects[p];
  if (node == nullptr || node->kind != EntryKind::kFile) {
    node = std::make_shared<Node>();
    node->inode = state_->next_inode++;
  }
  node->data.assign(content);
  node->mtime_ns = mtime_ns;
}

void MemoryStorage::PutSymlink(std::string_view path, std::string_view target,
                               int64_t mtime_ns) {
  auto node = std::make_shared<Node>();
  node->kind = EntryKind::kSymlink;
  node->data.assign(target);
  node->mtime_ns = mtime_ns;
  std::lock_guard<std::mutex> lock(state_->mu);
  node->inode = state_->next_inode++;
  state_->objects[std::string(path)] = std::move(node);
}

void MemoryStorage::MountDevice(std::string dir, uint64_t device) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->mounts[std::move(dir)] = device;
}

void MemoryStorage::InjectListError(std::string dir, Status s) {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (s.ok()) {
    state_->list_errors.erase(dir);
  } else {
    state_->list_errors[std::move(dir)] = std::move(s);
  }
}

void MemoryStorage::SetRootAvailable(bool available) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->root_available = available;
}

void MemoryStorage::SetBeforeOpenHook(
    std::function<void(std::string_view path)> hook) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->before_open = std::move(hook);
}

}  // namespace tidemark
