// ConsistentWriter::MovePrefix (seed 003's variant rename) over every
// backend × store: one folder move or object by object, the refusals, and
// resumption after an interruption at every point.
#include <gtest/gtest.h>

#include <map>

#include "sync/hasher.h"
#include "writer_fixture.h"

namespace tidemark {
namespace {

class MovePrefixTest : public WriterTest {
 protected:
  void SeedProducts() {
    for (const std::string& path : Old()) Put(path, "img:" + path);
    Put("products/p1/1kg/hero-card/image.jpg", "other variant");
    ReconcileReport scan = Scan();
    ASSERT_EQ(scan.operation.counters.added, 4);
    for (const auto& [path, r] : Records()) {
      ids_[path] = r.id;
      hashes_[path] = r.content_hash;
    }
  }
  void NoServerSideMove() {
    BackendCapabilities caps = backend_->Capabilities();
    caps.server_side_move = false;
    faulty_->OverrideCapabilities(caps);
  }
  static std::vector<std::string> Old() {
    return {"products/p1/500ml/hero-card/image.jpg",
            "products/p1/500ml/info-card/image.jpg",
            "products/p1/500ml/other-images/gallery1.jpg"};
  }
  static std::string New(const std::string& old) {
    return "products/p1/1000ml" + old.substr(std::string(kFrom).size());
  }
  static std::vector<std::string> After() {
    return {"products/p1/1000ml/hero-card/image.jpg",
            "products/p1/1000ml/info-card/image.jpg",
            "products/p1/1000ml/other-images/gallery1.jpg",
            "products/p1/1kg/hero-card/image.jpg"};
  }
  // The move is complete: objects and records at the new paths only, with
  // their ids, hashes and contents, and a scan finds nothing to change.
  void ExpectMoved() {
    EXPECT_EQ(Objects(), After());
    EXPECT_EQ(RecordPaths(), After());
    auto records = Records();
    for (const std::string& old : Old()) {
      const FileRecord& r = records[New(old)];
      EXPECT_EQ(r.id, ids_[old]) << old;
      EXPECT_EQ(r.content_hash, hashes_[old]) << old;
      EXPECT_EQ(r.state, RecordState::kPresent) << old;
      EXPECT_EQ(Content(New(old)), "img:" + old);
    }
    EXPECT_EQ(Scan().rows_written, 0);
  }

  static constexpr const char* kFrom = "products/p1/500ml";
  static constexpr const char* kTo = "products/p1/1000ml";
  std::map<std::string, int64_t> ids_;
  std::map<std::string, std::string> hashes_;
};

TEST_P(MovePrefixTest, RenamesTheVariantWithOneFolderMove) {
  SeedProducts();
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->directory_move);
  EXPECT_EQ(result->moved, 3);
  EXPECT_EQ(result->resumed, 0);
  SyncOperation op = LastOperation();
  EXPECT_EQ(op.type, OperationType::kOnDemand);
  EXPECT_EQ(op.status, OperationStatus::kCompleted);
  EXPECT_EQ(op.counters.moved, 3);
  ExpectMoved();
}

TEST_P(MovePrefixTest, WithoutServerSideMoveItMovesObjectByObject) {
  SeedProducts();
  NoServerSideMove();
  Put("products/p1/500ml/.DS_Store", "uncatalogued");
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result->directory_move);
  EXPECT_EQ(result->moved, 3);
  EXPECT_EQ(result->left_alone,
            std::vector<std::string>{"products/p1/500ml/.DS_Store"});
  ASSERT_TRUE(backend_->Remove("products/p1/500ml/.DS_Store").ok());
  ExpectMoved();
}

TEST_P(MovePrefixTest, IntoAnExistingFolderItMovesObjectByObject) {
  SeedProducts();
  Put("products/p1/1000ml/extra.jpg", "already there");
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result->directory_move);
  EXPECT_EQ(result->moved, 3);
  EXPECT_EQ(Content("products/p1/1000ml/extra.jpg"), "already there");
}

TEST_P(MovePrefixTest, MovesOneFile) {
  SeedProducts();
  const std::string from = Old()[0];
  const std::string to = "products/p1/500ml/hero-card/cover.jpg";
  auto result = Writer().MovePrefix(from, to);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->moved, 1);
  EXPECT_FALSE(result->directory_move);
  auto records = Records();
  EXPECT_FALSE(records.contains(from));
  EXPECT_EQ(records[to].id, ids_[from]);
  EXPECT_EQ(Content(to), "img:" + from);
  EXPECT_FALSE(Exists(from));
}

TEST_P(MovePrefixTest, RefusesToMoveIntoItself) {
  SeedProducts();
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {kFrom, "products/p1/500ml/sub"},
           {kFrom, "products/p1"},
           {kFrom, kFrom},
           {kFrom, "/abs"},
           {"a/../b", kTo}}) {
    auto result = Writer().MovePrefix(from, to);
    ASSERT_FALSE(result.ok()) << from << " -> " << to;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument)
        << result.status().ToString();
  }
  EXPECT_EQ(Objects().size(), 4u);
  EXPECT_EQ(Operations().size(), 1u);  // the seeding scan only
}

TEST_P(MovePrefixTest, RefusesADifferentObjectAtATargetBeforeMovingAnything) {
  SeedProducts();
  Put("products/p1/1000ml/info-card/image.jpg", "someone else's");
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(
      result.status().message().find("products/p1/1000ml/info-card/image.jpg"),
      std::string::npos)
      << result.status().message();
  for (const std::string& path : Old()) EXPECT_TRUE(Exists(path)) << path;
  EXPECT_EQ(Records().size(), 4u);
  EXPECT_EQ(Operations().size(), 1u);
}

TEST_P(MovePrefixTest, WithoutHashesASameSizedTargetIsComparedByContent) {
  options_.hash = HashAlgorithm::kNone;
  SeedProducts();
  // Same size as the source, other bytes: a size match must not pass for
  // "already moved", or the source would be removed and its bytes lost.
  std::string other = "img:" + Old()[1];
  other.back() = 'X';
  Put(New(Old()[1]), other);
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kAlreadyExists);
  for (const std::string& path : Old()) {
    EXPECT_EQ(Content(path), "img:" + path) << path;
  }
  EXPECT_EQ(Content(New(Old()[1])), other);
  // With identical bytes the same state is an interrupted copy: finished.
  Put(New(Old()[1]), "img:" + Old()[1]);
  auto resumed = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->resumed, 1);
  EXPECT_EQ(Objects(), After());
}

TEST_P(MovePrefixTest, RefusesATargetTheFiltersExcludeAndAnEmptySource) {
  SeedProducts();
  auto hidden = Writer().MovePrefix(kFrom, "products/p1/.trash");
  EXPECT_EQ(hidden.status().code(), StatusCode::kInvalidArgument);
  auto none = Writer().MovePrefix("products/p9", "products/p10");
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  auto onto_file =
      Writer().MovePrefix(kFrom, "products/p1/1kg/hero-card/image.jpg");
  EXPECT_EQ(onto_file.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Objects().size(), 4u);
}

TEST_P(MovePrefixTest, AFailedCatalogWriteIsFinishedByRunningItAgain) {
  SeedProducts();
  FailRecordCommits();
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("run the same move again"),
            std::string::npos)
      << result.status().message();
  EXPECT_EQ(Objects(), After());  // storage moved, the catalog did not
  EXPECT_EQ(Records().count(Old()[0]), 1u);
  EXPECT_EQ(LastOperation().status, OperationStatus::kFailed);

  auto again = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->moved, 3);
  EXPECT_EQ(again->resumed, 3);
  ExpectMoved();
}

TEST_P(MovePrefixTest, AMoveThatFailsHalfWayIsFinishedByRunningItAgain) {
  SeedProducts();
  NoServerSideMove();
  int moves = 0;
  faulty_->SetMoveHook([&moves](std::string_view, std::string_view) {
    return ++moves == 2 ? Status::Unavailable("injected: connection reset")
                        : Status::Ok();
  });
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  // What moved has its record updated; the rest is untouched.
  auto records = Records();
  EXPECT_EQ(records[New(Old()[0])].id, ids_[Old()[0]]);
  EXPECT_TRUE(records.contains(Old()[1]));
  EXPECT_TRUE(Exists(Old()[1]));
  EXPECT_EQ(RecordPaths(), Objects());

  faulty_->SetMoveHook(nullptr);
  auto again = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->moved, 2);
  ExpectMoved();
}

TEST_P(MovePrefixTest, ObjectsMovedByHandHalfWayAreTakenAsMoved) {
  SeedProducts();
  ASSERT_TRUE(backend_->Move(Old()[0], New(Old()[0])).ok());
  ASSERT_TRUE(backend_->Move(Old()[2], New(Old()[2])).ok());
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result->directory_move);
  EXPECT_EQ(result->moved, 3);
  EXPECT_EQ(result->resumed, 2);
  ExpectMoved();
}

TEST_P(MovePrefixTest, ACopyWhoseDeleteDidNotHappenIsFinished) {
  SeedProducts();
  // A copy-based move (S3) stopped between the copy and the delete.
  Put(New(Old()[1]), "img:" + Old()[1]);
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->resumed, 1);
  ExpectMoved();
}

TEST_P(MovePrefixTest, ARecordAScanAdoptedAtTheNewPathIsNotDuplicated) {
  SeedProducts();
  Put(New(Old()[1]), "img:" + Old()[1]);
  Scan();  // adopts the copy: a second record with the same content
  const int64_t adopted = Records()[New(Old()[1])].id;
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->duplicates_dropped, 1);
  EXPECT_EQ(result->moved, 2);
  EXPECT_EQ(RecordPaths(), After());
  EXPECT_EQ(Objects(), After());
  EXPECT_EQ(Records()[New(Old()[1])].id, adopted);
}

TEST_P(MovePrefixTest, ARecordWithoutAnObjectIsReportedAndLeft) {
  SeedProducts();
  ASSERT_TRUE(backend_->Remove(Old()[2]).ok());
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->moved, 2);
  EXPECT_EQ(result->missing, std::vector<std::string>{Old()[2]});
  EXPECT_EQ(result->operation.status, OperationStatus::kPartial);
  EXPECT_TRUE(Records().contains(Old()[2]));
  Scan();
  EXPECT_EQ(RecordPaths(), Objects());
}

TEST_P(MovePrefixTest, ADryRunShowsThePlanAndChangesNothing) {
  SeedProducts();
  ASSERT_TRUE(backend_->Move(Old()[0], New(Old()[0])).ok());
  options_.dry_run = true;
  auto result = Writer().MovePrefix(kFrom, kTo);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->moved, 3);
  EXPECT_EQ(result->resumed, 1);
  EXPECT_FALSE(result->directory_move);
  EXPECT_EQ(result->operation.id, 0);
  EXPECT_TRUE(Exists(Old()[1]));
  EXPECT_TRUE(Records().contains(Old()[0]));
  EXPECT_EQ(Operations().size(), 1u);
  auto upload = Writer().Upload(Old()[1], "new");
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  EXPECT_TRUE(upload->replaced);
  EXPECT_EQ(Content(Old()[1]), "img:" + Old()[1]);
  EXPECT_EQ(Operations().size(), 1u);
}

INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(MovePrefixTest);

}  // namespace
}  // namespace tidemark
