// The CatalogStore contract for entities (records.h), part one: upserts by
// (repository, kind, key) that keep id, created_at and business_json,
// business updates, and references that must exist. Runs over every store;
// the fixture is in catalog_entity_contract_test.h.
#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "catalog/catalog_entity_contract_test.h"

namespace tidemark {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::TestParamInfo;
using ::testing::ValuesIn;

TEST_P(EntityContractTest, InsertAssignsIdsAndEveryFieldRoundTrips) {
  std::vector<Entity> cars = {MakeEntity(photos_, "car", "VIN1", "cars/VIN1"),
                              MakeEntity(photos_, "car", "VIN2", "cars/VIN2")};
  cars[1].business_json = R"({"used":true})";
  cars[1].status = "";
  cars[1].marker_json = "";
  cars[1].attrs_json = "{}";
  ASSERT_TRUE(Upsert(cars).ok());
  EXPECT_GT(cars[0].id, 0);
  EXPECT_GT(cars[1].id, cars[0].id);
  std::vector<Entity> slot = {
      MakeEntity(photos_, "slot", "VIN1/front", "cars/VIN1/front", cars[0].id)};
  slot[0].updated_at_ns = kT0 + 5;
  ASSERT_TRUE(Upsert(slot).ok());

  const std::vector<Entity> listed = All();
  ASSERT_EQ(listed.size(), 3u);
  ExpectSameEntity(listed[0], cars[0]);
  ExpectSameEntity(listed[1], cars[1]);
  ExpectSameEntity(listed[2], slot[0]);
  EXPECT_THAT(List(Q().Repo(music_)), IsEmpty());
}

TEST_P(EntityContractTest, UpsertKeepsIdCreatedAtAndBusiness) {
  const int64_t id = UpsertOne(MakeEntity(photos_, "car", "VIN1", "cars/VIN1"));
  {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    ASSERT_TRUE(txn->SetEntityBusiness(id, R"({"used":1})", kT0 + 1).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  Entity again = MakeEntity(photos_, "car", "VIN1", "cars/VIN1-moved");
  again.attrs_json = R"({"color":"red"})";
  again.status = "empty";
  again.marker_json = "";
  again.file_count = 7;
  again.total_bytes = 700;
  again.business_json = R"({"overwritten":true})";
  again.created_at_ns = kT0 + 100;
  again.updated_at_ns = kT0 + 200;
  std::vector<Entity> batch = {again};
  ASSERT_TRUE(Upsert(batch).ok());
  EXPECT_EQ(batch[0].id, id);

  Entity expected = again;
  expected.id = id;
  expected.created_at_ns = kT0;
  expected.business_json = R"({"used":1})";
  const std::vector<Entity> listed = All();
  ASSERT_EQ(listed.size(), 1u);
  ExpectSameEntity(listed[0], expected);

  // Same key in another kind or repository is another entity.
  EXPECT_NE(UpsertOne(MakeEntity(photos_, "slot", "VIN1", "cars/VIN1")), id);
  EXPECT_NE(UpsertOne(MakeEntity(music_, "car", "VIN1", "cars/VIN1")), id);
  EXPECT_EQ(All().size(), 2u);
}

TEST_P(EntityContractTest, UpsertWithoutDeletedAtBringsASoftDeletedBack) {
  Entity car = MakeEntity(photos_, "car", "VIN1", "cars/VIN1");
  const int64_t id = UpsertOne(car);
  car.deleted_at_ns = kT0 + 10;
  EXPECT_EQ(UpsertOne(car), id);
  EXPECT_THAT(All(), IsEmpty());
  const std::vector<Entity> deleted = List(Q().Deleted());
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(deleted[0].deleted_at_ns, kT0 + 10);

  car.deleted_at_ns = 0;
  EXPECT_EQ(UpsertOne(car), id);
  const std::vector<Entity> back = All();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].id, id);
  EXPECT_EQ(back[0].deleted_at_ns, 0);
}

TEST_P(EntityContractTest, SetEntityBusinessChangesOnlyBusinessAndTime) {
  const Entity car = MakeEntity(photos_, "car", "VIN1", "cars/VIN1");
  const int64_t id = UpsertOne(car);
  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  ASSERT_TRUE(txn->SetEntityBusiness(id, R"({"sold":"2024"})", kT0 + 9).ok());
  EXPECT_EQ(txn->SetEntityBusiness(id + 1000, "{}", kT0).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(txn->Commit().ok());

  Entity expected = car;
  expected.id = id;
  expected.business_json = R"({"sold":"2024"})";
  expected.updated_at_ns = kT0 + 9;
  const std::vector<Entity> listed = All();
  ASSERT_EQ(listed.size(), 1u);
  ExpectSameEntity(listed[0], expected);
}

TEST_P(EntityContractTest, UnknownRepositoryOrParentIsNotFoundAndUndone) {
  const int64_t car = UpsertOne(MakeEntity(photos_, "car", "VIN1", "c/VIN1"));
  auto txn = Begin();
  ASSERT_NE(txn, nullptr);
  std::vector<Entity> bad_repo = {
      MakeEntity(photos_ + music_ + 100, "car", "VIN9", "c/VIN9")};
  Status status = txn->UpsertEntities(bad_repo);
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("repository"));
  // The good entity before the bad parent is not written either.
  std::vector<Entity> bad_parent = {
      MakeEntity(photos_, "car", "VIN2", "c/VIN2"),
      MakeEntity(photos_, "slot", "VIN2/x", "c/VIN2/x", car + 1000)};
  status = txn->UpsertEntities(bad_parent);
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("parent"));
  EXPECT_EQ(bad_parent[0].id, 0);  // names nothing
  auto seen = txn->ListEntities(Q().Repo(photos_));
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_THAT(Keys(*seen), ElementsAre("VIN1"));
  // The transaction is still usable.
  std::vector<Entity> good = {
      MakeEntity(photos_, "slot", "VIN1/x", "c/VIN1/x", car)};
  ASSERT_TRUE(txn->UpsertEntities(good).ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_THAT(Keys(All()), ElementsAre("VIN1", "VIN1/x"));
}

TEST_P(EntityContractTest, RepeatedKeyInOneBatchActsLikeUpsertsInOrder) {
  Entity first = MakeEntity(photos_, "car", "VIN1", "cars/first");
  first.business_json = R"({"from":"first"})";
  Entity second = MakeEntity(photos_, "car", "VIN1", "cars/second");
  second.business_json = R"({"from":"second"})";
  second.created_at_ns = kT0 + 1;
  second.file_count = 99;
  std::vector<Entity> batch = {first, MakeEntity(photos_, "car", "VIN2", "x"),
                               second};
  ASSERT_TRUE(Upsert(batch).ok());
  EXPECT_GT(batch[0].id, 0);
  EXPECT_EQ(batch[0].id, batch[2].id);
  EXPECT_NE(batch[1].id, batch[0].id);

  // The first inserted it; the second rewrote all but id, created_at and
  // business_json.
  Entity expected = second;
  expected.id = batch[0].id;
  expected.created_at_ns = first.created_at_ns;
  expected.business_json = first.business_json;
  const std::vector<Entity> listed = List(Q().Key("VIN1"));
  ASSERT_EQ(listed.size(), 1u);
  ExpectSameEntity(listed[0], expected);
  EXPECT_EQ(All().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(AllStores, EntityContractTest,
                         ValuesIn(AllCatalogStoreFactories()),
                         [](const TestParamInfo<CatalogStoreFactory>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tidemark
