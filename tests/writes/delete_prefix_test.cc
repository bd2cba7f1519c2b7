// ConsistentWriter::DeletePrefix (seed 003's variant delete) over every
// backend × store: the cascade, objects without records left alone, and a
// failure at each step leaving the records consistently present or
// deleting, which the next scan settles.
#include <gtest/gtest.h>

#include <set>

#include "writer_fixture.h"

namespace tidemark {
namespace {

class DeletePrefixTest : public WriterTest {
 protected:
  // Seed 003's layout: products/{id}/{variant}/{slot}/{file}.
  void SeedProducts() {
    for (const char* path : kVariant) Put(path, std::string("img:") + path);
    Put("products/p1/1kg/hero-card/image.jpg", "other variant");
    Put("products/p1/500mlx/hero-card/image.jpg", "a sibling, not below");
    Put("products/p2/500ml/hero-card/image.jpg", "other product");
    ReconcileReport scan = Scan();
    ASSERT_EQ(scan.operation.counters.added, 6);
  }
  std::vector<std::string> Others() {
    return {"products/p1/1kg/hero-card/image.jpg",
            "products/p1/500mlx/hero-card/image.jpg",
            "products/p2/500ml/hero-card/image.jpg"};
  }

  static constexpr const char* kPrefix = "products/p1/500ml";
  static constexpr const char* kVariant[] = {
      "products/p1/500ml/hero-card/image.jpg",
      "products/p1/500ml/info-card/image.jpg",
      "products/p1/500ml/other-images/gallery1.jpg"};
};

TEST_P(DeletePrefixTest, RemovesEveryObjectAndRecordOfTheVariant) {
  SeedProducts();
  auto result = Writer().DeletePrefix(kPrefix);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->records_removed, 3);
  EXPECT_EQ(result->objects_removed, 3);
  EXPECT_TRUE(result->kept.empty());
  EXPECT_TRUE(result->left_alone.empty());
  EXPECT_EQ(Objects(), Others());
  EXPECT_EQ(RecordPaths(), Others());
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.type, OperationType::kOnDemand);
  EXPECT_EQ(op.status, OperationStatus::kCompleted);
  EXPECT_EQ(op.counters.removed, 3);
  EXPECT_EQ(Scan().rows_written, 0);
}

TEST_P(DeletePrefixTest, ObjectsWithoutARecordAreLeftAloneAndReported) {
  SeedProducts();
  Put("products/p1/500ml/hero-card/.DS_Store", "finder");
  Put("products/p1/500ml/late.jpg", "arrived after the scan");
  auto result = Writer().DeletePrefix(kPrefix);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->records_removed, 3);
  EXPECT_EQ(result->left_alone,
            (std::vector<std::string>{"products/p1/500ml/hero-card/.DS_Store",
                                      "products/p1/500ml/late.jpg"}));
  EXPECT_TRUE(Exists("products/p1/500ml/late.jpg"));
  EXPECT_EQ(result->operation.status, OperationStatus::kCompleted);
}

TEST_P(DeletePrefixTest, OneFileIsAPrefixToo) {
  SeedProducts();
  auto result = Writer().DeletePrefix(kVariant[0]);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->records_removed, 1);
  EXPECT_FALSE(Exists(kVariant[0]));
  EXPECT_TRUE(Exists(kVariant[1]));
}

TEST_P(DeletePrefixTest, AnEmptyPrefixIsNotFound) {
  SeedProducts();
  auto result = Writer().DeletePrefix("products/p9");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Writer().DeletePrefix("").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(DeletePrefixTest, ObjectsThatCannotBeRemovedKeepTheirRecords) {
  SeedProducts();
  faulty_->SetRemoveHook([](std::string_view path) {
    return path.ends_with("gallery1.jpg")
               ? Status::PermissionDenied("injected: object locked")
               : Status::Ok();
  });
  auto result = Writer().DeletePrefix(kPrefix);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->records_removed, 2);
  EXPECT_EQ(result->kept, std::vector<std::string>{kVariant[2]});
  EXPECT_TRUE(result->left_alone.empty());  // the kept one is not "alone"
  EXPECT_EQ(result->operation.status, OperationStatus::kPartial);
  auto records = Records();
  ASSERT_TRUE(records.contains(kVariant[2]));
  EXPECT_EQ(records[kVariant[2]].state, RecordState::kPresent);
  EXPECT_FALSE(records.contains(kVariant[0]));
  EXPECT_TRUE(Exists(kVariant[2]));
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kPartial);
  EXPECT_EQ(op.counters.removed, 2);
  EXPECT_EQ(op.counters.errors, 1);
}

TEST_P(DeletePrefixTest, WhenMarkingFailsNothingIsDeleted) {
  SeedProducts();
  FailRecordCommits();
  auto result = Writer().DeletePrefix(kPrefix);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(Objects().size(), 6u);
  for (const auto& [path, r] : Records()) {
    EXPECT_EQ(r.state, RecordState::kPresent) << path;
  }
  EXPECT_EQ(LastOperation().status, OperationStatus::kFailed);
}

TEST_P(DeletePrefixTest, AFailedFinalStepLeavesAllDeletingAndAScanSettles) {
  SeedProducts();
  faulty_->SetRemoveHook([](std::string_view path) {
    return path.ends_with("gallery1.jpg")
               ? Status::PermissionDenied("injected: object locked")
               : Status::Ok();
  });
  failing_->FailCommits(
      [](const CommitSummary& s) { return !s.removed.empty(); },
      Status::Unavailable("injected: connection lost"), 1);
  auto result = Writer().DeletePrefix(kPrefix);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  // All three records moved together: every one is still "deleting".
  auto records = Records();
  for (const char* path : kVariant) {
    ASSERT_TRUE(records.contains(path)) << path;
    EXPECT_EQ(records[path].state, RecordState::kDeleting) << path;
  }
  for (const std::string& path : Others()) {
    EXPECT_EQ(records[path].state, RecordState::kPresent) << path;
  }
  // The scan removes the two whose objects went and brings back the one
  // whose object stayed: catalog and storage agree again.
  faulty_->SetRemoveHook(nullptr);
  ReconcileReport scan = Scan();
  EXPECT_EQ(scan.operation.status, OperationStatus::kCompleted)
      << scan.operation.error_message;
  EXPECT_EQ(scan.operation.counters.removed, 2);
  records = Records();
  EXPECT_EQ(RecordPaths(), Objects());
  EXPECT_EQ(records[kVariant[2]].state, RecordState::kPresent);
}

TEST_P(DeletePrefixTest, RunningItAgainFinishesAnInterruptedDelete) {
  SeedProducts();
  failing_->FailCommits(
      [](const CommitSummary& s) { return !s.removed.empty(); },
      Status::Unavailable("injected: connection lost"), 1);
  ASSERT_FALSE(Writer().DeletePrefix(kPrefix).ok());
  auto again = Writer().DeletePrefix(kPrefix);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->records_removed, 3);
  EXPECT_EQ(again->objects_removed, 0);  // they went the first time
  EXPECT_EQ(RecordPaths(), Others());
}

TEST_P(DeletePrefixTest, ADryRunShowsThePlanAndChangesNothing) {
  SeedProducts();
  Put("products/p1/500ml/late.jpg", "arrived after the scan");
  ASSERT_TRUE(backend_->Remove(kVariant[1]).ok());
  options_.dry_run = true;
  auto result = Writer().DeletePrefix(kPrefix);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->records_removed, 3);
  EXPECT_EQ(result->objects_removed, 2);
  EXPECT_EQ(result->left_alone,
            std::vector<std::string>{"products/p1/500ml/late.jpg"});
  EXPECT_EQ(result->operation.id, 0);
  auto one = Writer().Delete(kVariant[0]);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->records_removed, 1);
  EXPECT_EQ(Records().size(), 6u);
  for (const auto& [path, r] : Records()) {
    EXPECT_EQ(r.state, RecordState::kPresent) << path;
  }
  EXPECT_TRUE(Exists(kVariant[0]));
  EXPECT_EQ(Operations().size(), 1u);  // the seeding scan only
}

INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(DeletePrefixTest);

}  // namespace
}  // namespace tidemark
