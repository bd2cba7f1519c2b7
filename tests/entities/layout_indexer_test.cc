// LayoutIndexer inside Gateway::Apply, over every store: entities follow the
// change sets in the same transaction, business fields survive, a failure
// in the indexer rolls the records back too, and Rebuild recomputes all.
#include "entities/layout_indexer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "catalog/store_factories.h"
#include "fakes/fake_clock.h"
#include "fakes/memory_storage.h"
#include "sync/gateway.h"

namespace tidemark {
namespace {

const std::string kCar = "MSK/Toyota Camry 1HGBH41JXMN109186";
const std::string kDealer =
    kCar + "/1. Дилер фото/Toyota Camry 1HGBH41JXMN109186";
const std::string kBuyout2 =
    kCar + "/2. Выкуп фото/2. Toyota Camry 1HGBH41JXMN109186";

FileRecord NewRecord(int64_t repo, std::string path, int64_t size) {
  FileRecord r;
  r.repository_id = repo;
  r.path = std::move(path);
  r.size = size;
  r.mtime_ns = 10;
  return r;
}

// Fails every Update: an indexer error must roll back the whole set.
class BrokenIndexer final : public EntityIndexer {
 public:
  Status Update(CatalogTransaction&, const ChangeSet&, int64_t) override {
    return Status::Internal("indexer broke");
  }
  Status Rebuild(CatalogTransaction&, int64_t, int64_t) override {
    return Status::Internal("indexer broke");
  }
};

class LayoutIndexerTest : public ::testing::TestWithParam<CatalogStoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) GTEST_SKIP() << *GetParam().skip_reason;
    auto store = GetParam().open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto profile = layout::BuiltinProfile("cars");
    ASSERT_TRUE(profile.ok());
    auto layout = std::make_shared<const layout::Layout>(*profile);
    GatewayOptions options;
    options.indexers =
        [this, layout](int64_t) -> Result<std::shared_ptr<EntityIndexer>> {
      if (broken_) return std::shared_ptr<EntityIndexer>(new BrokenIndexer);
      return std::shared_ptr<EntityIndexer>(
          std::make_shared<LayoutIndexer>(layout, storage_, "cars"));
    };
    gateway_ = std::make_unique<Gateway>(*store_, clock_, options);
    auto repo = gateway_->AddRepository("cars", "memory://", "{}");
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
  }

  std::vector<Entity> List(const std::string& kind, bool deleted = false) {
    EntityQuery q;
    q.repository_id = repo_.id;
    q.kind = kind;
    q.include_deleted = deleted;
    auto got = store_->ListEntities(q);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::vector<Entity>{};
  }
  Entity Slot(const std::string& suffix) {
    for (const Entity& e : List("slot", true)) {
      if (e.key == "MSK/1HGBH41JXMN109186/" + suffix) return e;
    }
    ADD_FAILURE() << "no slot " << suffix;
    return {};
  }
  void Apply(ChangeSet& set) {
    set.repository_id = repo_.id;
    auto applied = gateway_->Apply(set);
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  }

  ScopedTempDir dir_;
  FakeClock clock_;
  std::shared_ptr<MemoryStorage> storage_ = std::make_shared<MemoryStorage>();
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<Gateway> gateway_;
  Repository repo_;
  bool broken_ = false;
};

// Two folders of one VIN in a region (a typo in the model, a copy): one
// car, at the folder it was found at, never flipping between them; the
// other takes over only when the first is gone.
TEST_P(LayoutIndexerTest, TwoFoldersOfOneVinMakeOneCarThatStaysPut) {
  const std::string twin = "MSK/Toyota Corolla 1HGBH41JXMN109186";
  const std::string twin_dealer =
      twin + "/1. Дилер фото/Toyota Corolla 1HGBH41JXMN109186";
  ChangeSet first;
  first.added = {NewRecord(repo_.id, kDealer + "/a.jpg", 10)};
  Apply(first);
  ChangeSet second;
  second.added = {NewRecord(repo_.id, twin_dealer + "/b.jpg", 7),
                  NewRecord(repo_.id, twin_dealer + "/c.jpg", 7)};
  Apply(second);
  ASSERT_EQ(List("car").size(), 1u);
  EXPECT_EQ(List("car")[0].path, kCar);
  EXPECT_EQ(List("car")[0].file_count, 1);
  EXPECT_EQ(Slot("dealer/1").path, kDealer);
  const int64_t car_id = List("car")[0].id;

  // A change in the original folder keeps it there too.
  ChangeSet more;
  more.added = {NewRecord(repo_.id, kDealer + "/d.jpg", 5)};
  Apply(more);
  ASSERT_EQ(List("car").size(), 1u);
  EXPECT_EQ(List("car")[0].path, kCar);
  EXPECT_EQ(List("car")[0].file_count, 2);

  // The original folder empties: the twin takes the car over (same id),
  // it is not soft-deleted.
  ChangeSet gone;
  gone.removed = {{first.added[0].id, first.added[0].path},
                  {more.added[0].id, more.added[0].path}};
  Apply(gone);
  ASSERT_EQ(List("car").size(), 1u);
  EXPECT_EQ(List("car")[0].id, car_id);
  EXPECT_EQ(List("car")[0].path, twin);
  EXPECT_EQ(List("car")[0].file_count, 2);
  EXPECT_EQ(Slot("dealer/1").path, twin_dealer);
  EXPECT_EQ(Slot("dealer/1").file_count, 2);

  // Rebuild agrees.
  ASSERT_TRUE(gateway_->RebuildEntities(repo_.id).ok());
  ASSERT_EQ(List("car").size(), 1u);
  EXPECT_EQ(List("car")[0].path, twin);
}

TEST_P(LayoutIndexerTest, EntitiesFollowEachChangeSet) {
  ASSERT_TRUE(
      storage_->Write(kDealer + "/_LOCK.json", R"({"locked_by":"ivan"})").ok());
  ChangeSet add;
  add.added = {NewRecord(repo_.id, kDealer + "/_LOCK.json", 20),
               NewRecord(repo_.id, kDealer + "/a.jpg", 1'048'576),
               NewRecord(repo_.id, kBuyout2 + "/b.jpg", 5),
               NewRecord(repo_.id, "MSK/bad/x.jpg", 1)};
  Apply(add);
  ASSERT_EQ(List("car").size(), 1u);
  EXPECT_EQ(List("car")[0].file_count, 2);
  EXPECT_EQ(List("car")[0].total_bytes, 1'048'581);
  ASSERT_EQ(List("slot").size(), 14u);
  Entity dealer = Slot("dealer/1");
  EXPECT_EQ(dealer.status, "locked");
  EXPECT_EQ(dealer.marker_json, R"({"locked_by":"ivan"})");
  EXPECT_EQ(dealer.file_count, 1);
  EXPECT_EQ(dealer.parent_id, List("car")[0].id);
  EXPECT_EQ(Slot("buyout/2").status, "empty");

  // Business fields are the gateway's explicit write, kept by syncs.
  ASSERT_TRUE(gateway_
                  ->SetEntityBusiness(repo_.id, Slot("buyout/2").id,
                                      R"({"is_used":true})")
                  .ok());
  ChangeSet remove;
  remove.removed = {{add.added[0].id, add.added[0].path},
                    {add.added[2].id, add.added[2].path}};
  Apply(remove);
  EXPECT_EQ(Slot("dealer/1").status, "empty");
  EXPECT_EQ(Slot("dealer/1").marker_json, "");
  EXPECT_EQ(Slot("buyout/2").file_count, 0);
  EXPECT_EQ(Slot("buyout/2").business_json, R"({"is_used":true})");

  // The last file goes: the car and its slots are soft-deleted, kept.
  ChangeSet last;
  last.removed = {{add.added[1].id, add.added[1].path}};
  Apply(last);
  EXPECT_TRUE(List("car").empty());
  ASSERT_EQ(List("car", true).size(), 1u);
  EXPECT_NE(List("car", true)[0].deleted_at_ns, 0);
  EXPECT_EQ(Slot("buyout/2").business_json, R"({"is_used":true})");

  // It comes back: same ids, not deleted, business fields intact.
  const int64_t car_id = List("car", true)[0].id;
  ChangeSet back;
  back.added = {NewRecord(repo_.id, kBuyout2 + "/c.jpg", 7)};
  Apply(back);
  ASSERT_EQ(List("car").size(), 1u);
  EXPECT_EQ(List("car")[0].id, car_id);
  EXPECT_EQ(Slot("buyout/2").deleted_at_ns, 0);
  EXPECT_EQ(Slot("buyout/2").file_count, 1);
  EXPECT_EQ(Slot("buyout/2").business_json, R"({"is_used":true})");
}

TEST_P(LayoutIndexerTest, AMoveRecomputesBothEnds) {
  ChangeSet add;
  add.added = {NewRecord(repo_.id, kBuyout2 + "/b.jpg", 5)};
  Apply(add);
  FileRecord moved = add.added[0];
  moved.path = kDealer + "/b.jpg";
  ChangeSet move;
  move.updated = {moved};
  move.moved_from = {add.added[0].path};
  Apply(move);
  EXPECT_EQ(Slot("buyout/2").file_count, 0);
  EXPECT_EQ(Slot("dealer/1").file_count, 1);
}

TEST_P(LayoutIndexerTest, ACarFolderRenamedInOneSetKeepsItsCar) {
  ChangeSet add;
  add.added = {NewRecord(repo_.id, kBuyout2 + "/b.jpg", 5)};
  Apply(add);
  ASSERT_TRUE(gateway_
                  ->SetEntityBusiness(repo_.id, Slot("buyout/2").id,
                                      R"({"is_used":true})")
                  .ok());
  const int64_t car_id = List("car")[0].id;
  // The make was misspelt: the folders are renamed, the VIN stays.
  const std::string renamed =
      "MSK/Toyota Corolla 1HGBH41JXMN109186/2. Выкуп фото/"
      "2. Toyota Corolla 1HGBH41JXMN109186/b.jpg";
  FileRecord moved = add.added[0];
  moved.path = renamed;
  ChangeSet move;
  move.updated = {moved};
  move.moved_from = {add.added[0].path};
  Apply(move);
  ASSERT_EQ(List("car").size(), 1u);
  EXPECT_EQ(List("car")[0].id, car_id);
  EXPECT_EQ(List("car")[0].path, "MSK/Toyota Corolla 1HGBH41JXMN109186");
  EXPECT_NE(List("car")[0].attrs_json.find("Corolla"), std::string::npos);
  EXPECT_EQ(Slot("buyout/2").file_count, 1);
  EXPECT_EQ(Slot("buyout/2").deleted_at_ns, 0);
  EXPECT_EQ(Slot("buyout/2").business_json, R"({"is_used":true})");
  EXPECT_EQ(List("slot").size(), 14u);
}

TEST_P(LayoutIndexerTest, AnIndexerFailureRollsTheRecordsBack) {
  broken_ = true;
  ChangeSet add;
  add.repository_id = repo_.id;
  add.added = {NewRecord(repo_.id, kBuyout2 + "/b.jpg", 5)};
  auto applied = gateway_->Apply(add);
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.status().message().find("indexer broke"),
            std::string::npos);
  auto records = store_->ReadRecords({repo_.id, "", std::nullopt}, 10);
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
  EXPECT_TRUE(List("car", true).empty());
}

TEST_P(LayoutIndexerTest, RebuildRecomputesEverything) {
  ChangeSet add;
  add.added = {NewRecord(repo_.id, kBuyout2 + "/b.jpg", 5),
               NewRecord(repo_.id, kDealer + "/a.jpg", 3)};
  Apply(add);
  // Entities wiped behind the gateway's back come back from the records.
  {
    auto txn = store_->Begin();
    ASSERT_TRUE(txn.ok());
    std::vector<int64_t> ids = {List("car")[0].id};
    ASSERT_TRUE((*txn)->DeleteEntities(ids).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  ASSERT_TRUE(List("slot", true).empty());
  ASSERT_TRUE(gateway_->RebuildEntities(repo_.id).ok());
  ASSERT_EQ(List("car").size(), 1u);
  EXPECT_EQ(List("car")[0].file_count, 2);
  EXPECT_EQ(List("slot").size(), 14u);
}

INSTANTIATE_TEST_SUITE_P(Stores, LayoutIndexerTest,
                         ::testing::ValuesIn(AllCatalogStoreFactories()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tidemark
