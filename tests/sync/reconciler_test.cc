// The reconciler over every combination of storage backend and catalog store
// (real and fake), plus fault-injection cases on the in-memory fakes.
#include "sync/reconciler.h"

#include <gtest/gtest.h>

#include <map>

#include "catalog/store_factories.h"
#include "fakes/fake_clock.h"
#include "fakes/faulty_storage.h"
#include "fakes/memory_catalog.h"
#include "fakes/memory_storage.h"
#include "sync/hasher.h"
#include "testing/backend_catalog_fixture.h"

namespace tidemark {
namespace {

// The scan under test, with its collaborators.
struct Harness {
  // Registers a repository "repo", or reuses `existing`.
  Harness(StorageBackend& backend, CatalogStore& store,
          const Repository* existing = nullptr)
      : backend(backend), store(store), gateway(store, clock) {
    if (existing != nullptr) {
      repo = *existing;
    } else {
      auto added = gateway.AddRepository("repo", backend.RootUrl(), "{}");
      EXPECT_TRUE(added.ok()) << added.status().ToString();
      if (added.ok()) repo = *added;
    }
    options.batch_size = 2;  // many batches even in small tests
  }

  ReconcileReport Scan() {
    Reconciler reconciler(backend, store, gateway);
    auto report = reconciler.Run(repo, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : ReconcileReport{};
  }

  std::map<std::string, FileRecord> Records() {
    return RecordsByPath(store, repo.id);
  }

  StorageBackend& backend;
  CatalogStore& store;
  FakeClock clock;
  Gateway gateway;
  Repository repo;
  ReconcileOptions options;
};

// The fixture's Gateway registers "repo"; each case scans it through a
// Harness of its own.
class ReconcilerTest : public BackendCatalogTest {
 protected:
  void SetUp() override {
    BackendCatalogTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    h_ = std::make_unique<Harness>(*backend_, *store_, &repo_);
  }
  void TearDown() override {
    h_.reset();
    BackendCatalogTest::TearDown();
  }

  std::unique_ptr<Harness> h_;
};

TEST_P(ReconcilerTest, ColdScanCatalogsAndHashesEveryFile) {
  Put("a/one.jpg", "one");
  Put("a/b/two.jpg", "two!");
  Put("three.jpg", "3");
  Put("a/.hidden", "x");
  Put("a/upload.tmp", "x");
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.status, OperationStatus::kCompleted);
  EXPECT_EQ(report.operation.counters.scanned, 5);  // no filter configured
  EXPECT_EQ(report.operation.counters.added, 5);
  auto records = h_->Records();
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records["a/b/two.jpg"].size, 4);
  EXPECT_EQ(records["a/b/two.jpg"].content_hash,
            HashBytes("two!", HashAlgorithm::kSha256));
  EXPECT_EQ(records["a/b/two.jpg"].hash_algorithm, HashAlgorithm::kSha256);
  EXPECT_EQ(records["three.jpg"].scan_generation, 1);
}

TEST_P(ReconcilerTest, FilterLeavesIgnoredFilesOut) {
  Put("a/one.jpg", "one");
  Put("a/.hidden", "x");
  Put("a/upload.tmp", "x");
  Put("cache/c.jpg", "x");
  FilterConfig config;
  config.exclude = {"cache/**"};
  auto rules = PathFilterRules::Create(config);
  ASSERT_TRUE(rules.ok());
  h_->options.filter = &*rules;
  h_->Scan();
  auto records = h_->Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records.contains("a/one.jpg"));
}

TEST_P(ReconcilerTest, RescanWithoutChangesWritesNothing) {
  for (int i = 0; i < 9; ++i) Put("d/f" + std::to_string(i), "x");
  h_->Scan();
  ReconcileReport again = h_->Scan();
  EXPECT_EQ(again.rows_written, 0);
  EXPECT_EQ(again.operation.counters.scanned, 9);
  EXPECT_EQ(again.operation.counters.added, 0);
  EXPECT_EQ(again.operation.counters.updated, 0);
  EXPECT_EQ(again.operation.status, OperationStatus::kCompleted);
}

TEST_P(ReconcilerTest, ChangedFileIsRehashedInPlace) {
  Put("a.txt", "old");
  Put("b.txt", "same");
  h_->Scan();
  const int64_t id = h_->Records()["a.txt"].id;
  Put("a.txt", "new content");
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.counters.updated, 1);
  EXPECT_EQ(report.rows_written, 1);
  auto records = h_->Records();
  EXPECT_EQ(records["a.txt"].id, id);
  EXPECT_EQ(records["a.txt"].size, 11);
  EXPECT_EQ(records["a.txt"].content_hash,
            HashBytes("new content", HashAlgorithm::kSha256));
}

TEST_P(ReconcilerTest, MoveKeepsTheRecordAndItsHash) {
  Put("old/photo.jpg", "pixels");
  Put("keep1", "k");
  Put("keep2", "k");
  h_->Scan();
  const FileRecord before = h_->Records()["old/photo.jpg"];
  ASSERT_TRUE(backend_->Move("old/photo.jpg", "new/place/photo.jpg").ok());
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.counters.moved, 1);
  EXPECT_EQ(report.operation.counters.added, 0);
  EXPECT_EQ(report.operation.counters.removed, 0);
  auto records = h_->Records();
  ASSERT_EQ(records.size(), 3u);
  const FileRecord& after = records["new/place/photo.jpg"];
  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.content_hash, before.content_hash);
  EXPECT_EQ(after.created_at_ns, before.created_at_ns);
}

TEST_P(ReconcilerTest, MoveToAnEarlierPathIsAlsoAMove) {
  Put("z/photo.jpg", "pixels");
  Put("keep1", "k");
  Put("keep2", "k");
  h_->Scan();
  const int64_t id = h_->Records()["z/photo.jpg"].id;
  ASSERT_TRUE(backend_->Move("z/photo.jpg", "a/photo.jpg").ok());
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.counters.moved, 1);
  auto records = h_->Records();
  EXPECT_EQ(records.size(), 3u);
  EXPECT_EQ(records["a/photo.jpg"].id, id);
}

TEST_P(ReconcilerTest, DeletedFileIsRemovedAfterACompleteWalk) {
  Put("a", "1");
  Put("b", "2");
  Put("c", "3");
  h_->Scan();
  ASSERT_TRUE(backend_->Remove("b").ok());
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.counters.removed, 1);
  EXPECT_EQ(report.operation.status, OperationStatus::kCompleted);
  EXPECT_FALSE(h_->Records().contains("b"));
}

TEST_P(ReconcilerTest, MassDisappearanceIsPausedUntilConfirmed) {
  for (const char* p : {"a", "b", "c", "d"}) Put(p, "x");
  h_->Scan();
  for (const char* p : {"a", "b", "c"}) ASSERT_TRUE(backend_->Remove(p).ok());
  ReconcileReport paused = h_->Scan();
  EXPECT_EQ(paused.operation.status, OperationStatus::kPartial);
  EXPECT_EQ(paused.removals_deferred, 3);
  EXPECT_NE(paused.removal_pause_reason.find("--allow-mass-removal"),
            std::string::npos);
  EXPECT_EQ(h_->Records().size(), 4u);
  h_->options.allow_mass_removal = true;
  ReconcileReport confirmed = h_->Scan();
  EXPECT_EQ(confirmed.operation.counters.removed, 3);
  EXPECT_EQ(h_->Records().size(), 1u);
}

TEST_P(ReconcilerTest, EmptyListingNeverEmptiesTheCatalog) {
  Put("only/file", "x");
  Put("only/other", "y");
  Put("third", "z");
  h_->Scan();
  for (const char* p : {"only/file", "only/other", "third"}) {
    ASSERT_TRUE(backend_->Remove(p).ok());
  }
  h_->options.mass_removal_threshold = 1.0;  // even then: empty listing
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.removals_deferred, 3);
  EXPECT_EQ(h_->Records().size(), 3u);
}

TEST_P(ReconcilerTest, ScopedScanTouchesOnlyItsScope) {
  for (const char* p : {"a/1", "a/2", "a0", "b/3", "b/4", "c"}) Put(p, "x");
  h_->Scan();
  const int64_t complete = h_->repo.last_complete_generation;
  Put("a/1", "changed");
  Put("a/new", "n");
  ASSERT_TRUE(backend_->Remove("a/2").ok());
  ASSERT_TRUE(backend_->Remove("b/3").ok());  // outside: not looked at
  Put("a0", "also outside");
  h_->options.scope = "a";
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.status, OperationStatus::kCompleted)
      << report.operation.error_message;
  EXPECT_EQ(report.operation.counters.scanned, 2);
  EXPECT_EQ(report.operation.counters.added, 1);
  EXPECT_EQ(report.operation.counters.updated, 1);
  EXPECT_EQ(report.operation.counters.removed, 1);
  auto records = h_->Records();
  EXPECT_TRUE(records.contains("a/new"));
  EXPECT_FALSE(records.contains("a/2"));
  EXPECT_TRUE(records.contains("b/3"));
  EXPECT_EQ(records["a0"].size, 1);  // unchanged: outside the scope
  // A scoped scan does not vouch for the whole repository.
  EXPECT_EQ(h_->repo.last_complete_generation, complete);
}

TEST_P(ReconcilerTest, ScopedScanSeesAMoveIntoTheScope) {
  for (const char* p : {"x/photo.jpg", "k1", "k2", "k3"}) Put(p, "pixels");
  h_->Scan();
  const int64_t id = h_->Records()["x/photo.jpg"].id;
  ASSERT_TRUE(backend_->Move("x/photo.jpg", "album/photo.jpg").ok());
  h_->options.scope = "album";
  ReconcileReport report = h_->Scan();
  auto records = h_->Records();
  if (backend_->Capabilities().has_inodes) {
    EXPECT_EQ(report.operation.counters.moved, 1);
    EXPECT_EQ(records["album/photo.jpg"].id, id);
    EXPECT_FALSE(records.contains("x/photo.jpg"));
  } else {
    EXPECT_EQ(report.operation.counters.added, 1);
    EXPECT_TRUE(records.contains("album/photo.jpg"));
  }
}

TEST_P(ReconcilerTest, ScopeThatListsEmptyPausesItsRemovals) {
  for (const char* p : {"gone/1", "gone/2", "k1", "k2", "k3", "k4", "k5"}) {
    Put(p, "x");
  }
  h_->Scan();
  ASSERT_TRUE(backend_->Remove("gone/1").ok());
  ASSERT_TRUE(backend_->Remove("gone/2").ok());
  h_->options.scope = "gone";
  ReconcileReport paused = h_->Scan();
  EXPECT_EQ(paused.operation.status, OperationStatus::kPartial);
  EXPECT_EQ(paused.removals_deferred, 2);
  EXPECT_NE(paused.removal_pause_reason.find("the scope listed empty"),
            std::string::npos)
      << paused.removal_pause_reason;
  EXPECT_EQ(h_->Records().size(), 7u);
  h_->options.allow_mass_removal = true;
  ReconcileReport confirmed = h_->Scan();
  EXPECT_EQ(confirmed.operation.counters.removed, 2);
  EXPECT_EQ(h_->Records().size(), 5u);
}

TEST_P(ReconcilerTest, TinyAndLargeBatchesGiveTheSameCatalog) {
  for (int i = 0; i < 50; ++i) {
    Put("d" + std::to_string(i % 7) + "/f" + std::to_string(i),
        std::string(static_cast<size_t>(i), 'x'));
  }
  h_->options.batch_size = 1;
  h_->Scan();
  auto small = h_->Records();
  ASSERT_EQ(small.size(), 50u);
  MemoryCatalog other;
  Harness big(*backend_, other);
  big.options.batch_size = 10'000;
  big.Scan();
  auto large = big.Records();
  ASSERT_EQ(large.size(), small.size());
  for (const auto& [path, r] : small) {
    EXPECT_EQ(large[path].content_hash, r.content_hash) << path;
    EXPECT_EQ(large[path].size, r.size) << path;
  }
}

TEST_P(ReconcilerTest, NonUtf8NamesRoundTrip) {
  const std::string name = std::string("dir/\xff\xfe-") + "\x80.jpg";
  Put(name, "raw");
  Put("keep", "k");
  Put("keep2", "k");
  h_->Scan();
  auto records = h_->Records();
  ASSERT_TRUE(records.contains(name));
  EXPECT_EQ(h_->Scan().rows_written, 0);
  ASSERT_TRUE(backend_->Remove(name).ok());
  h_->Scan();
  EXPECT_FALSE(h_->Records().contains(name));
}

TEST_P(ReconcilerTest, ChangesArePublishedToSubscribers) {
  int64_t added = 0;
  h_->gateway.Subscribe([&](const ChangeBatch& b) { added += b.added; });
  Put("a", "1");
  Put("b", "2");
  Put("c", "3");
  h_->Scan();
  EXPECT_EQ(added, 3);
}

INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(ReconcilerTest);

// Faults injected at the storage seam, over every catalog store.
class ReconcilerFaultTest
    : public ::testing::TestWithParam<CatalogStoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) GTEST_SKIP() << *GetParam().skip_reason;
    auto store = GetParam().open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    h_ = std::make_unique<Harness>(storage_, *store_);
  }
  ScopedTempDir dir_;
  MemoryStorage storage_;
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<Harness> h_;
};

TEST_P(ReconcilerFaultTest, UnreachableRootMarksOfflineAndTouchesNoRecord) {
  storage_.PutFile("a", "1", 1);
  storage_.PutFile("b", "2", 1);
  h_->Scan();
  storage_.SetRootAvailable(false);
  ReconcileReport report = h_->Scan();
  EXPECT_TRUE(report.offline);
  EXPECT_EQ(report.operation.status, OperationStatus::kFailed);
  EXPECT_EQ(h_->Records().size(), 2u);
  auto repo = store_->FindRepository("repo");
  ASSERT_TRUE(repo.ok() && repo->has_value());
  EXPECT_EQ((*repo)->state, RepositoryState::kOffline);
  EXPECT_FALSE((*repo)->state_reason.empty());
  storage_.SetRootAvailable(true);
  EXPECT_EQ(h_->Scan().operation.status, OperationStatus::kCompleted);
  repo = store_->FindRepository("repo");
  EXPECT_EQ((*repo)->state, RepositoryState::kOnline);
}

TEST_P(ReconcilerFaultTest, UnreadableSubtreeKeepsItsRecordsAndDefersRemovals) {
  storage_.PutFile("locked/a", "1", 1);
  storage_.PutFile("locked/b", "2", 1);
  storage_.PutFile("open/c", "3", 1);
  storage_.PutFile("open/d", "4", 1);
  storage_.PutFile("open/e", "5", 1);
  h_->Scan();
  storage_.InjectListError("locked", Status::PermissionDenied("denied"));
  ASSERT_TRUE(storage_.Remove("open/c").ok());
  storage_.PutFile("open/new", "6", 1);
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.status, OperationStatus::kPartial);
  EXPECT_EQ(report.operation.counters.added, 1);
  EXPECT_EQ(report.operation.counters.removed, 0);
  EXPECT_EQ(report.removals_deferred, 1);
  auto records = h_->Records();
  EXPECT_TRUE(records.contains("locked/a"));
  EXPECT_TRUE(records.contains("locked/b"));
  EXPECT_TRUE(records.contains("open/c"));  // deferred, not lost
  EXPECT_TRUE(records.contains("open/new"));
  EXPECT_FALSE(report.warnings.empty());
  storage_.InjectListError("locked", Status::Ok());
  ReconcileReport healed = h_->Scan();
  EXPECT_EQ(healed.operation.status, OperationStatus::kCompleted);
  EXPECT_FALSE(h_->Records().contains("open/c"));
}

// A file moved into a directory that cannot be listed looks, to the walk,
// like a file deleted; its record must stay so that the move is found (by
// inode) once the directory can be listed again.
TEST_P(ReconcilerFaultTest, FileMovedIntoAnUnlistedSubtreeKeepsItsRecord) {
  storage_.PutFile("locked/a", "1", 1);
  storage_.PutFile("open/moved", "pixels", 1);
  for (const char* kept : {"open/k1", "open/k2", "open/k3"}) {
    storage_.PutFile(kept, "k", 1);
  }
  h_->Scan();
  const FileRecord before = h_->Records()["open/moved"];
  storage_.InjectListError("locked", Status::PermissionDenied("denied"));
  ASSERT_TRUE(storage_.Move("open/moved", "locked/moved").ok());
  for (int i = 0; i < 2; ++i) {
    ReconcileReport report = h_->Scan();
    EXPECT_EQ(report.operation.status, OperationStatus::kPartial);
    EXPECT_EQ(report.operation.counters.removed, 0);
    EXPECT_EQ(report.removals_deferred, 1);
    EXPECT_NE(report.operation.error_message.find("'locked'"),
              std::string::npos)
        << report.operation.error_message;
    EXPECT_EQ(h_->Records()["open/moved"].id, before.id);
  }
  storage_.InjectListError("locked", Status::Ok());
  ReconcileReport healed = h_->Scan();
  EXPECT_EQ(healed.operation.status, OperationStatus::kCompleted);
  EXPECT_EQ(healed.operation.counters.moved, 1);
  EXPECT_EQ(healed.operation.counters.added, 0);
  EXPECT_EQ(healed.operation.counters.removed, 0);
  auto records = h_->Records();
  EXPECT_FALSE(records.contains("open/moved"));
  ASSERT_TRUE(records.contains("locked/moved"));
  EXPECT_EQ(records["locked/moved"].id, before.id);
  EXPECT_EQ(records["locked/moved"].content_hash, before.content_hash);
}

// A rename keeps the device: a record of another filesystem cannot be
// hiding in the unlisted directory, so its removal is not held back...
TEST_P(ReconcilerFaultTest, GoneRecordOfAnotherDeviceIsRemovedDespiteIt) {
  storage_.MountDevice("media", 2);
  storage_.PutFile("locked/a", "1", 1);
  storage_.PutFile("open/c", "3", 1);
  storage_.PutFile("media/x", "4", 1);
  for (const char* kept : {"open/k1", "open/k2", "media/k3", "media/k4"}) {
    storage_.PutFile(kept, "k", 1);
  }
  h_->Scan();
  ASSERT_EQ(h_->Records()["media/x"].device, 2u);
  storage_.InjectListError("locked", Status::PermissionDenied("denied"));
  ASSERT_TRUE(storage_.Remove("open/c").ok());
  ASSERT_TRUE(storage_.Remove("media/x").ok());
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.status, OperationStatus::kPartial);
  EXPECT_EQ(report.operation.counters.removed, 1);
  EXPECT_EQ(report.removals_deferred, 1);
  auto records = h_->Records();
  EXPECT_FALSE(records.contains("media/x"));
  EXPECT_TRUE(records.contains("open/c"));  // could be in 'locked'
  EXPECT_TRUE(records.contains("locked/a"));
}

// ...unless another filesystem is mounted below that directory, or the
// directory's device is unknown: then any record may be hiding there.
TEST_P(ReconcilerFaultTest, GoneRecordOfAnyDeviceIsKeptWhenAMountIsBelowIt) {
  storage_.MountDevice("media", 2);
  storage_.MountDevice("locked/usb", 2);
  storage_.PutFile("locked/usb/a", "1", 1);
  storage_.PutFile("media/x", "4", 1);
  for (const char* kept : {"open/k1", "open/k2", "media/k3", "media/k4"}) {
    storage_.PutFile(kept, "k", 1);
  }
  h_->Scan();
  storage_.InjectListError("locked", Status::PermissionDenied("denied"));
  ASSERT_TRUE(storage_.Remove("media/x").ok());
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.status, OperationStatus::kPartial);
  EXPECT_EQ(report.operation.counters.removed, 0);
  EXPECT_EQ(report.removals_deferred, 1);
  EXPECT_TRUE(h_->Records().contains("media/x"));
}

// A daemon's rescan of a directory it could not watch: a scope that cannot
// be read is a partial scan that keeps its records, not an offline root.
TEST_P(ReconcilerFaultTest, ScopeThatCannotBeReadIsPartialNotOffline) {
  storage_.PutFile("locked/a", "1", 1);
  storage_.PutFile("open/b", "2", 1);
  h_->Scan();
  storage_.InjectListError("locked", Status::PermissionDenied("denied"));
  h_->options.scope = "locked";
  ReconcileReport report = h_->Scan();
  EXPECT_FALSE(report.offline);
  EXPECT_EQ(report.operation.status, OperationStatus::kPartial);
  EXPECT_EQ(report.operation.counters.errors, 1);
  EXPECT_EQ(h_->Records().size(), 2u);
  auto repo = store_->FindRepository("repo");
  ASSERT_TRUE(repo.ok() && repo->has_value());
  EXPECT_EQ((*repo)->state, RepositoryState::kOnline);
}

TEST_P(ReconcilerFaultTest, FileVanishingBeforeHashIsNotAdded) {
  storage_.PutFile("stays", "1", 1);
  storage_.PutFile("vanishes", "2", 1);
  storage_.SetBeforeOpenHook([&](std::string_view path) {
    if (path == "vanishes") (void)storage_.Remove("vanishes");
  });
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.status, OperationStatus::kCompleted);
  EXPECT_EQ(report.operation.counters.errors, 0);
  auto records = h_->Records();
  EXPECT_TRUE(records.contains("stays"));
  EXPECT_FALSE(records.contains("vanishes"));
}

TEST_P(ReconcilerFaultTest, FileChangingBeforeHashIsRecordedAsReadNotAsListed) {
  storage_.PutFile("grows", "1", 1);
  storage_.SetBeforeOpenHook([&](std::string_view path) {
    if (path == "grows") storage_.PutFile("grows", "longer", 2);
  });
  h_->Scan();
  auto records = h_->Records();
  ASSERT_TRUE(records.contains("grows"));
  EXPECT_EQ(records["grows"].size, 6);  // the hash and size belong together
  EXPECT_EQ(records["grows"].content_hash,
            HashBytes("longer", HashAlgorithm::kSha256));
}

TEST_P(ReconcilerFaultTest, MoveIsNotRehashed) {
  storage_.PutFile("a/photo", "pixels", 5);
  storage_.PutFile("k1", "k", 5);
  storage_.PutFile("k2", "k", 5);
  h_->Scan();
  ASSERT_TRUE(storage_.Move("a/photo", "b/photo").ok());
  int opens = 0;
  storage_.SetBeforeOpenHook([&](std::string_view) { ++opens; });
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.counters.moved, 1);
  EXPECT_EQ(opens, 0);
}

TEST_P(ReconcilerFaultTest, ReplacedOldPathMeansAnAddNotAMove) {
  // The file moves away and a new file takes its old path: both paths must
  // keep a record, and no record may be claimed by both.
  storage_.PutFile("a", "same", 5);
  storage_.PutFile("k1", "k", 5);
  h_->Scan();
  FileRecord a = h_->Records()["a"];
  ASSERT_TRUE(storage_.Move("a", "b").ok());
  storage_.PutFile("a", "same", 5);
  ReconcileReport report = h_->Scan();
  auto records = h_->Records();
  EXPECT_EQ(records.size(), 3u);
  EXPECT_EQ(records["a"].id, a.id);
  EXPECT_NE(records["b"].id, a.id);
  EXPECT_EQ(records["b"].content_hash, a.content_hash);
  EXPECT_EQ(report.operation.counters.moved, 0);
  EXPECT_EQ(report.operation.counters.added, 1);
}

TEST_P(ReconcilerFaultTest, RenamingMostOfTheTreeIsMovesNotAMassRemoval) {
  // The old paths sort before the new ones, so they are passed (as gone
  // candidates) before the moves are found; they must not count as removals.
  for (int i = 0; i < 4; ++i) {
    storage_.PutFile("a/f" + std::to_string(i), std::to_string(i), 5);
  }
  storage_.PutFile("k", "k", 5);
  h_->Scan();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        storage_.Move("a/f" + std::to_string(i), "z/f" + std::to_string(i))
            .ok());
  }
  ReconcileReport report = h_->Scan();
  EXPECT_EQ(report.operation.status, OperationStatus::kCompleted);
  EXPECT_EQ(report.operation.counters.moved, 4);
  EXPECT_EQ(report.operation.counters.removed, 0);
  EXPECT_EQ(report.removals_deferred, 0);
  EXPECT_EQ(h_->Records().size(), 5u);
}

TEST_P(ReconcilerFaultTest, RemovalIsConfirmedAgainstStorageFirst) {
  storage_.PutFile("a", "1", 5);
  storage_.PutFile("b", "2", 5);
  storage_.PutFile("c", "3", 5);
  h_->Scan();
  // A stale listing misses "b", though the file is there.
  FaultyStorage stale(storage_);
  stale.HideFromListing("b");
  Harness h(stale, *store_, &h_->repo);
  ReconcileReport report = h.Scan();
  EXPECT_EQ(report.operation.counters.removed, 0);
  EXPECT_TRUE(h_->Records().contains("b"));
}

TEST_P(ReconcilerFaultTest, StorageLostMidWalkMarksOfflineAndRemovesNothing) {
  for (const char* p : {"a", "b", "c", "d"}) storage_.PutFile(p, "x", 5);
  h_->Scan();
  ASSERT_TRUE(storage_.Remove("a").ok());
  FaultyStorage failing(storage_);
  failing.FailListingAfter(1, Status::Unavailable("transport endpoint lost"));
  Harness h(failing, *store_, &h_->repo);
  ReconcileReport report = h.Scan();
  EXPECT_EQ(report.operation.status, OperationStatus::kFailed);
  EXPECT_TRUE(report.offline);
  EXPECT_EQ(h_->Records().size(), 4u);
  auto repo = store_->FindRepository("repo");
  ASSERT_TRUE(repo.ok() && repo->has_value());
  EXPECT_EQ((*repo)->state, RepositoryState::kOffline);
}

INSTANTIATE_TEST_SUITE_P(Stores, ReconcilerFaultTest,
                         ::testing::ValuesIn(AllCatalogStoreFactories()),
                         [](const auto& info) { return info.param.name; });

TEST(ReconcilerCatalogFaultTest,
     CatalogFailureMidScanLosesNothingAndConverges) {
  MemoryStorage storage;
  for (int i = 0; i < 20; ++i) {
    storage.PutFile("f" + std::to_string(100 + i), "x", 1);
  }
  MemoryCatalog store;
  Harness h(storage, store);
  store.FailCommitsAfter(5, Status::Unavailable("database went away"));
  Reconciler reconciler(storage, store, h.gateway);
  auto report = reconciler.Run(h.repo, h.options);
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.status().IsUnavailable());
  store.FailCommitsAfter(1'000'000, Status::Ok());
  ReconcileReport healed = h.Scan();
  EXPECT_NE(healed.operation.status, OperationStatus::kFailed);
  EXPECT_EQ(h.Records().size(), 20u);
}

}  // namespace
}  // namespace tidemark
