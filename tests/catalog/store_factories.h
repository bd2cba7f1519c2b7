// Every CatalogStore implementation, as factories that test suites can be
// parameterized over (INSTANTIATE_TEST_SUITE_P(..., ValuesIn(
// AllCatalogStoreFactories()), ...)), plus a scoped temporary directory to
// open them in.
//
// "sqlite" opens <temp_dir>/catalog.db; "memory" ignores the directory;
// "postgres" opens a store in a fresh schema of the test cluster
// (TIDEMARK_TEST_PG_URL) that is dropped with the store. "postgres" is always
// listed; when the cluster is not configured it carries a skip_reason, and
// every fixture must GTEST_SKIP with it before calling open (so a missing
// cluster shows as skipped, which CI counts as a failure, not as passed).
// Factories are thread-safe; each call opens a new, empty store owned by the
// caller.
#ifndef TIDEMARK_TESTS_CATALOG_STORE_FACTORIES_H_
#define TIDEMARK_TESTS_CATALOG_STORE_FACTORIES_H_

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "catalog/catalog_store.h"
#include "common/result.h"

namespace tidemark {

struct CatalogStoreFactory {
  std::string name;  // a valid gtest parameter name
  std::function<Result<std::unique_ptr<CatalogStore>>(
      const std::string& temp_dir)>
      open;
  // Why this store cannot run here, or nullopt when it can.
  std::optional<std::string> skip_reason;
};

std::vector<CatalogStoreFactory> AllCatalogStoreFactories();

// GoogleTest prints a parameter by its name (test names and ctest listings
// stay readable).
inline void PrintTo(const CatalogStoreFactory& factory, std::ostream* os) {
  *os << factory.name;
}

// A fresh directory under the test temp dir, removed with its contents when
// this goes out of scope. Aborts the test binary if it cannot be created.
class ScopedTempDir {
 public:
  ScopedTempDir();
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_CATALOG_STORE_FACTORIES_H_
