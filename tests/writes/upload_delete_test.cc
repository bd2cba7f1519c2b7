// ConsistentWriter's single-object operations (Upload, Replace, Delete) over
// every backend × store: the happy paths, and what is left after a failure
// in the catalog or on storage at each step.
#include <gtest/gtest.h>

#include "sync/hasher.h"
#include "writer_fixture.h"

namespace tidemark {
namespace {

using UploadDeleteTest = WriterTest;

constexpr char kHero[] = "products/p1/500ml/hero-card/image.jpg";

TEST_P(UploadDeleteTest, UploadWritesTheObjectThenItsRecord) {
  auto result = Writer().Upload(kHero, "pixels");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result->replaced);
  EXPECT_EQ(Content(kHero), "pixels");
  auto records = Records();
  ASSERT_TRUE(records.contains(kHero));
  const FileRecord& r = records[kHero];
  EXPECT_EQ(r.id, result->record.id);
  EXPECT_EQ(r.size, 6);
  EXPECT_EQ(r.state, RecordState::kPresent);
  EXPECT_EQ(r.hash_algorithm, HashAlgorithm::kSha256);
  EXPECT_EQ(r.content_hash, HashBytes("pixels", HashAlgorithm::kSha256));
  auto entry = backend_->Stat(kHero);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(r.inode, entry->inode);
  EXPECT_EQ(r.mtime_ns, entry->mtime_ns);

  SyncOperation op = LastOperation();
  EXPECT_EQ(op.id, result->operation.id);
  EXPECT_EQ(op.type, OperationType::kOnDemand);
  EXPECT_EQ(op.status, OperationStatus::kCompleted) << op.error_message;
  EXPECT_EQ(op.counters.added, 1);
  EXPECT_EQ(op.counters.errors, 0);
  EXPECT_NE(op.end_ns, 0);
  // A scan agrees with what the upload recorded.
  EXPECT_EQ(Scan().rows_written, 0);
}

TEST_P(UploadDeleteTest, UploadOntoARecordReplacesItAndKeepsTheId) {
  auto first = Writer().Upload(kHero, "old pixels");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = Writer().Upload(kHero, "new!");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->replaced);
  EXPECT_TRUE(second->warnings.empty());
  EXPECT_EQ(Content(kHero), "new!");
  const FileRecord r = Records()[kHero];
  EXPECT_EQ(r.id, first->record.id);
  EXPECT_EQ(r.size, 4);
  EXPECT_EQ(r.content_hash, HashBytes("new!", HashAlgorithm::kSha256));
  EXPECT_EQ(r.inode, backend_->Stat(kHero)->inode);
  // The old object went: nothing hidden is left behind.
  EXPECT_EQ(Objects(), std::vector<std::string>{kHero});
  EXPECT_EQ(LastOperation().counters.updated, 1);
  EXPECT_EQ(LastOperation().counters.added, 0);
  EXPECT_EQ(Scan().rows_written, 0);
}

TEST_P(UploadDeleteTest, ReplaceNeedsARecord) {
  auto result = Writer().Replace(kHero, "x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(Exists(kHero));
  EXPECT_TRUE(Operations().empty());
}

TEST_P(UploadDeleteTest, UploadOverAnUncataloguedObjectReplacesIt) {
  Put(kHero, "stray");
  auto result = Writer().Upload(kHero, "wanted");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->replaced);
  EXPECT_EQ(Content(kHero), "wanted");
  EXPECT_EQ(Objects(), std::vector<std::string>{kHero});
  EXPECT_EQ(Records()[kHero].size, 6);
}

TEST_P(UploadDeleteTest, UploadIsUndoneWhenTheCatalogWriteFails) {
  FailRecordCommits();
  auto result = Writer().Upload(kHero, "pixels");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("undone"), std::string::npos)
      << result.status().message();
  EXPECT_FALSE(Exists(kHero));
  EXPECT_TRUE(Objects().empty());
  EXPECT_TRUE(Records().empty());
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kFailed);
  EXPECT_EQ(op.counters.added, 0);
  EXPECT_NE(op.error_message.find("injected"), std::string::npos);
}

TEST_P(UploadDeleteTest, ReplaceRestoresTheOldObjectWhenTheCatalogFails) {
  auto first = Writer().Upload(kHero, "old pixels");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const FileRecord before = Records()[kHero];
  FailRecordCommits();
  auto second = Writer().Upload(kHero, "new!");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(Content(kHero), "old pixels");
  EXPECT_EQ(Objects(), std::vector<std::string>{kHero});
  const FileRecord after = Records()[kHero];
  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.content_hash, before.content_hash);
  EXPECT_EQ(after.inode, before.inode);
  // The moved-back object is the catalogued one: a scan changes nothing.
  EXPECT_EQ(Scan().rows_written, 0);
}

TEST_P(UploadDeleteTest, ReplaceNeverLeavesThePathEmpty) {
  ASSERT_TRUE(Writer().Upload(kHero, "old pixels").ok());
  // What a crash at each step would leave at the path: the old object
  // while the new one is written, the new one while the record switches.
  std::vector<std::string> seen;
  faulty_->SetWriteHook([&](std::string_view path) {
    if (path == kHero) seen.push_back("write:" + Content(kHero));
    return Status::Ok();
  });
  faulty_->SetRemoveHook([&](std::string_view) {
    seen.push_back("remove:" + Content(kHero));
    return Status::Ok();
  });
  auto result = Writer().Upload(kHero, "new!");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(seen,
            (std::vector<std::string>{"write:old pixels", "remove:new!"}));
  EXPECT_EQ(Objects(), std::vector<std::string>{kHero});
  EXPECT_EQ(Content(kHero), "new!");
  EXPECT_EQ(Scan().rows_written, 0);
}

TEST_P(UploadDeleteTest, ReplaceRestoresTheOldObjectWhenTheWriteFails) {
  ASSERT_TRUE(Writer().Upload(kHero, "old pixels").ok());
  faulty_->SetWriteHook([](std::string_view) {
    return Status::ResourceExhausted("injected: no space left on device");
  });
  auto result = Writer().Upload(kHero, "new!");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Content(kHero), "old pixels");
  EXPECT_EQ(Objects(), std::vector<std::string>{kHero});
  EXPECT_EQ(LastOperation().status, OperationStatus::kFailed);
}

TEST_P(UploadDeleteTest, BadPathsAreRefusedBeforeAnythingIsWritten) {
  for (const char* bad : {"", "/abs/file.jpg", "a/../b.jpg", "./a.jpg",
                          ".hidden/file.jpg", "dir/upload.tmp"}) {
    auto result = Writer().Upload(bad, "x");
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(Objects().empty());
  EXPECT_TRUE(Operations().empty());
}

TEST_P(UploadDeleteTest, WithoutAHashAlgorithmTheRecordHasNoHash) {
  options_.hash = HashAlgorithm::kNone;
  auto result = Writer().Upload("a.jpg", "abc");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(Records()["a.jpg"].content_hash.empty());
  EXPECT_EQ(Records()["a.jpg"].hash_algorithm, HashAlgorithm::kNone);
}

TEST_P(UploadDeleteTest, AnUnreachableRootFailsBeforeAnything) {
  ASSERT_TRUE(hooks_->LoseRoot().ok());
  auto result = Writer().Upload(kHero, "x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Records().empty());
  EXPECT_TRUE(Operations().empty());
}

TEST_P(UploadDeleteTest, DeleteRemovesTheObjectThenTheRecord) {
  ASSERT_TRUE(Writer().Upload(kHero, "pixels").ok());
  ASSERT_TRUE(Writer().Upload("keep.jpg", "k").ok());
  auto result = Writer().Delete(kHero);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->records_removed, 1);
  EXPECT_EQ(result->objects_removed, 1);
  EXPECT_FALSE(Exists(kHero));
  EXPECT_EQ(RecordPaths(), std::vector<std::string>{"keep.jpg"});
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.status, OperationStatus::kCompleted);
  EXPECT_EQ(op.counters.removed, 1);
}

TEST_P(UploadDeleteTest, DeleteOfAnObjectAlreadyGoneRemovesItsRecord) {
  ASSERT_TRUE(Writer().Upload(kHero, "pixels").ok());
  ASSERT_TRUE(backend_->Remove(kHero).ok());
  auto result = Writer().Delete(kHero);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->objects_removed, 0);
  EXPECT_EQ(result->records_removed, 1);
  EXPECT_TRUE(Records().empty());
}

TEST_P(UploadDeleteTest, DeleteOfAPathWithoutARecordIsNotFound) {
  Put(kHero, "uncatalogued");
  auto result = Writer().Delete(kHero);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Exists(kHero));  // an object without a record is left alone
  EXPECT_TRUE(Operations().empty());
}

TEST_P(UploadDeleteTest, WhenTheObjectCannotBeRemovedTheRecordComesBack) {
  ASSERT_TRUE(Writer().Upload(kHero, "pixels").ok());
  faulty_->SetRemoveHook([](std::string_view) {
    return Status::PermissionDenied("injected: read-only bucket");
  });
  auto result = Writer().Delete(kHero);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(result.status().message().find("its record was kept"),
            std::string::npos)
      << result.status().message();
  EXPECT_TRUE(Exists(kHero));
  EXPECT_EQ(Records()[kHero].state, RecordState::kPresent);
  EXPECT_EQ(LastOperation().status, OperationStatus::kFailed);
}

TEST_P(UploadDeleteTest, WhenMarkingFailsNothingIsDeleted) {
  ASSERT_TRUE(Writer().Upload(kHero, "pixels").ok());
  FailRecordCommits();
  auto result = Writer().Delete(kHero);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(Exists(kHero));
  EXPECT_EQ(Records()[kHero].state, RecordState::kPresent);
}

TEST_P(UploadDeleteTest, WhenTheRecordCannotGoItStaysDeletingUntilAScan) {
  ASSERT_TRUE(Writer().Upload(kHero, "pixels").ok());
  // Others stay, so the scan's removal is not a mass disappearance.
  ASSERT_TRUE(Writer().Upload("keep1.jpg", "k1").ok());
  ASSERT_TRUE(Writer().Upload("keep2.jpg", "k2").ok());
  failing_->FailCommits(
      [](const CommitSummary& s) { return !s.removed.empty(); },
      Status::Unavailable("injected: connection lost"), 1);
  auto result = Writer().Delete(kHero);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("deleting"), std::string::npos);
  EXPECT_FALSE(Exists(kHero));
  EXPECT_EQ(Records()[kHero].state, RecordState::kDeleting);
  // The next scan sees the object gone and removes the record.
  ReconcileReport scan = Scan();
  EXPECT_EQ(scan.operation.counters.removed, 1);
  EXPECT_EQ(RecordPaths(),
            (std::vector<std::string>{"keep1.jpg", "keep2.jpg"}));
}

TEST_P(UploadDeleteTest, ADeletingRecordWhoseObjectStayedBecomesPresent) {
  ASSERT_TRUE(Writer().Upload(kHero, "pixels").ok());
  faulty_->SetRemoveHook([](std::string_view) {
    return Status::Unavailable("injected: storage went away");
  });
  // The restore fails too: the record is left "deleting".
  failing_->FailCommits(
      [](const CommitSummary& s) {
        return !s.updated.empty() &&
               s.updated[0].state != RecordState::kDeleting;
      },
      Status::Unavailable("injected: connection lost"), 1);
  auto result = Writer().Delete(kHero);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(Exists(kHero));
  EXPECT_EQ(Records()[kHero].state, RecordState::kDeleting);
  faulty_->SetRemoveHook(nullptr);
  Scan();
  auto records = Records();
  ASSERT_TRUE(records.contains(kHero));
  EXPECT_EQ(records[kHero].state, RecordState::kPresent);
}

TEST_P(UploadDeleteTest, DeleteAgainFinishesAnInterruptedDelete) {
  ASSERT_TRUE(Writer().Upload(kHero, "pixels").ok());
  failing_->FailCommits(
      [](const CommitSummary& s) { return !s.removed.empty(); },
      Status::Unavailable("injected: connection lost"), 1);
  ASSERT_FALSE(Writer().Delete(kHero).ok());
  auto again = Writer().Delete(kHero);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(Records().empty());
}

INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(UploadDeleteTest);

}  // namespace
}  // namespace tidemark
