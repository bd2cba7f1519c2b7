// The CatalogStore contract for entities, part two: cascading hard deletes,
// the ListEntities filters and paging, a transaction's view of its own
// entity writes, and entities going with their repository. Instantiated
// over every store in catalog_entities_contract_test.cc.
#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "catalog/catalog_entity_contract_test.h"

namespace tidemark {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_P(EntityContractTest, DeleteEntitiesCascadesToDescendants) {
  const int64_t car1 = UpsertOne(MakeEntity(photos_, "car", "1", "c/1"));
  const int64_t car2 = UpsertOne(MakeEntity(photos_, "car", "2", "c/2"));
  const int64_t slot_a =
      UpsertOne(MakeEntity(photos_, "slot", "1a", "c/1/a", car1));
  const int64_t slot_b =
      UpsertOne(MakeEntity(photos_, "slot", "1b", "c/1/b", car1));
  UpsertOne(MakeEntity(photos_, "slot", "2a", "c/2/a", car2));
  UpsertOne(MakeEntity(photos_, "image", "1a0", "c/1/a/0.jpg", slot_a));
  UpsertOne(MakeEntity(photos_, "image", "1b0", "c/1/b/0.jpg", slot_b));
  UpsertOne(MakeEntity(photos_, "image", "1b1", "c/1/b/1.jpg", slot_b));

  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  // A descendant named too, and an unknown id, are not counted twice.
  const std::vector<int64_t> ids = {car1, slot_b, car1 + 100000};
  auto deleted = txn->DeleteEntities(ids);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, 6);
  auto none = txn->DeleteEntities(std::vector<int64_t>{car1});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_THAT(Keys(All()), ElementsAre("2", "2a"));
}

TEST_P(EntityContractTest, ListEntitiesFilters) {
  const int64_t a = UpsertOne(MakeEntity(photos_, "car", "a", "a"));
  UpsertOne(MakeEntity(photos_, "slot", "a/x", "a/x", a));
  UpsertOne(MakeEntity(photos_, "slot", "a/x/y", "a/x/y", a));
  UpsertOne(MakeEntity(photos_, "car", "ab", "ab"));
  UpsertOne(MakeEntity(photos_, "car", "a.txt", "a.txt"));
  UpsertOne(MakeEntity(photos_, "car", "a-b", "a-b"));
  UpsertOne(MakeEntity(photos_, "car", "a0", "a0"));
  // Characters that LIKE would treat specially.
  UpsertOne(MakeEntity(photos_, "car", "pct", "50%_off"));
  UpsertOne(MakeEntity(photos_, "slot", "pct/x", "50%_off/x"));
  UpsertOne(MakeEntity(photos_, "car", "pct2", "50%_offX/x"));
  UpsertOne(MakeEntity(photos_, "car", "pct3", "50xxoff/x"));
  Entity gone = MakeEntity(photos_, "slot", "a/gone", "a/gone", a);
  gone.deleted_at_ns = kT0;
  UpsertOne(gone);
  UpsertOne(MakeEntity(music_, "car", "a", "a"));

  EXPECT_THAT(Keys(List(Q().Kind("slot"))),
              ElementsAre("a/x", "a/x/y", "pct/x"));
  EXPECT_THAT(Keys(List(Q().Kind("slot").Deleted())),
              ElementsAre("a/x", "a/x/y", "pct/x", "a/gone"));
  EXPECT_THAT(Keys(List(Q().Key("ab"))), ElementsAre("ab"));
  EXPECT_THAT(Keys(List(Q().Kind("slot").Key("ab"))), IsEmpty());
  EXPECT_THAT(Keys(List(Q().Parent(a))), ElementsAre("a/x", "a/x/y"));
  EXPECT_THAT(Keys(List(Q().Parent(0))),
              ElementsAre("a", "ab", "a.txt", "a-b", "a0", "pct", "pct/x",
                          "pct2", "pct3"));
  EXPECT_THAT(Keys(List(Q().Scope("a"))), ElementsAre("a", "a/x", "a/x/y"));
  EXPECT_THAT(Keys(List(Q().Scope("a/x"))), ElementsAre("a/x", "a/x/y"));
  EXPECT_THAT(Keys(List(Q().Scope("50%_off"))), ElementsAre("pct", "pct/x"));
  EXPECT_THAT(Keys(List(Q().Scope("zzz"))), IsEmpty());
  EXPECT_THAT(Keys(List(Q().Repo(music_))), ElementsAre("a"));
  EXPECT_THAT(List(Q().Repo(photos_ + music_ + 100)), IsEmpty());

  // Keyset paging visits every entity once, ascending by id.
  std::vector<std::string> paged;
  EntityQuery page = Q().Deleted().Limit(3);
  for (;;) {
    const std::vector<Entity> got = List(page);
    for (const Entity& e : got) paged.push_back(e.key);
    if (got.size() < 3) break;
    EXPECT_EQ(got.size(), 3u);
    page.after_id = got.back().id;
  }
  EXPECT_EQ(paged, Keys(List(Q().Deleted())));
  EXPECT_EQ(paged.size(), 12u);
}

TEST_P(EntityContractTest, TransactionSeesItsOwnEntityWrites) {
  const int64_t car = UpsertOne(MakeEntity(photos_, "car", "1", "c/1"));
  {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    std::vector<Entity> slot = {
        MakeEntity(photos_, "slot", "1a", "c/1/a", car)};
    ASSERT_TRUE(txn->UpsertEntities(slot).ok());
    ASSERT_TRUE(txn->SetEntityBusiness(car, R"({"b":1})", kT0 + 1).ok());
    auto seen = txn->ListEntities(Q().Repo(photos_));
    ASSERT_TRUE(seen.ok()) << seen.status().ToString();
    ASSERT_EQ(seen->size(), 2u);
    EXPECT_EQ((*seen)[0].business_json, R"({"b":1})");
    EXPECT_EQ((*seen)[1].id, slot[0].id);
    // Reads outside the transaction see only what is committed.
    ASSERT_EQ(All().size(), 1u);
    EXPECT_EQ(All()[0].business_json, "{}");
    auto deleted = txn->DeleteEntities(std::vector<int64_t>{car});
    ASSERT_TRUE(deleted.ok());
    EXPECT_EQ(*deleted, 2);
    seen = txn->ListEntities(Q().Repo(photos_));
    ASSERT_TRUE(seen.ok());
    EXPECT_THAT(*seen, IsEmpty());
    // Rolled back: destroyed without Commit.
  }
  const std::vector<Entity> listed = All();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, car);
  EXPECT_EQ(listed[0].business_json, "{}");
}

TEST_P(EntityContractTest, DeleteRepositoryCascadesEntities) {
  const int64_t car = UpsertOne(MakeEntity(photos_, "car", "1", "c/1"));
  UpsertOne(MakeEntity(photos_, "slot", "1a", "c/1/a", car));
  UpsertOne(MakeEntity(music_, "car", "1", "c/1"));
  {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    std::vector<Entity> pending = {MakeEntity(photos_, "car", "2", "c/2")};
    ASSERT_TRUE(txn->UpsertEntities(pending).ok());
    ASSERT_TRUE(txn->DeleteRepository(photos_).ok());
    auto seen = txn->ListEntities(Q().Repo(photos_));
    ASSERT_TRUE(seen.ok());
    EXPECT_THAT(*seen, IsEmpty());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_THAT(List(Q().Deleted()), IsEmpty());
  EXPECT_THAT(Keys(List(Q().Repo(music_))), ElementsAre("1"));
  // The key is free again in a new repository of the same name.
  const int64_t again = AddRepository(*store_, "photos");
  UpsertOne(MakeEntity(again, "car", "1", "c/1"));
  EXPECT_THAT(Keys(List(Q().Repo(again))), ElementsAre("1"));
}

}  // namespace
}  // namespace tidemark
