// Factories for every StorageBackend implementation, so that one contract
// suite (backend_contract_test.cc) and other subsystems' tests can run over
// all of them, plus temporary-directory helpers for tests that touch disk.
//
// A factory opens a fresh, empty backend; file-based backends root it at the
// given temporary directory, which the caller owns and removes. With the
// backend it hands out BackendTestHooks: what a test does to the storage
// from outside the seam (a symlink made by someone else, the root going
// away), so a suite never asks which backend it holds. The capability
// helpers name BackendCapabilities one by one, so a case that needs one
// can skip by its name where a backend lacks it.
//
// Factories are stateless and thread-safe; what they open belongs to the
// caller.
#ifndef TIDEMARK_TESTS_STORAGE_BACKEND_FACTORIES_H_
#define TIDEMARK_TESTS_STORAGE_BACKEND_FACTORIES_H_

#include <functional>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark {

// What happens to a backend's storage from outside tidemark. Each call
// returns ok when it happened.
class BackendTestHooks {
 public:
  virtual ~BackendTestHooks() = default;
  // Creates a symlink at `path` (its parent exists) pointing to `target`.
  // Called only for a backend that reports symlinks.
  virtual Status MakeSymlink(std::string_view path,
                             std::string_view target) = 0;
  // Makes the root unreachable (CheckRoot then fails Unavailable), and
  // reachable again with everything it held.
  virtual Status LoseRoot() = 0;
  virtual Status RestoreRoot() = 0;
};

struct OpenedBackend {
  std::unique_ptr<StorageBackend> backend;
  // Acts on `backend`'s storage; destroy it first.
  std::unique_ptr<BackendTestHooks> hooks;
};

struct BackendFactory {
  std::string name;  // a valid gtest parameter name
  std::function<Result<OpenedBackend>(const std::string& temp_dir)>
      open_with_hooks;

  // The backend alone.
  Result<std::unique_ptr<StorageBackend>> open(
      const std::string& temp_dir) const;
};

// "local" (a LocalBackend rooted at temp_dir) and "memory" (a MemoryStorage,
// which ignores temp_dir): backends with every capability.
std::vector<BackendFactory> AllBackendFactories();

// AllBackendFactories() and "memory_no_inodes": a MemoryStorage as an
// object store shows it (no inodes, no server-side move), which keeps the
// contract suite honest about what it asks of backends without them.
std::vector<BackendFactory> ContractBackendFactories();

// GoogleTest prints a parameter by its name.
inline void PrintTo(const BackendFactory& factory, std::ostream* os) {
  *os << factory.name;
}

// The fields of BackendCapabilities, one by one.
enum class BackendCapability {
  kHasInodes,
  kServerSideMove,
  kAtomicWrite,
  kSymlinks,
};

std::vector<BackendCapability> AllBackendCapabilities();
// The field's name: "has_inodes", "server_side_move", ...
std::string_view BackendCapabilityName(BackendCapability capability);
bool HasCapability(const BackendCapabilities& caps,
                   BackendCapability capability);
// The names of those of `needed` that `caps` lacks, comma-separated; ""
// when it has them all.
std::string MissingCapabilities(
    const BackendCapabilities& caps,
    std::initializer_list<BackendCapability> needed);

// Creates a fresh directory under $TMPDIR (or /tmp) and returns its absolute
// path; aborts the test program if that is impossible.
std::string MakeTempDir();

// Removes `path` and everything below it without following symlinks,
// restoring permissions that tests took away. Missing paths are fine.
void RemoveTree(const std::string& path);

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_STORAGE_BACKEND_FACTORIES_H_
