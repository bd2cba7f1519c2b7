// StorageBackendWrapper: a StorageBackend that forwards every call to
// another one, as leveldb's EnvWrapper does for Env. A test wrapper derives
// from it and overrides only the calls it changes (a fault, a hook, a
// count), so it need not forward the rest by hand and stays correct when
// the seam grows.
//
// The wrapped backend is borrowed and must outlive the wrapper. Thread-safe
// as far as the wrapped backend is; a subclass adds its own rules.
#ifndef TIDEMARK_TESTS_FAKES_STORAGE_BACKEND_WRAPPER_H_
#define TIDEMARK_TESTS_FAKES_STORAGE_BACKEND_WRAPPER_H_

#include <memory>
#include <string>
#include <string_view>

#include "storage/storage_backend.h"

namespace tidemark {

class StorageBackendWrapper : public StorageBackend {
 public:
  explicit StorageBackendWrapper(StorageBackend& target) : target_(target) {}

  StorageBackend& target() const { return target_; }

  BackendCapabilities Capabilities() const override {
    return target_.Capabilities();
  }
  std::string RootUrl() const override { return target_.RootUrl(); }
  Status CheckRoot() override { return target_.CheckRoot(); }
  Result<std::unique_ptr<ListingStream>> List(
      const ListOptions& options) override {
    return target_.List(options);
  }
  Result<StorageEntry> Stat(std::string_view path) override {
    return target_.Stat(path);
  }
  Result<std::unique_ptr<ReadStream>> Open(std::string_view path) override {
    return target_.Open(path);
  }
  Result<StorageEntry> WriteFrom(std::string_view path,
                                 ByteSource& source) override {
    return target_.WriteFrom(path, source);
  }
  Status Remove(std::string_view path) override { return target_.Remove(path); }
  Status Move(std::string_view from, std::string_view to) override {
    return target_.Move(from, to);
  }
  Status Copy(std::string_view from, std::string_view to) override {
    return target_.Copy(from, to);
  }

 private:
  StorageBackend& target_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_STORAGE_BACKEND_WRAPPER_H_
