// BackendCatalogTest: the fixture of every suite that runs over each storage
// backend × each catalog store (the reconciler, PathSync, check and repair,
// the consistent writes). SetUp opens a fresh backend in a temporary folder
// with its test hooks, a fresh store, a Gateway on a FakeClock, and a
// repository "repo" over the backend; a store whose skip_reason is set skips
// the case (CI counts that as a failure). Helpers write and read storage and
// read the catalog back. INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P runs a
// fixture over every pair, named "<backend>_<store>".
//
// A suite that puts a fault-injecting wrapper between the Gateway and the
// store overrides GatewayStore; one that needs more set up calls
// BackendCatalogTest::SetUp first and returns when it skipped or failed.
// The fixture owns everything it opens; TearDown closes it all and removes
// the folder. One fixture per test, used from the test's thread only.
#ifndef TIDEMARK_TESTS_TESTING_BACKEND_CATALOG_FIXTURE_H_
#define TIDEMARK_TESTS_TESTING_BACKEND_CATALOG_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "catalog/store_factories.h"
#include "fakes/fake_clock.h"
#include "storage/backend_factories.h"
#include "sync/gateway.h"
#include "testing/catalog_reads.h"

namespace tidemark {

using BackendAndStore = std::tuple<BackendFactory, CatalogStoreFactory>;

class BackendCatalogTest : public ::testing::TestWithParam<BackendAndStore> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The store the Gateway writes through: `store` itself, or a wrapper of
  // it that the subclass keeps (and destroys before calling TearDown).
  // SetUp calls it once, after the store is open.
  virtual CatalogStore& GatewayStore(CatalogStore& store) { return store; }

  const BackendFactory& backend_factory() const {
    return std::get<0>(GetParam());
  }
  // Whether storage is a real folder (storage_dir_).
  bool local() const { return backend_factory().name == "local"; }

  // Storage, written and read through the backend (a failure fails the
  // test).
  void Put(const std::string& path, const std::string& content);
  void Remove(const std::string& path);
  // The content of the object at `path`, or "<none>".
  std::string Content(const std::string& path);
  bool Exists(const std::string& path);
  // Every object on storage, hidden ones included, in path order.
  std::vector<std::string> Objects();

  // The catalog of repo_, read from the store (not through a wrapper).
  std::map<std::string, FileRecord> Records();
  std::vector<std::string> RecordPaths();
  // Newest first.
  std::vector<SyncOperation> Operations();
  SyncOperation LastOperation();

  std::string storage_dir_;
  ScopedTempDir catalog_dir_;
  FakeClock clock_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<BackendTestHooks> hooks_;  // acts on backend_'s storage
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<Gateway> gateway_;
  Repository repo_;
};

// "local_sqlite", "memory_postgres", ...
std::string BackendAndStoreName(
    const ::testing::TestParamInfo<BackendAndStore>& info);

#define INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(fixture)               \
  INSTANTIATE_TEST_SUITE_P(                                             \
      BackendsAndStores, fixture,                                       \
      ::testing::Combine(                                               \
          ::testing::ValuesIn(::tidemark::AllBackendFactories()),       \
          ::testing::ValuesIn(::tidemark::AllCatalogStoreFactories())), \
      ::tidemark::BackendAndStoreName)

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_TESTING_BACKEND_CATALOG_FIXTURE_H_
