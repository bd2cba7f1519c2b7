// Factories for every StorageBackend implementation, so that one contract
// suite (backend_contract_test.cc) and other subsystems' tests can run over
// all of them, plus temporary-directory helpers for tests that touch disk.
//
// A factory opens a fresh, empty backend; file-based backends root it at the
// given temporary directory, which the caller owns and removes. Stateless and
// thread-safe.
#ifndef TIDEMARK_TESTS_STORAGE_BACKEND_FACTORIES_H_
#define TIDEMARK_TESTS_STORAGE_BACKEND_FACTORIES_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark {

struct BackendFactory {
  std::string name;
  std::function<Result<std::unique_ptr<StorageBackend>>(
      const std::string& temp_dir)>
      open;
};

// "local" (a LocalBackend rooted at temp_dir) and "memory" (a MemoryStorage,
// which ignores temp_dir).
std::vector<BackendFactory> AllBackendFactories();

// GoogleTest prints a parameter by its name.
inline void PrintTo(const BackendFactory& factory, std::ostream* os) {
  *os << factory.name;
}

// Creates a fresh directory under $TMPDIR (or /tmp) and returns its absolute
// path; aborts the test program if that is impossible.
std::string MakeTempDir();

// Removes `path` and everything below it without following symlinks,
// restoring permissions that tests took away. Missing paths are fine.
void RemoveTree(const std::string& path);

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_STORAGE_BACKEND_FACTORIES_H_
