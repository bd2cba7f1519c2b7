// MemoryStorage: an in-memory StorageBackend for tests, with fault injection.
//
// Objects (files and symlinks) live in a map ordered by path bytes;
// directories are implicit (a directory exists while something lies below
// it). Listings, error codes and capabilities match the local backend: the
// same byte order, the same scope and filter semantics, kSubtreeError items
// where an injected listing error hits, Unavailable while the root is marked
// unavailable. Every created object gets a fresh inode, which Move keeps;
// Write replaces an object with a new inode, as an atomic rename does.
//
// Thread-safe: all state sits behind one mutex, shared with the streams it
// hands out, which therefore stay valid after the MemoryStorage is gone.
// Listings are snapshots taken when List is called. The before-open hook runs
// without the mutex held, so it may call back into the storage.
#ifndef TIDEMARK_TESTS_FAKES_MEMORY_STORAGE_H_
#define TIDEMARK_TESTS_FAKES_MEMORY_STORAGE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "storage/storage_backend.h"

namespace tidemark {

class MemoryStorage final : public StorageBackend {
 public:
  MemoryStorage();
  ~MemoryStorage() override;

  // StorageBackend.
  BackendCapabilities Capabilities() const override;
  std::string RootUrl() const override;
  Status CheckRoot() override;
  Result<std::unique_ptr<ListingStream>> List(
      const ListOptions& options) override;
  Result<StorageEntry> Stat(std::string_view path) override;
  Result<std::unique_ptr<ReadStream>> Open(std::string_view path) override;
  Result<StorageEntry> WriteFrom(std::string_view path,
                                 ByteSource& source) override;
  Status Remove(std::string_view path) override;
  Status Move(std::string_view from, std::string_view to) override;
  Status Copy(std::string_view from, std::string_view to) override;

  // Test setup. `path` must be a valid relative path that does not pass
  // through a file. PutFile on an existing file changes it in place (same
  // inode, like an editor writing into it); otherwise it creates a file.
  void PutFile(std::string_view path, std::string_view content,
               int64_t mtime_ns);
  void PutSymlink(std::string_view path, std::string_view target,
                  int64_t mtime_ns = 0);

  // Listings that reach directory `dir` emit one kSubtreeError with `s` for it
  // and skip its contents; a List whose scope is `dir` or lies below it fails
  // with `s`. An ok `s` removes the injection. The error's subtree_device is
  // the device below `dir`, or 0 when a mount (MountDevice) lies below it.
  void InjectListError(std::string dir, Status s);
  // Objects below directory `dir` report `device`, as if another filesystem
  // were mounted there (everything else reports device 1). Move keeps the
  // inode wherever it goes, as a copy across devices would not; tests that
  // move across a mount should expect what the new device implies.
  void MountDevice(std::string dir, uint64_t device);
  // While false, every operation fails with Unavailable.
  void SetRootAvailable(bool available);
  // Called with the normalized path at the start of every Open, without the
  // lock held, e.g. to delete or modify the file and simulate a race.
  void SetBeforeOpenHook(std::function<void(std::string_view path)> hook);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_MEMORY_STORAGE_H_
