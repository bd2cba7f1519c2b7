// The `cars` layout (seed 000) through the real binary on real trees with
// the seed's Cyrillic folder names: cars and their 14 slots, lock detection
// from _LOCK.json, counts without it, MiB rounding, is_used kept across
// syncs, soft delete and rediscovery, parse failures skipped with a warning,
// a missing region told apart from an empty one, and the slot operations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "catalog_kinds.h"
#include "cli_runner.h"
#include "watch_driver.h"

namespace tidemark::testing {
namespace {

const std::string kVin1 = "1HGBH41JXMN109186";
const std::string kVin2 = "WBAFR1C58BC286113";
const std::string kDealer = "1. Дилер фото";
const std::string kBuyout = "2. Выкуп фото";
const std::string kDummies = "3. Муляги фото";

std::string CarDir(const std::string& region, const std::string& name) {
  return region + "/" + name;
}
std::string SlotDir(const std::string& region, const std::string& name,
                    const std::string& type, int index) {
  const std::string base = CarDir(region, name);
  if (type == "dealer") return base + "/" + kDealer + "/" + name;
  const std::string& group = type == "buyout" ? kBuyout : kDummies;
  return base + "/" + group + "/" + std::to_string(index) + ". " + name;
}

class CarsCliTest : public CatalogKindTest {
 protected:
  std::string camry = "Toyota Camry " + kVin1;
  std::string bmw = "BMW X5 M Sport " + kVin2;

  void AddRepo(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"repo",     "add",      "lib",
                                     ws_.root(), "--layout", "cars"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = ws_.Run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  RunResult Scan(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"scan", "lib"};
    args.insert(args.end(), extra.begin(), extra.end());
    return ws_.Run(args);
  }
  nlohmann::json Car(const std::string& ident) {
    RunResult r = ws_.Run({"cars", "show", "lib", ident, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? r.Json() : nlohmann::json();
  }
  nlohmann::json Cars(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"cars", "list", "lib", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = ws_.Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? r.Json() : nlohmann::json::array();
  }
  static nlohmann::json Slot(const nlohmann::json& car, const std::string& type,
                             int index) {
    for (const auto& s : car["slots"]) {
      if (s["slot_type"] == type && s["slot_index"] == index) return s;
    }
    return nullptr;
  }
  // Two cars in MSK: a camry with photos in three slots (one locked) and a
  // BMW with a multi-word model.
  void MakeTree() {
    ws_.Write(SlotDir("MSK", camry, "dealer", 1) + "/a.jpg",
              std::string(1'000'000, 'a'));
    ws_.Write(SlotDir("MSK", camry, "dealer", 1) + "/b.jpg",
              std::string(234'567, 'b'));
    ws_.Write(SlotDir("MSK", camry, "dealer", 1) + "/_LOCK.json",
              R"({"locked_by": "ivan", "locked_at": "2026-02-07T10:00:00Z",)"
              R"( "upload_id": 42, "note": ")" +
                  std::string(20'000, 'n') + R"("})");
    ws_.Write(SlotDir("MSK", camry, "buyout", 3) + "/c.jpg", "ccc");
    ws_.Write(SlotDir("MSK", camry, "dummies", 5) + "/d.jpg", "dddd");
    ws_.Write(SlotDir("MSK", bmw, "buyout", 8) + "/e.jpg", "eeeee");
    ws_.Write(SlotDir("MSK", bmw, "buyout", 8) + "/f.jpg", "ffffff");
    ws_.Write(SlotDir("MSK", bmw, "dealer", 1) + "/g.jpg", "g");
  }
};

TEST_P(CarsCliTest, DiscoversCarsWithTheirFourteenSlots) {
  MakeTree();
  AddRepo();
  RunResult scan = Scan();
  ASSERT_EQ(scan.exit_code, 0) << scan.err;

  nlohmann::json cars = Cars();
  ASSERT_EQ(cars.size(), 2u);
  nlohmann::json car = Car(kVin1);
  EXPECT_EQ(car["region"], "MSK");
  EXPECT_EQ(car["make"], "Toyota");
  EXPECT_EQ(car["model"], "Camry");
  EXPECT_EQ(car["vin"], kVin1);
  EXPECT_EQ(car["disk_root_path"], CarDir("MSK", camry));
  EXPECT_TRUE(car["deleted_at"].is_null());
  ASSERT_EQ(car["slots"].size(), 14u);
  // The seed's order: dealer[1], buyout[1..8], dummies[1..5].
  EXPECT_EQ(car["slots"][0]["slot_type"], "dealer");
  for (int i = 1; i <= 8; ++i) {
    EXPECT_EQ(car["slots"][i]["slot_type"], "buyout");
    EXPECT_EQ(car["slots"][i]["slot_index"], i);
  }
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(car["slots"][8 + i]["slot_type"], "dummies");
    EXPECT_EQ(car["slots"][8 + i]["slot_index"], i);
  }
  nlohmann::json bmw_car = Car(kVin2);
  EXPECT_EQ(bmw_car["make"], "BMW");
  EXPECT_EQ(bmw_car["model"], "X5 M Sport");
  EXPECT_EQ(Slot(bmw_car, "buyout", 8)["file_count"], 2);

  // Lock state comes from _LOCK.json alone, with its metadata.
  nlohmann::json dealer = Slot(car, "dealer", 1);
  EXPECT_EQ(dealer["status"], "locked");
  EXPECT_EQ(dealer["locked_by"], "ivan");
  EXPECT_EQ(dealer["locked_at"], "2026-02-07T10:00:00Z");
  EXPECT_NE(dealer["lock_meta_json"].get<std::string>().find("upload_id"),
            std::string::npos);
  EXPECT_EQ(dealer["disk_slot_path"], SlotDir("MSK", camry, "dealer", 1));
  // Without --public-url a slot's URL is the repository's file:// URL and
  // the slot's path, percent-encoded: a URL, spaces and Cyrillic included.
  const std::string url = dealer["public_url"].get<std::string>();
  EXPECT_EQ(url.rfind("file://", 0), 0u) << url;
  EXPECT_EQ(url.find(' '), std::string::npos) << url;
  EXPECT_NE(url.find("/1.%20%D0%94"), std::string::npos) << url;  // "/1. Д"
  EXPECT_EQ(Slot(car, "buyout", 3)["status"], "empty");
  EXPECT_TRUE(Slot(car, "buyout", 3)["locked_by"].is_null());
  // Counts leave _LOCK.json out; sizes are MiB with 2 decimals:
  // 1,234,567 bytes = 1.1774 MiB -> 1.18 (with the 20 KB lock file it
  // would be 1.1965 -> 1.20).
  EXPECT_EQ(dealer["file_count"], 2);
  EXPECT_DOUBLE_EQ(dealer["total_size_mb"].get<double>(), 1.18);
  EXPECT_EQ(Slot(car, "buyout", 3)["file_count"], 1);
  EXPECT_DOUBLE_EQ(Slot(car, "buyout", 3)["total_size_mb"].get<double>(), 0);
  EXPECT_EQ(Slot(car, "buyout", 1)["file_count"], 0);
  EXPECT_EQ(car["file_count"], 4);

  // Unlocking on disk is seen by the next sync.
  ASSERT_EQ(
      ::unlink(
          ws_.Path(SlotDir("MSK", camry, "dealer", 1) + "/_LOCK.json").c_str()),
      0);
  ASSERT_EQ(Scan().exit_code, 0);
  dealer = Slot(Car(kVin1), "dealer", 1);
  EXPECT_EQ(dealer["status"], "empty");
  EXPECT_TRUE(dealer["lock_meta_json"].is_null());
  EXPECT_EQ(dealer["file_count"], 2);
}

TEST_P(CarsCliTest, IsUsedSurvivesEverySync) {
  MakeTree();
  AddRepo();
  ASSERT_EQ(Scan().exit_code, 0);
  RunResult used =
      ws_.Run({"cars", "mark-used", "lib", kVin1, "buyout/3", "--by", "admin"});
  ASSERT_EQ(used.exit_code, 0) << used.err;
  nlohmann::json slot = Slot(Car(kVin1), "buyout", 3);
  EXPECT_EQ(slot["is_used"], true);
  EXPECT_EQ(slot["marked_used_by"], "admin");
  EXPECT_FALSE(slot["marked_used_at"].is_null());

  // New, changed and removed photos in that slot, and a full rescan.
  ws_.Write(SlotDir("MSK", camry, "buyout", 3) + "/new.jpg", "new");
  ws_.Write(SlotDir("MSK", camry, "buyout", 3) + "/c.jpg", "changed!");
  ASSERT_EQ(Scan().exit_code, 0);
  slot = Slot(Car(kVin1), "buyout", 3);
  EXPECT_EQ(slot["is_used"], true);
  EXPECT_EQ(slot["file_count"], 2);
  ASSERT_EQ(
      ::unlink(
          ws_.Path(SlotDir("MSK", camry, "buyout", 3) + "/new.jpg").c_str()),
      0);
  ASSERT_EQ(Scan().exit_code, 0);
  slot = Slot(Car(kVin1), "buyout", 3);
  EXPECT_EQ(slot["is_used"], true);
  EXPECT_EQ(slot["marked_used_by"], "admin");
  EXPECT_EQ(Slot(Car(kVin1), "buyout", 2)["is_used"], false);

  RunResult unused = ws_.Run({"cars", "mark-used", "lib", kVin1, "buyout/3",
                              "--by", "admin", "--unused", "--json"});
  ASSERT_EQ(unused.exit_code, 0) << unused.err;
  EXPECT_EQ(unused.Json()["is_used"], false);
}

TEST_P(CarsCliTest, SoftDeletesAVanishedCarAndBringsItBack) {
  MakeTree();
  // A third car keeps the removal under the mass-removal threshold.
  const std::string lada = "Lada Vesta XTAGFL110LY123456";
  for (int i = 0; i < 6; ++i) {
    ws_.Write(
        SlotDir("MSK", lada, "buyout", 1) + "/" + std::to_string(i) + ".jpg",
        "x");
  }
  AddRepo();
  ASSERT_EQ(Scan().exit_code, 0);
  ASSERT_EQ(
      ws_.Run({"cars", "mark-used", "lib", kVin2, "buyout/8", "--by", "admin"})
          .exit_code,
      0);
  const int64_t id = Car(kVin2)["id"];

  std::filesystem::rename(ws_.Path(CarDir("MSK", bmw)),
                          ws_.dir() + "/bmw-away");
  RunResult scan = Scan();
  ASSERT_EQ(scan.exit_code, 0) << scan.out << scan.err;
  // Left out of listings, kept in the catalog with deleted_at.
  for (const auto& c : Cars()) EXPECT_NE(c["vin"], kVin2);
  nlohmann::json all = Cars({"--include-deleted"});
  ASSERT_EQ(all.size(), 3u);
  nlohmann::json gone = Car(kVin2);
  EXPECT_EQ(gone["id"], id);
  EXPECT_FALSE(gone["deleted_at"].is_null());

  // Rediscovered under a corrected model name: same car, deleted_at
  // cleared, metadata updated, business fields kept.
  const std::string renamed = "BMW X6 " + kVin2;
  std::filesystem::create_directories(ws_.Path("MSK"));
  std::filesystem::rename(ws_.dir() + "/bmw-away",
                          ws_.Path(CarDir("MSK", renamed)));
  for (const char* group : {"1. Дилер фото", "2. Выкуп фото"}) {
    for (const auto& entry : std::filesystem::directory_iterator(
             ws_.Path(CarDir("MSK", renamed) + "/" + group))) {
      const std::string name = entry.path().filename().string();
      const size_t at = name.find(bmw);
      ASSERT_NE(at, std::string::npos);
      std::filesystem::rename(entry.path(), entry.path().parent_path() /
                                                (name.substr(0, at) + renamed));
    }
  }
  ASSERT_EQ(Scan().exit_code, 0);
  nlohmann::json back = Car(kVin2);
  EXPECT_EQ(back["id"], id);
  EXPECT_TRUE(back["deleted_at"].is_null());
  EXPECT_EQ(back["model"], "X6");
  EXPECT_EQ(back["disk_root_path"], CarDir("MSK", renamed));
  EXPECT_EQ(Slot(back, "buyout", 8)["is_used"], true);
  EXPECT_EQ(Slot(back, "buyout", 8)["file_count"], 2);
  EXPECT_EQ(Cars().size(), 3u);
}

TEST_P(CarsCliTest, SkipsFoldersThatFailToParseWithAWarning) {
  MakeTree();
  ws_.Write("MSK/Toyota Camry 123/x.jpg", "bad vin");
  ws_.Write("MSK/notes.txt", "not in a car");
  ws_.Write(SlotDir("MSK", camry, "buyout", 9) + "/y.jpg", "index 9");
  AddRepo();
  RunResult scan = Scan();
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_NE(scan.err.find("MSK/Toyota Camry 123/x.jpg"), std::string::npos)
      << scan.err;
  EXPECT_NE(scan.err.find("17-character VIN"), std::string::npos);
  EXPECT_NE(scan.err.find("MSK/notes.txt"), std::string::npos);
  EXPECT_NE(scan.err.find("out of range"), std::string::npos);
  // The rest of the sync went on: both good cars, nothing from the bad ones.
  EXPECT_EQ(Cars().size(), 2u);
  nlohmann::json car = Car(kVin1);
  EXPECT_EQ(car["file_count"], 4);  // y.jpg (buyout 9) is not counted
  // The files themselves are still cataloged.
  RunResult files = ws_.Run({"files", "lib", "--json"});
  EXPECT_EQ(PathsOf(files.Json()).size(), 11u);
}

TEST_P(CarsCliTest, TellsAMissingRegionFromAnEmptyOne) {
  MakeTree();
  std::filesystem::create_directories(ws_.Path("SPB"));
  AddRepo();
  RunResult empty = ws_.Run({"cars", "sync", "lib", "SPB", "--json"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.Json()["success"], true);
  EXPECT_EQ(empty.Json()["carsFound"], 0);
  EXPECT_EQ(empty.Json()["slotsFound"], 0);
  EXPECT_FALSE(empty.Json().contains("reason"));

  RunResult missing = ws_.Run({"cars", "sync", "lib", "KZN", "--json"});
  ASSERT_EQ(missing.exit_code, 0) << missing.err;
  EXPECT_EQ(missing.Json()["success"], true);
  EXPECT_EQ(missing.Json()["carsFound"], 0);
  EXPECT_EQ(missing.Json()["reason"], "region_missing");

  RunResult msk = ws_.Run({"cars", "sync", "lib", "MSK", "--json"});
  ASSERT_EQ(msk.exit_code, 0) << msk.err;
  EXPECT_EQ(msk.Json()["success"], true);
  EXPECT_EQ(msk.Json()["carsFound"], 2);
  EXPECT_EQ(msk.Json()["slotsFound"], 28);

  // An unreachable root is a failed sync that soft-deletes nothing.
  std::filesystem::rename(ws_.root(), ws_.dir() + "/root-away");
  RunResult offline = ws_.Run({"cars", "sync", "lib", "MSK", "--json"});
  EXPECT_EQ(offline.exit_code, 4);
  EXPECT_EQ(offline.Json()["success"], false);
  EXPECT_TRUE(offline.Json().contains("error"));
  std::filesystem::rename(ws_.dir() + "/root-away", ws_.root());
  ASSERT_EQ(Cars().size(), 2u);
  for (const auto& c : Cars({"--include-deleted"})) {
    EXPECT_TRUE(c["deleted_at"].is_null()) << c.dump();
  }

  // The MSK folder disappears: zero cars found, but the cars are not
  // soft-deleted on that alone (a whole scope gone is paused, rule 3).
  std::filesystem::rename(ws_.Path("MSK"), ws_.dir() + "/msk-away");
  RunResult gone = ws_.Run({"cars", "sync", "lib", "MSK", "--json"});
  ASSERT_EQ(gone.exit_code, 3) << gone.out << gone.err;
  EXPECT_EQ(gone.Json()["reason"], "region_missing");
  EXPECT_EQ(gone.Json()["carsFound"], 0);
  EXPECT_EQ(gone.Json()["slotsFound"], 0);
  EXPECT_EQ(gone.Json()["carsKept"], 2);
  EXPECT_TRUE(gone.Json().contains("removals_paused"));
  EXPECT_EQ(Cars().size(), 2u);
  // Confirmed: now they are soft-deleted.
  RunResult confirmed =
      ws_.Run({"cars", "sync", "lib", "MSK", "--allow-mass-removal", "--json"});
  ASSERT_EQ(confirmed.exit_code, 0) << confirmed.err;
  EXPECT_EQ(confirmed.Json()["carsFound"], 0);
  EXPECT_EQ(Cars().size(), 0u);
  EXPECT_EQ(Cars({"--include-deleted"}).size(), 2u);
}

// A car folder that vanishes from a region that is still there, with its
// soft delete paused by the mass-removal rule (5 of the region's 8 files):
// the car is kept, but it was not found.
TEST_P(CarsCliTest, APausedSoftDeleteIsKeptNotFound) {
  MakeTree();
  AddRepo();
  ASSERT_EQ(Scan().exit_code, 0);
  std::filesystem::rename(ws_.Path(CarDir("MSK", camry)),
                          ws_.dir() + "/camry-away");
  RunResult paused = ws_.Run({"cars", "sync", "lib", "MSK", "--json"});
  ASSERT_EQ(paused.exit_code, 3) << paused.out << paused.err;
  nlohmann::json j = paused.Json();
  EXPECT_EQ(j["success"], true);
  EXPECT_TRUE(j.contains("removals_paused"));
  EXPECT_FALSE(j.contains("reason"));
  EXPECT_EQ(j["carsFound"], 1);
  EXPECT_EQ(j["slotsFound"], 14);
  EXPECT_EQ(j["carsKept"], 1);
  EXPECT_TRUE(Car(kVin1)["deleted_at"].is_null());

  RunResult confirmed =
      ws_.Run({"cars", "sync", "lib", "MSK", "--allow-mass-removal", "--json"});
  ASSERT_EQ(confirmed.exit_code, 0) << confirmed.err;
  EXPECT_EQ(confirmed.Json()["carsFound"], 1);
  EXPECT_FALSE(confirmed.Json().contains("carsKept"));
  EXPECT_FALSE(Car(kVin1)["deleted_at"].is_null());
}

// `cars sync` applies storage to the catalog; a catalog-truth repository
// takes storage only through repair, so it is refused with the way out.
TEST_P(CarsCliTest, ACatalogTruthRepositoryRefusesCarsSync) {
  MakeTree();
  RunResult add = ws_.Run({"repo", "add", "lib", ws_.root(), "--layout", "cars",
                           "--truth", "catalog"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  RunResult sync = ws_.Run({"cars", "sync", "lib", "MSK", "--json"});
  EXPECT_EQ(sync.exit_code, 2) << sync.out << sync.err;
  EXPECT_EQ(sync.Json()["success"], false);
  EXPECT_NE(sync.err.find("truth 'catalog'"), std::string::npos) << sync.err;
  EXPECT_NE(sync.err.find("tidemark repair lib"), std::string::npos);
  EXPECT_EQ(Cars().size(), 0u);
  RunResult files = ws_.Run({"files", "lib", "--json"});
  ASSERT_EQ(files.exit_code, 0) << files.err;
  EXPECT_TRUE(files.Json().empty());
}

TEST_P(CarsCliTest, LocksAndUnlocksASlotThroughItsLockFile) {
  MakeTree();
  AddRepo();
  ASSERT_EQ(Scan().exit_code, 0);
  const std::string lock_file =
      ws_.Path(SlotDir("MSK", camry, "buyout", 2) + "/_LOCK.json");
  RunResult lock = ws_.Run(
      {"cars", "lock", "lib", kVin1, "buyout/2", "--by", "maria", "--json"});
  ASSERT_EQ(lock.exit_code, 0) << lock.err;
  EXPECT_EQ(lock.Json()["status"], "locked");
  EXPECT_EQ(lock.Json()["locked_by"], "maria");
  // Storage holds the lock: the marker file with who and when.
  const std::string content = ReadFileBytes(lock_file);
  EXPECT_NE(content.find("\"maria\""), std::string::npos);
  EXPECT_NE(content.find("locked_at"), std::string::npos);
  // A rescan agrees, and the count still leaves the marker out.
  ASSERT_EQ(Scan().exit_code, 0);
  nlohmann::json slot = Slot(Car(kVin1), "buyout", 2);
  EXPECT_EQ(slot["status"], "locked");
  EXPECT_EQ(slot["file_count"], 0);

  RunResult again =
      ws_.Run({"cars", "lock", "lib", kVin1, "buyout/2", "--by", "oleg"});
  EXPECT_EQ(again.exit_code, 4);
  EXPECT_NE(again.err.find("already locked by \"maria\""), std::string::npos)
      << again.err;

  RunResult unlock = ws_.Run({"cars", "unlock", "lib", kVin1, "buyout/2"});
  ASSERT_EQ(unlock.exit_code, 0) << unlock.err;
  EXPECT_FALSE(std::filesystem::exists(lock_file));
  EXPECT_EQ(Slot(Car(kVin1), "buyout", 2)["status"], "empty");
  RunResult twice = ws_.Run({"cars", "unlock", "lib", kVin1, "buyout/2"});
  EXPECT_EQ(twice.exit_code, 4);
  EXPECT_NE(twice.err.find("is not locked"), std::string::npos);
}

TEST_P(CarsCliTest, BadInputsGetClearErrors) {
  MakeTree();
  RunResult layout =
      ws_.Run({"repo", "add", "lib", ws_.root(), "--layout", "trucks"});
  EXPECT_EQ(layout.exit_code, 2) << layout.err;
  EXPECT_NE(layout.err.find("unknown layout 'trucks'"), std::string::npos);
  EXPECT_NE(layout.err.find("cars, products"), std::string::npos);
  RunResult truth =
      ws_.Run({"repo", "add", "lib", ws_.root(), "--truth", "disk"});
  EXPECT_EQ(truth.exit_code, 2);
  EXPECT_NE(truth.err.find("unknown truth 'disk'"), std::string::npos);

  AddRepo();
  ASSERT_EQ(Scan().exit_code, 0);
  RunResult slot =
      ws_.Run({"cars", "lock", "lib", kVin1, "trunk/1", "--by", "x"});
  EXPECT_EQ(slot.exit_code, 2);
  EXPECT_NE(slot.err.find("unknown slot 'trunk/1'"), std::string::npos);
  RunResult index =
      ws_.Run({"cars", "lock", "lib", kVin1, "buyout/9", "--by", "x"});
  EXPECT_EQ(index.exit_code, 2);  // not found: a usage error
  EXPECT_NE(index.err.find("buyout/9"), std::string::npos);
  RunResult vin = ws_.Run({"cars", "show", "lib", "NOSUCHVIN"});
  EXPECT_EQ(vin.exit_code, 2);
  EXPECT_NE(vin.err.find("no car with VIN"), std::string::npos);
  // Scopes and regions are folders relative to the root; a trailing '/'
  // is fine, anything else is refused before the repository is touched.
  for (const std::string bad : {"./MSK", "/MSK", "MSK/../SPB"}) {
    RunResult scan = Scan({"--scope", bad});
    EXPECT_EQ(scan.exit_code, 2) << bad << ": " << scan.err;
    EXPECT_NE(scan.err.find("--scope '" + bad + "'"), std::string::npos)
        << scan.err;
    RunResult sync = ws_.Run({"cars", "sync", "lib", bad});
    EXPECT_EQ(sync.exit_code, 2) << bad << ": " << sync.err;
    EXPECT_NE(sync.err.find("region '" + bad + "'"), std::string::npos)
        << sync.err;
  }
  RunResult status = ws_.Run({"status", "lib", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("\"online\""), std::string::npos) << status.out;
  RunResult slash = Scan({"--scope", "MSK/"});
  EXPECT_EQ(slash.exit_code, 0) << slash.err;
  EXPECT_EQ(Cars().size(), 2u);
  RunResult sync_slash = ws_.Run({"cars", "sync", "lib", "MSK/", "--json"});
  EXPECT_EQ(sync_slash.exit_code, 0) << sync_slash.err;
  EXPECT_EQ(sync_slash.Json()["carsFound"], 2);

  RunResult no_by = ws_.Run({"cars", "mark-used", "lib", kVin1, "dealer"});
  EXPECT_EQ(no_by.exit_code, 2);
  EXPECT_NE(no_by.err.find("--by"), std::string::npos);

  ASSERT_EQ(ws_.Run({"repo", "add", "plain", ws_.root()}).exit_code, 0);
  RunResult plain = ws_.Run({"cars", "list", "plain"});
  EXPECT_EQ(plain.exit_code, 4);
  EXPECT_NE(plain.err.find("has no layout"), std::string::npos);
}

TEST_P(CarsCliTest, ACustomProfileFromTheConfigFile) {
  ws_.Write("hr/2024/contract.pdf", "aaaa");
  ws_.Write("hr/2024/offer.pdf", "bb");
  ws_.Write("hr/1999/old.pdf", "c");
  const std::string config = ws_.dir() + "/tidemark.toml";
  WriteAt(config, R"toml(
[[layouts.docs.entity]]
kind = "department"
match = "{dept}"
key = "{dept}"
attrs = { name = "{dept}" }

[[layouts.docs.entity]]
kind = "year"
parent = "department"
match = "{dept}/{year}"
range = { year = [2000, 2100] }
key = "{dept}/{year}"
attrs = { year = "{year}" }
)toml");
  RunResult add = ws_.Run({"--config", config, "repo", "add", "docs",
                           ws_.root(), "--layout", "docs"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  RunResult scan = ws_.Run({"--config", config, "scan", "docs"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_NE(scan.err.find("hr/1999/old.pdf"), std::string::npos) << scan.err;
  RunResult list = ws_.Run({"--config", config, "entities", "docs", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  nlohmann::json all = list.Json();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["kind"], "department");
  EXPECT_EQ(all[0]["file_count"], 2);
  EXPECT_EQ(all[1]["key"], "hr/2024");
  EXPECT_EQ(all[1]["total_bytes"], 6);
}

TEST_P(CarsCliTest, TheDaemonKeepsSlotsInStep) {
  MakeTree();
  AddRepo();
  WatchDriver driver(ws_);
  auto daemon = driver.StartWatching("w1");
  ASSERT_TRUE(WaitUntil([&] { return Cars().size() == 2; }));
  ws_.Write(SlotDir("MSK", camry, "buyout", 4) + "/_LOCK.json",
            R"({"locked_by": "watcher"})");
  ws_.Write(SlotDir("MSK", camry, "buyout", 4) + "/p.jpg", "photo");
  ASSERT_TRUE(WaitUntil([&] {
    nlohmann::json s = Slot(Car(kVin1), "buyout", 4);
    return s["status"] == "locked" && s["file_count"] == 1;
  })) << daemon->err();
  EXPECT_EQ(Slot(Car(kVin1), "buyout", 4)["locked_by"], "watcher");
  daemon->Signal(SIGTERM);
  EXPECT_EQ(daemon->Wait(), 0) << daemon->err();
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(CarsCliTest);

}  // namespace
}  // namespace tidemark::testing
