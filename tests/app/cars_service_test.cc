// The cars service over the fakes (seed 000): the typed listing, a region's
// sync with its scan, and slot changes that write the marker file.
#include "app/cars_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/scan_service.h"
#include "app_fixture.h"

namespace tidemark::app {
namespace {

const std::string kVin1 = "1HGBH41JXMN109186";
const std::string kVin2 = "WBAFR1C58BC286113";

std::string SlotDir(const std::string& region, const std::string& car,
                    const std::string& type, int index) {
  const std::string base = region + "/" + car;
  if (type == "dealer") return base + "/1. Дилер фото/" + car;
  return base + (type == "buyout" ? "/2. Выкуп фото/" : "/3. Муляги фото/") +
         std::to_string(index) + ". " + car;
}

class CarsServiceTest : public AppFixture {
 protected:
  // Two cars in MSK, one in SPB; catalogued by a scan.
  void SetUpCars(const std::string& options = R"({"layout": "cars"})") {
    repo_ = AddRepo("cars", options);
    Put("cars", SlotDir("MSK", camry_, "dealer", 1) + "/a.jpg", "aaaa");
    Put("cars", SlotDir("MSK", camry_, "buyout", 3) + "/b.jpg", "bb");
    Put("cars", SlotDir("MSK", bmw_, "buyout", 8) + "/c.jpg", "c");
    Put("cars", SlotDir("SPB", lada_, "dummies", 5) + "/d.jpg", "d");
  }
  void Scan() {
    ASSERT_EQ(ScanUnderLease(ctx(), repo_, ScanSettings{}).status,
              ScanStatus::kCompleted);
  }
  static const Entity* SlotOf(const CarWithSlots& car, const std::string& key) {
    for (const Entity& s : car.slots) {
      if (s.key == car.car.key + "/" + key) return &s;
    }
    return nullptr;
  }

  std::string camry_ = "Toyota Camry " + kVin1;
  std::string bmw_ = "BMW X5 " + kVin2;
  std::string lada_ = "Lada Vesta XTA21900000000001";
  Repository repo_;
};

TEST_F(CarsServiceTest, ListsCarsWithTheirFourteenSlots) {
  SetUpCars();
  Scan();
  auto all = ListCars(ctx(), "cars", "", false);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->cars.size(), 3u);
  for (const CarWithSlots& car : all->cars) {
    EXPECT_EQ(car.car.kind, "car");
    EXPECT_EQ(car.slots.size(), 14u) << car.car.key;
  }
  auto msk = ListCars(ctx(), "cars", "MSK", false);
  ASSERT_TRUE(msk.ok());
  EXPECT_EQ(msk->cars.size(), 2u);

  auto one = ShowCar(ctx(), "cars", kVin1);
  ASSERT_TRUE(one.ok()) << one.status().message();
  ASSERT_EQ(one->cars.size(), 1u);
  const CarWithSlots& camry = one->cars[0];
  EXPECT_EQ(camry.car.key, "MSK/" + kVin1);
  ASSERT_NE(SlotOf(camry, "dealer/1"), nullptr);
  EXPECT_EQ(SlotOf(camry, "dealer/1")->file_count, 1);
  EXPECT_EQ(SlotOf(camry, "buyout/3")->file_count, 1);
  EXPECT_EQ(SlotOf(camry, "buyout/4")->file_count, 0);
  // The seed's order: the dealer's slot first.
  EXPECT_EQ(camry.slots.front().key, "MSK/" + kVin1 + "/dealer/1");

  auto unknown = ShowCar(ctx(), "cars", "NOSUCHVIN");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
}

TEST_F(CarsServiceTest, ARepositoryWithoutTheCarsLayoutIsRefused) {
  AddRepo("plain");
  auto cars = ListCars(ctx(), "plain", "", false);
  ASSERT_FALSE(cars.ok());
  EXPECT_EQ(cars.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(CarsServiceTest, SyncingARegionScansItAndCountsWhatItFound) {
  SetUpCars();
  std::vector<Progress> seen;
  auto result = SyncCars(ctx(), "cars", "MSK", false, Record(&seen));
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->success);
  EXPECT_EQ(result->region, "MSK");
  EXPECT_EQ(result->cars_found, 2);
  EXPECT_EQ(result->slots_found, 28);
  EXPECT_FALSE(result->error.has_value());
  EXPECT_FALSE(result->region_missing);
  EXPECT_FALSE(result->cars_kept.has_value());
  ASSERT_TRUE(result->scan.has_value());
  EXPECT_EQ(result->scan->status, ScanStatus::kCompleted);
  ASSERT_TRUE(result->scan->report.has_value());
  EXPECT_EQ(result->scan->report->operation.counters.added, 3)
      << "only the region was scanned";
  EXPECT_TRUE(seen.empty()) << "three files: no progress report is due";

  auto spb = ListCars(ctx(), "cars", "SPB", false);
  ASSERT_TRUE(spb.ok());
  EXPECT_TRUE(spb->cars.empty()) << "SPB was not synced";
}

TEST_F(CarsServiceTest, AMissingRegionIsReportedNotFailed) {
  SetUpCars();
  auto result = SyncCars(ctx(), "cars", "KZN", false);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->region_missing);
  EXPECT_TRUE(result->success);
  EXPECT_EQ(result->cars_found, 0);
  EXPECT_FALSE(result->error.has_value());
}

TEST_F(CarsServiceTest, UnreachableStorageIsAResultWithoutAScan) {
  SetUpCars();
  Storage("cars").SetRootAvailable(false);
  auto result = SyncCars(ctx(), "cars", "", false);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_FALSE(result->success);
  ASSERT_TRUE(result->error.has_value());
  EXPECT_EQ(result->error->rfind("storage unreachable: ", 0), 0u)
      << *result->error;
  EXPECT_FALSE(result->scan.has_value());
}

TEST_F(CarsServiceTest, ACatalogTruthRepositoryIsNeverSynced) {
  SetUpCars(R"({"layout": "cars", "truth": "catalog"})");
  auto result = SyncCars(ctx(), "cars", "", false);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->catalog_truth);
  EXPECT_FALSE(result->success);
  ASSERT_TRUE(result->error.has_value());
  EXPECT_NE(result->error->find("has truth 'catalog'"), std::string::npos);
  EXPECT_FALSE(result->scan.has_value());
}

TEST_F(CarsServiceTest, LockingASlotWritesItsMarkerAndUnlockingRemovesIt) {
  SetUpCars();
  Scan();
  SlotChange lock;
  lock.car = kVin1;
  lock.slot = "buyout/3";
  lock.op = SlotOp::kLock;
  lock.by = "ivan";
  lock.note = "shooting";
  auto locked = ApplySlotChange(ctx(), "cars", lock);
  ASSERT_TRUE(locked.ok()) << locked.status().message();
  EXPECT_EQ(locked->car.key, "MSK/" + kVin1);
  EXPECT_EQ(locked->slot.status, "locked");
  EXPECT_TRUE(Storage("cars")
                  .Stat(SlotDir("MSK", camry_, "buyout", 3) + "/_LOCK.json")
                  .ok());

  auto again = ApplySlotChange(ctx(), "cars", lock);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);

  SlotChange unlock = lock;
  unlock.op = SlotOp::kUnlock;
  auto unlocked = ApplySlotChange(ctx(), "cars", unlock);
  ASSERT_TRUE(unlocked.ok()) << unlocked.status().message();
  EXPECT_NE(unlocked->slot.status, "locked");
  EXPECT_FALSE(Storage("cars")
                   .Stat(SlotDir("MSK", camry_, "buyout", 3) + "/_LOCK.json")
                   .ok());
}

TEST_F(CarsServiceTest, MarkingASlotUsedKeepsWhoDidIt) {
  SetUpCars();
  Scan();
  SlotChange mark;
  mark.car = "MSK/" + kVin2;
  mark.slot = "buyout[8]";
  mark.op = SlotOp::kMarkUsed;
  mark.by = "admin";
  auto marked = ApplySlotChange(ctx(), "cars", mark);
  ASSERT_TRUE(marked.ok()) << marked.status().message();
  EXPECT_NE(marked->slot.business_json.find("admin"), std::string::npos)
      << marked->slot.business_json;

  SlotChange bad = mark;
  bad.slot = "trunk/1";
  auto refused = ApplySlotChange(ctx(), "cars", bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tidemark::app
