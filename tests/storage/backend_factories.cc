#include "storage/backend_factories.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "fakes/memory_storage.h"
#include "fakes/storage_backend_wrapper.h"
#include "storage/local/local_backend.h"

namespace tidemark {
namespace {

// Opens directories up so that nftw can descend and remove them.
int MakeTraversable(const char* path, const struct stat* st, int type,
                    struct FTW*) {
  if (type == FTW_D || type == FTW_DNR) chmod(path, 0700);
  (void)st;
  return 0;
}

int RemoveOne(const char* path, const struct stat*, int type, struct FTW*) {
  if (type == FTW_DP) {
    rmdir(path);
  } else {
    unlink(path);
  }
  return 0;
}

Status Errno(const std::string& what) {
  return Status::Internal(what + ": " + std::strerror(errno));
}

// A local folder: links and renames on disk. A root lost and not restored
// is put back when the hooks go, so the owner's RemoveTree finds it.
class LocalHooks final : public BackendTestHooks {
 public:
  explicit LocalHooks(std::string root) : root_(std::move(root)) {}
  ~LocalHooks() override {
    if (lost_) (void)RestoreRoot();
  }

  Status MakeSymlink(std::string_view path, std::string_view target) override {
    const std::string at = root_ + "/" + std::string(path);
    if (symlink(std::string(target).c_str(), at.c_str()) != 0) {
      return Errno("symlink " + at);
    }
    return Status::Ok();
  }
  Status LoseRoot() override {
    if (rename(root_.c_str(), Gone().c_str()) != 0) {
      return Errno("rename " + root_);
    }
    lost_ = true;
    return Status::Ok();
  }
  Status RestoreRoot() override {
    if (rename(Gone().c_str(), root_.c_str()) != 0) {
      return Errno("rename " + Gone());
    }
    lost_ = false;
    return Status::Ok();
  }

 private:
  std::string Gone() const { return root_ + ".gone"; }

  const std::string root_;
  bool lost_ = false;
};

// A MemoryStorage, through its test setup calls.
class MemoryHooks final : public BackendTestHooks {
 public:
  explicit MemoryHooks(MemoryStorage& storage) : storage_(storage) {}

  Status MakeSymlink(std::string_view path, std::string_view target) override {
    storage_.PutSymlink(path, target);
    return Status::Ok();
  }
  Status LoseRoot() override {
    storage_.SetRootAvailable(false);
    return Status::Ok();
  }
  Status RestoreRoot() override {
    storage_.SetRootAvailable(true);
    return Status::Ok();
  }

 private:
  MemoryStorage& storage_;
};

StorageEntry WithoutInode(StorageEntry entry) {
  entry.device = 0;
  entry.inode = 0;
  return entry;
}

// A backend as an object store shows its objects: no device or inode in
// any entry, and no server-side move (Move still works, as a copy and a
// delete would).
class InodelessStorage final : public StorageBackendWrapper {
 public:
  explicit InodelessStorage(std::unique_ptr<StorageBackend> target)
      : StorageBackendWrapper(*target), owned_(std::move(target)) {}

  BackendCapabilities Capabilities() const override {
    BackendCapabilities caps = target().Capabilities();
    caps.has_inodes = false;
    caps.server_side_move = false;
    return caps;
  }
  Result<std::unique_ptr<ListingStream>> List(
      const ListOptions& options) override {
    ASSIGN_OR_RETURN(auto inner, target().List(options));
    return std::unique_ptr<ListingStream>(new Listing(std::move(inner)));
  }
  Result<StorageEntry> Stat(std::string_view path) override {
    ASSIGN_OR_RETURN(StorageEntry entry, target().Stat(path));
    return WithoutInode(std::move(entry));
  }
  Result<std::unique_ptr<ReadStream>> Open(std::string_view path) override {
    ASSIGN_OR_RETURN(auto inner, target().Open(path));
    return std::unique_ptr<ReadStream>(new Reader(std::move(inner)));
  }
  Result<StorageEntry> WriteFrom(std::string_view path,
                                 ByteSource& source) override {
    ASSIGN_OR_RETURN(StorageEntry entry, target().WriteFrom(path, source));
    return WithoutInode(std::move(entry));
  }

 private:
  class Listing final : public ListingStream {
   public:
    explicit Listing(std::unique_ptr<ListingStream> inner)
        : inner_(std::move(inner)) {}
    Result<bool> Next(ListItem* item) override {
      ASSIGN_OR_RETURN(bool more, inner_->Next(item));
      if (more) {
        item->entry = WithoutInode(std::move(item->entry));
        item->subtree_device = 0;
      }
      return more;
    }

   private:
    std::unique_ptr<ListingStream> inner_;
  };
  class Reader final : public ReadStream {
   public:
    explicit Reader(std::unique_ptr<ReadStream> inner)
        : inner_(std::move(inner)) {}
    Result<size_t> Read(char* buf, size_t n) override {
      return inner_->Read(buf, n);
    }
    int64_t SizeHint() const override { return inner_->SizeHint(); }
    Result<StorageEntry> Stat() override {
      ASSIGN_OR_RETURN(StorageEntry entry, inner_->Stat());
      return WithoutInode(std::move(entry));
    }

   private:
    std::unique_ptr<ReadStream> inner_;
  };

  std::unique_ptr<StorageBackend> owned_;
};

Result<OpenedBackend> OpenMemory() {
  auto storage = std::make_unique<MemoryStorage>();
  auto hooks = std::make_unique<MemoryHooks>(*storage);
  return OpenedBackend{std::move(storage), std::move(hooks)};
}

}  // namespace

Result<std::unique_ptr<StorageBackend>> BackendFactory::open(
    const std::string& temp_dir) const {
  ASSIGN_OR_RETURN(OpenedBackend opened, open_with_hooks(temp_dir));
  return std::move(opened.backend);
}

std::vector<BackendFactory> AllBackendFactories() {
  return {
      {"local",
       [](const std::string& temp_dir) -> Result<OpenedBackend> {
         ASSIGN_OR_RETURN(auto backend, OpenLocalBackend(temp_dir));
         return OpenedBackend{std::move(backend),
                              std::make_unique<LocalHooks>(temp_dir)};
       }},
      {"memory", [](const std::string&) { return OpenMemory(); }},
  };
}

std::vector<BackendFactory> ContractBackendFactories() {
  std::vector<BackendFactory> factories = AllBackendFactories();
  factories.push_back(
      {"memory_no_inodes", [](const std::string&) -> Result<OpenedBackend> {
         ASSIGN_OR_RETURN(OpenedBackend memory, OpenMemory());
         return OpenedBackend{
             std::make_unique<InodelessStorage>(std::move(memory.backend)),
             std::move(memory.hooks)};
       }});
  return factories;
}

std::vector<BackendCapability> AllBackendCapabilities() {
  return {BackendCapability::kHasInodes, BackendCapability::kServerSideMove,
          BackendCapability::kAtomicWrite, BackendCapability::kSymlinks};
}

std::string_view BackendCapabilityName(BackendCapability capability) {
  switch (capability) {
    case BackendCapability::kHasInodes:
      return "has_inodes";
    case BackendCapability::kServerSideMove:
      return "server_side_move";
    case BackendCapability::kAtomicWrite:
      return "atomic_write";
    case BackendCapability::kSymlinks:
      return "symlinks";
  }
  return "?";
}

bool HasCapability(const BackendCapabilities& caps,
                   BackendCapability capability) {
  switch (capability) {
    case BackendCapability::kHasInodes:
      return caps.has_inodes;
    case BackendCapability::kServerSideMove:
      return caps.server_side_move;
    case BackendCapability::kAtomicWrite:
      return caps.atomic_write;
    case BackendCapability::kSymlinks:
      return caps.symlinks;
  }
  return false;
}

std::string MissingCapabilities(
    const BackendCapabilities& caps,
    std::initializer_list<BackendCapability> needed) {
  std::string missing;
  for (BackendCapability capability : needed) {
    if (HasCapability(caps, capability)) continue;
    if (!missing.empty()) missing += ", ";
    missing += BackendCapabilityName(capability);
  }
  return missing;
}

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = (base != nullptr && base[0] == '/') ? base : "/tmp";
  templ += "/tidemark-test-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  return templ;
}

void RemoveTree(const std::string& path) {
  // Pre-order pass to restore permissions, then a depth-first removal.
  nftw(path.c_str(), MakeTraversable, 64, FTW_PHYS);
  nftw(path.c_str(), RemoveOne, 64, FTW_PHYS | FTW_DEPTH);
}

}  // namespace tidemark
