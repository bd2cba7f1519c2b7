// Test support: the catalog read back for assertions. Header-only; uses
// gtest assertions; thread-compatible (as the store it reads).
#ifndef TIDEMARK_TESTS_TESTING_CATALOG_READS_H_
#define TIDEMARK_TESTS_TESTING_CATALOG_READS_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>

#include "catalog/catalog_store.h"

namespace tidemark {

// Every record of a repository, by path (a failed read fails the test and
// gives none).
inline std::map<std::string, FileRecord> RecordsByPath(CatalogStore& store,
                                                       int64_t repository_id) {
  RecordRange range;
  range.repository_id = repository_id;
  auto records = store.ReadRecords(range, 1'000'000);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  std::map<std::string, FileRecord> out;
  if (records.ok()) {
    for (FileRecord& r : *records) out[r.path] = r;
  }
  return out;
}

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_TESTING_CATALOG_READS_H_
