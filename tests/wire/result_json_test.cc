// The documents of the services' typed results, as both front ends print
// them: the exact text of the small ones, and the keys of the others.
#include <gtest/gtest.h>

#include "wire/cars_json.h"
#include "wire/catalog_json.h"
#include "wire/check_json.h"
#include "wire/error_json.h"
#include "wire/scan_json.h"

namespace tidemark::wire {
namespace {

TEST(ResultJsonTest, AnErrorCarriesTheApisCode) {
  EXPECT_EQ(DumpJson(ErrorJson(Status::NotFound("no repository 'x'"))),
            R"({"code":"not_found","error":"no repository 'x'"})");
  EXPECT_EQ(ErrorJson(Status::AlreadyExists("taken"))["code"], "conflict");
  EXPECT_EQ(ErrorJson(Status::Unavailable("held"))["code"], "unavailable");
}

TEST(ResultJsonTest, AScanThatDidNotRunOrWasSkipped) {
  app::ScanResult failed;
  failed.repository = "photos";
  failed.status = app::ScanStatus::kFailed;
  failed.error = Status::Unavailable("held by w1");
  EXPECT_EQ(DumpJson(ScanResultJson(failed)),
            R"({"code":"unavailable","error":"held by w1",)"
            R"("repository":"photos","status":"failed"})");

  app::ScanResult skipped;
  skipped.repository = "shop";
  skipped.status = app::ScanStatus::kSkipped;
  skipped.skip_reason = "catalog truth";
  EXPECT_EQ(DumpJson(ScanResultJson(skipped)),
            R"({"reason":"catalog truth","repository":"shop",)"
            R"("status":"skipped"})");
}

TEST(ResultJsonTest, AScanThatRan) {
  app::ScanResult done;
  done.repository = "photos";
  done.status = app::ScanStatus::kPartial;
  done.hash = HashAlgorithm::kXxh3;
  ReconcileReport& report = done.report.emplace();
  report.operation.status = OperationStatus::kPartial;
  report.operation.counters.scanned = 7;
  report.operation.duration_ms = 12;
  report.operation.error_message = "removals paused";
  report.rows_written = 3;
  report.removals_deferred = 2;
  report.leftovers = {"a/.tidemark-x.tmp"};
  nlohmann::json j = ScanResultJson(done);
  EXPECT_EQ(j["status"], "partial");
  EXPECT_EQ(j["hash_algorithm"], "xxh3");
  EXPECT_EQ(j["counters"]["scanned"], 7);
  EXPECT_EQ(j["rows_written"], 3);
  EXPECT_EQ(j["removals_deferred"], 2);
  EXPECT_EQ(j["error_message"], "removals paused");
  EXPECT_EQ(j["leftovers"], nlohmann::json::array({"a/.tidemark-x.tmp"}));
  EXPECT_EQ(j.size(), 11u);
  EXPECT_FALSE(j.contains("code"));
}

TEST(ResultJsonTest, ARepairThatFailedIsTheErrorDocument) {
  app::RepairResult refused;
  refused.status = app::RepairStatus::kFailed;
  refused.failure = Status::FailedPrecondition("too many removals");
  EXPECT_EQ(DumpJson(RepairJson(refused)),
            R"({"code":"conflict","error":"too many removals"})");

  app::RepairResult dry;
  dry.repository = "photos";
  dry.status = app::RepairStatus::kDryRun;
  dry.dry_run = true;
  dry.safety = Status::FailedPrecondition("would remove too much");
  nlohmann::json j = RepairJson(dry);
  EXPECT_EQ(j["status"], "dry-run");
  EXPECT_EQ(j["refused"], "would remove too much");
  EXPECT_EQ(j["policy"]["orphaned"], "leave");
  EXPECT_FALSE(j.contains("after"));
}

TEST(ResultJsonTest, ACheckWithoutALayout) {
  app::CheckResult check;
  check.repo.name = "photos";
  nlohmann::json j = CheckJson(check, false);
  EXPECT_EQ(j["repository"], "photos");
  EXPECT_TRUE(j["layout"].is_null());
  EXPECT_EQ(j["truth"], "storage");
  EXPECT_EQ(j["clean"], true);
  EXPECT_FALSE(j.contains("synced"));
  EXPECT_TRUE(CheckJson(check, true).contains("synced"));
}

TEST(ResultJsonTest, ACarsSyncInTheSeedsShape) {
  app::CarsSyncResult nothing;
  EXPECT_EQ(DumpJson(CarsSyncJson(nothing)),
            R"({"carsFound":0,"slotsFound":0,"success":false})");
  EXPECT_EQ(DumpJson(CarsSyncFailureJson(Status::NotFound("no layout"))),
            R"({"carsFound":0,"error":"no layout","slotsFound":0,)"
            R"("success":false})");

  app::CarsSyncResult found;
  found.success = true;
  found.cars_found = 2;
  found.slots_found = 28;
  found.region_missing = true;
  found.cars_kept = 1;
  found.removals_paused = "paused";
  found.scan.emplace().repository = "cars";
  nlohmann::json j = CarsSyncJson(found);
  EXPECT_EQ(j["reason"], "region_missing");
  EXPECT_EQ(j["carsKept"], 1);
  EXPECT_EQ(j["removals_paused"], "paused");
  EXPECT_EQ(j["scan"]["repository"], "cars");
  EXPECT_FALSE(j.contains("error"));
}

}  // namespace
}  // namespace tidemark::wire
