#include "catalog/store_factories.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "catalog/sqlite/sqlite_catalog.h"
#include "fakes/memory_catalog.h"
#include "testing/postgres_test_database.h"

namespace tidemark {

std::vector<CatalogStoreFactory> AllCatalogStoreFactories() {
  return {
      {"sqlite",
       [](const std::string& temp_dir)
           -> Result<std::unique_ptr<CatalogStore>> {
         return OpenSqliteCatalog(temp_dir + "/catalog.db");
       },
       std::nullopt},
      {"memory",
       [](const std::string&) -> Result<std::unique_ptr<CatalogStore>> {
         return std::unique_ptr<CatalogStore>(new MemoryCatalog());
       },
       std::nullopt},
      {"postgres",
       [](const std::string&) -> Result<std::unique_ptr<CatalogStore>> {
         return OpenPostgresTestCatalog();
       },
       PostgresTestUrl() ? std::nullopt
                         : std::optional<std::string>(kPostgresSkipReason)},
  };
}

ScopedTempDir::ScopedTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
      "/tidemark-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = pattern;
}

ScopedTempDir::~ScopedTempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace tidemark
