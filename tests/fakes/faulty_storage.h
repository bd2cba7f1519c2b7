// FaultyStorage: wraps any StorageBackend and injects listing faults, in the
// manner of leveldb's FaultInjectionTestEnv. Everything not listed here is
// passed through to the wrapped backend (StorageBackendWrapper).
//
//   HideFromListing(path)      listings skip `path`, while Stat still sees it
//                              (a stale or flaky listing);
//   FailListingAfter(n, s)     the listing stream returns `s` after n items
//                              (storage lost in the middle of a walk);
//   SetStatHook(hook)          runs `hook` with the path before every Stat;
//                              a non-ok return is what Stat returns (an
//                              unreadable object, a flaky disk).
//   SetWriteHook, SetRemoveHook, SetMoveHook, SetCopyHook
//                              likewise before every WriteFrom, Remove, Move
//                              and Copy
//                              (a full disk, a refused delete, a move that
//                              fails half way through a folder).
//   OverrideCapabilities(caps) reports `caps` instead of the wrapped
//                              backend's (e.g. no server-side move).
//
// The wrapped backend must outlive this. Configure before use; not
// thread-safe to reconfigure while a listing runs.
#ifndef TIDEMARK_TESTS_FAKES_FAULTY_STORAGE_H_
#define TIDEMARK_TESTS_FAKES_FAULTY_STORAGE_H_

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "fakes/storage_backend_wrapper.h"
#include "storage/storage_backend.h"

namespace tidemark {

class FaultyStorage final : public StorageBackendWrapper {
 public:
  explicit FaultyStorage(StorageBackend& base) : StorageBackendWrapper(base) {}

  void HideFromListing(std::string path) { hidden_.insert(std::move(path)); }
  void FailListingAfter(int items, Status status) {
    fail_after_ = items;
    failure_ = std::move(status);
  }
  // Runs `action` on the listing thread just before item number `items`
  // (counting from 0) is returned: a fault elsewhere, mid-walk.
  void OnListingItem(int items, std::function<void()> action) {
    action_at_ = items;
    action_ = std::move(action);
  }

  void SetStatHook(std::function<Status(std::string_view path)> hook) {
    stat_hook_ = std::move(hook);
  }
  void SetWriteHook(std::function<Status(std::string_view path)> hook) {
    write_hook_ = std::move(hook);
  }
  void SetRemoveHook(std::function<Status(std::string_view path)> hook) {
    remove_hook_ = std::move(hook);
  }
  void SetMoveHook(
      std::function<Status(std::string_view from, std::string_view to)> hook) {
    move_hook_ = std::move(hook);
  }

  void SetCopyHook(
      std::function<Status(std::string_view from, std::string_view to)> hook) {
    copy_hook_ = std::move(hook);
  }

  void OverrideCapabilities(BackendCapabilities caps) { caps_ = caps; }

  BackendCapabilities Capabilities() const override {
    return caps_.has_value() ? *caps_ : target().Capabilities();
  }
  Result<std::unique_ptr<ListingStream>> List(
      const ListOptions& options) override;
  Result<StorageEntry> Stat(std::string_view path) override {
    if (stat_hook_) RETURN_IF_ERROR(stat_hook_(path));
    return target().Stat(path);
  }
  Result<StorageEntry> WriteFrom(std::string_view path,
                                 ByteSource& source) override {
    if (write_hook_) RETURN_IF_ERROR(write_hook_(path));
    return target().WriteFrom(path, source);
  }
  Status Remove(std::string_view path) override {
    if (remove_hook_) RETURN_IF_ERROR(remove_hook_(path));
    return target().Remove(path);
  }
  Status Move(std::string_view from, std::string_view to) override {
    if (move_hook_) RETURN_IF_ERROR(move_hook_(from, to));
    return target().Move(from, to);
  }
  Status Copy(std::string_view from, std::string_view to) override {
    if (copy_hook_) RETURN_IF_ERROR(copy_hook_(from, to));
    return target().Copy(from, to);
  }

 private:
  std::set<std::string> hidden_;
  int fail_after_ = -1;
  Status failure_;
  int action_at_ = -1;
  std::function<void()> action_;
  std::function<Status(std::string_view path)> stat_hook_;
  std::function<Status(std::string_view path)> write_hook_;
  std::function<Status(std::string_view path)> remove_hook_;
  std::function<Status(std::string_view from, std::string_view to)> move_hook_;
  std::function<Status(std::string_view from, std::string_view to)> copy_hook_;
  std::optional<BackendCapabilities> caps_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_FAULTY_STORAGE_H_
