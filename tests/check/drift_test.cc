// CheckDrift over every backend x store pair: orphaned, missing, modified
// and synced paths, filters, scopes, and the read-only promise.
#include "check/drift.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "check_fixture.h"

namespace tidemark {
namespace {

using Paths = std::vector<std::string>;

class DriftTest : public CheckFixture {};

TEST_P(DriftTest, ACatalogJustScannedIsClean) {
  Put("a/one.jpg", "one");
  Put("a/b/two.jpg", "two");
  Put("three.jpg", "3");
  Scan();
  DriftReport report = MustCheck();
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.totals.files, 3);
  EXPECT_EQ(report.totals.synced, 3);
  EXPECT_EQ(report.totals.storage_files, 3);
  EXPECT_EQ(report.totals.catalog_files, 3);
  EXPECT_TRUE(report.items.empty());     // synced paths are only counted
  EXPECT_TRUE(report.entities.empty());  // no layout
}

TEST_P(DriftTest, ClassifiesOrphanedMissingAndModifiedInPathOrder) {
  Put("a/keep.jpg", "keep");
  Put("a/gone.jpg", "gone");
  Put("b/edit.jpg", "edit");
  Scan();
  Put("a/new.jpg", "new");
  Remove("a/gone.jpg");
  Put("b/edit.jpg", "edited!");
  const Snapshot before = Snap();

  DriftReport report = MustCheck();
  EXPECT_FALSE(report.clean());
  EXPECT_EQ(report.totals.orphaned, 1);
  EXPECT_EQ(report.totals.missing, 1);
  EXPECT_EQ(report.totals.modified, 1);
  EXPECT_EQ(report.totals.synced, 1);
  EXPECT_EQ(report.totals.files, 4);
  EXPECT_EQ(report.totals.storage_files, 3);
  EXPECT_EQ(report.totals.catalog_files, 3);
  ASSERT_EQ(report.items.size(), 3u);
  EXPECT_EQ(report.items[0].path, "a/gone.jpg");
  EXPECT_EQ(report.items[0].kind, DriftKind::kMissing);
  EXPECT_NE(report.items[0].record_id, 0);
  EXPECT_EQ(report.items[1].path, "a/new.jpg");
  EXPECT_EQ(report.items[1].kind, DriftKind::kOrphaned);
  EXPECT_EQ(report.items[1].seen.size, 3);
  EXPECT_EQ(report.items[2].path, "b/edit.jpg");
  EXPECT_EQ(report.items[2].kind, DriftKind::kModified);
  EXPECT_NE(report.items[2].detail.find("size 4 -> 7"), std::string::npos)
      << report.items[2].detail;
  // A check writes nothing, on either side.
  EXPECT_EQ(Snap(), before);
}

TEST_P(DriftTest, ARecordLeftDeletingIsModified) {
  Put("x.jpg", "x");
  Scan();
  FileRecord record = Records()["x.jpg"];
  record.state = RecordState::kDeleting;
  ChangeSet set;
  set.repository_id = repo_.id;
  set.updated.push_back(record);
  set.moved_from.push_back("");
  ASSERT_TRUE(gateway_->Apply(set).ok());
  DriftReport report = MustCheck();
  EXPECT_EQ(PathsOf(report, DriftKind::kModified), Paths{"x.jpg"});
  EXPECT_NE(report.items[0].detail.find("'deleting'"), std::string::npos)
      << report.items[0].detail;
}

TEST_P(DriftTest, FilteredPathsAreNeitherOrphanedNorMissing) {
  Put("a/photo.jpg", "p");
  Put("a/notes.bak", "backup");  // catalogued while no filter applied
  Scan();
  Put("a/.hidden", "h");
  Put("a/upload.tmp", "t");
  Put(".cache/x", "x");
  Remove("a/notes.bak");
  auto filter = PathFilterRules::Create(FilterConfig{});
  ASSERT_TRUE(filter.ok());
  DriftOptions options;
  options.filter = &*filter;
  DriftReport report = MustCheck(options);
  EXPECT_TRUE(report.clean()) << report.items.size();
  EXPECT_EQ(report.totals.files, 1);
  // Without the filter they all show.
  DriftReport raw = MustCheck();
  EXPECT_EQ(raw.totals.orphaned, 3);
  EXPECT_EQ(raw.totals.missing, 1);
}

TEST_P(DriftTest, AScopeChecksOnlyItsFolder) {
  Put("a/one", "1");
  Put("a/two", "2");
  Put("ab/three", "3");
  Put("b/four", "4");
  Scan();
  Put("a/new", "n");
  Put("ab/new", "n");
  Remove("b/four");
  DriftOptions options;
  options.scope = "a";
  DriftReport report = MustCheck(options);
  EXPECT_EQ(report.scope, "a");
  EXPECT_EQ(PathsOf(report, DriftKind::kOrphaned), Paths{"a/new"});
  EXPECT_EQ(report.totals.missing, 0);
  EXPECT_EQ(report.totals.files, 3);

  // A folder gone from storage: its records are missing (the root is fine).
  Remove("a/one");
  Remove("a/two");
  Remove("a/new");
  report = MustCheck(options);
  EXPECT_EQ(PathsOf(report, DriftKind::kMissing), (Paths{"a/one", "a/two"}));
  EXPECT_EQ(report.totals.storage_files, 0);

  options.scope = "nowhere";
  report = MustCheck(options);
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.totals.files, 0);
}

TEST_P(DriftTest, AScopeThatIsAFileChecksThatFile) {
  Put("a/one", "1");
  Put("a/one2", "2");
  Scan();
  DriftOptions options;
  options.scope = "a/one";
  DriftReport report = MustCheck(options);
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.totals.synced, 1);
  Put("a/one", "changed");
  report = MustCheck(options);
  EXPECT_EQ(PathsOf(report, DriftKind::kModified), Paths{"a/one"});
  EXPECT_EQ(report.totals.files, 1);
}

TEST_P(DriftTest, ListSyncedKeepsTheSyncedPaths) {
  Put("a", "1");
  Put("b", "2");
  Scan();
  Put("c", "3");
  DriftOptions options;
  options.list_synced = true;
  DriftReport report = MustCheck(options);
  EXPECT_EQ(PathsOf(report, DriftKind::kSynced), (Paths{"a", "b"}));
  EXPECT_EQ(PathsOf(report, DriftKind::kOrphaned), Paths{"c"});
  EXPECT_EQ(report.totals.synced, 2);
}

TEST_P(DriftTest, AnUnknownEntityIsNotFoundAndScopesAreNormalized) {
  auto profile = layout::BuiltinProfile("products");
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  layout::Layout products(*profile);
  auto missing = ResolveCheckScope(*store_, repo_, &products, "", "abc");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("no entity 'abc' in repository "
                                            "repo"),
            std::string::npos)
      << missing.status().message();
  EXPECT_NE(missing.status().message().find("tidemark entities repo"),
            std::string::npos);

  auto no_layout = ResolveCheckScope(*store_, repo_, nullptr, "", "abc");
  ASSERT_FALSE(no_layout.ok());
  EXPECT_EQ(no_layout.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_layout.status().message().find("needs a layout"),
            std::string::npos);

  auto scope = ResolveCheckScope(*store_, repo_, nullptr, "a//b/", "");
  ASSERT_TRUE(scope.ok());
  EXPECT_EQ(*scope, "a/b");
  // Absolute means nothing below a repository root: refused, not guessed.
  auto absolute = ResolveCheckScope(*store_, repo_, nullptr, "/a/b", "");
  ASSERT_FALSE(absolute.ok());
  EXPECT_EQ(absolute.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(absolute.status().message().find("absolute"), std::string::npos);
  EXPECT_FALSE(ResolveCheckScope(*store_, repo_, nullptr, "a/../b", "").ok());
}

TEST_P(DriftTest, EntityScopeIsTheFolderOfTheTopLevelEntity) {
  auto profile = layout::BuiltinProfile("products");
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  layout::Layout products(*profile);
  std::string top_kind;
  for (const auto& rule : products.profile().rules) {
    if (rule.parent.empty()) top_kind = rule.kind;
  }
  auto tx = store_->Begin();
  ASSERT_TRUE(tx.ok());
  std::vector<Entity> entities(1);
  entities[0].repository_id = repo_.id;
  entities[0].kind = top_kind;
  entities[0].key = "abc-123";
  entities[0].path = "products/abc-123";
  ASSERT_TRUE((*tx)->UpsertEntities(entities).ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  auto scope = ResolveCheckScope(*store_, repo_, &products, "", "abc-123");
  ASSERT_TRUE(scope.ok()) << scope.status().ToString();
  EXPECT_EQ(*scope, "products/abc-123");
}

INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(DriftTest);

}  // namespace
}  // namespace tidemark
