// The fixture of the CatalogStore contract suite. Every TEST_P of
// CatalogContractTest runs against every store in AllCatalogStoreFactories()
// (the instantiation is in catalog_contract_test.cc), so the SQLite store and
// the in-memory fake are held to the same behaviour.
#ifndef TIDEMARK_TESTS_CATALOG_CATALOG_CONTRACT_TEST_H_
#define TIDEMARK_TESTS_CATALOG_CATALOG_CONTRACT_TEST_H_

#include <gtest/gtest.h>

#include <memory>
#include <ostream>

#include "catalog/catalog_store.h"
#include "catalog/store_factories.h"

namespace tidemark {

class CatalogContractTest
    : public ::testing::TestWithParam<CatalogStoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) GTEST_SKIP() << *GetParam().skip_reason;
    auto opened = GetParam().open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  std::unique_ptr<CatalogTransaction> Begin() {
    auto txn = store_->Begin();
    EXPECT_TRUE(txn.ok()) << txn.status().ToString();
    return txn.ok() ? std::move(txn).value() : nullptr;
  }

  ScopedTempDir dir_;
  std::unique_ptr<CatalogStore> store_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_CATALOG_CATALOG_CONTRACT_TEST_H_
