// The fixture and helpers of the entity contract suite
// (catalog_entities_*contract_test.cc): every TEST_P of EntityContractTest
// runs against every store in AllCatalogStoreFactories() (the instantiation
// is in catalog_entities_contract_test.cc), each with two repositories.
// Test-only; thread-compatible.
#ifndef TIDEMARK_TESTS_CATALOG_CATALOG_ENTITY_CONTRACT_TEST_H_
#define TIDEMARK_TESTS_CATALOG_CATALOG_ENTITY_CONTRACT_TEST_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog_contract_test.h"
#include "catalog/catalog_test_util.h"

namespace tidemark {

inline constexpr int64_t kT0 = 1'700'000'000'000'000'000;

inline Entity MakeEntity(int64_t repository_id, const std::string& kind,
                         const std::string& key, const std::string& path,
                         int64_t parent_id = 0) {
  Entity e;
  e.repository_id = repository_id;
  e.kind = kind;
  e.key = key;
  e.parent_id = parent_id;
  e.path = path;
  e.attrs_json = R"({"key":")" + key + R"("})";
  e.status = "locked";
  e.marker_json = R"({"by":"sync"})";
  e.file_count = 3;
  e.total_bytes = 300;
  e.created_at_ns = kT0;
  e.updated_at_ns = kT0;
  return e;
}

inline void ExpectSameEntity(const Entity& a, const Entity& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.repository_id, b.repository_id);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.parent_id, b.parent_id);
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.attrs_json, b.attrs_json);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.marker_json, b.marker_json);
  EXPECT_EQ(a.file_count, b.file_count);
  EXPECT_EQ(a.total_bytes, b.total_bytes);
  EXPECT_EQ(a.business_json, b.business_json);
  EXPECT_EQ(a.created_at_ns, b.created_at_ns);
  EXPECT_EQ(a.updated_at_ns, b.updated_at_ns);
  EXPECT_EQ(a.deleted_at_ns, b.deleted_at_ns);
}

inline std::vector<std::string> Keys(const std::vector<Entity>& entities) {
  std::vector<std::string> out;
  for (const Entity& e : entities) out.push_back(e.key);
  return out;
}

// Builds an EntityQuery field by field (designated initializers would
// trip -Wmissing-field-initializers).
struct Q {
  Q& Repo(int64_t id) {
    q.repository_id = id;
    return *this;
  }
  Q& Kind(std::string kind) {
    q.kind = std::move(kind);
    return *this;
  }
  Q& Key(std::string key) {
    q.key = std::move(key);
    return *this;
  }
  Q& Parent(int64_t id) {
    q.parent_id = id;
    return *this;
  }
  Q& Scope(std::string scope) {
    q.path_scope = std::move(scope);
    return *this;
  }
  Q& Deleted() {
    q.include_deleted = true;
    return *this;
  }
  Q& After(int64_t id) {
    q.after_id = id;
    return *this;
  }
  Q& Limit(size_t n) {
    q.limit = n;
    return *this;
  }
  operator EntityQuery() const { return q; }  // NOLINT: a builder

  EntityQuery q;
};

class EntityContractTest : public CatalogContractTest {
 protected:
  void SetUp() override {
    CatalogContractTest::SetUp();
    if (store_ == nullptr) return;
    photos_ = AddRepository(*store_, "photos");
    music_ = AddRepository(*store_, "music");
  }

  // Upserts `entities` in their own transaction; ids are written back.
  Status Upsert(std::vector<Entity>& entities) {
    ASSIGN_OR_RETURN(auto txn, store_->Begin());
    RETURN_IF_ERROR(txn->UpsertEntities(entities));
    return txn->Commit();
  }
  int64_t UpsertOne(const Entity& e) {
    std::vector<Entity> one = {e};
    Status status = Upsert(one);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return one[0].id;
  }

  std::vector<Entity> List(EntityQuery q) {
    if (q.repository_id == 0) q.repository_id = photos_;
    auto listed = store_->ListEntities(q);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    return listed.ok() ? *listed : std::vector<Entity>{};
  }
  std::vector<Entity> All() { return List(EntityQuery{}); }

  int64_t photos_ = 0;
  int64_t music_ = 0;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_CATALOG_CATALOG_ENTITY_CONTRACT_TEST_H_
