// Leftovers of interrupted writes (writes/leftovers.h), over every backend
// and store: each crash point of a replace is rebuilt on storage with the
// names a killed writer would have left, and the next write in the folder
// must settle it by the table (remove, put back, or keep and report), the
// scan must report it without cataloguing it, and nothing is ever taken
// from a writer that still runs or cannot be identified.
#include <algorithm>

#include "common/paths.h"
#include "common/writer_files.h"
#include "sync/hasher.h"
#include "testing/writer_identities.h"
#include "writer_fixture.h"

namespace tidemark {
namespace {

constexpr char kPhoto[] = "products/p1/hero.jpg";
constexpr char kPhotoFolder[] = "products/p1";

// A temporary of `writer`, numbered far beyond what this process's own
// writes reach: the live writer is this process, and its next temporary
// (numbered from 0 in a fresh process, as ctest runs each case) must not
// be the file a case laid out (that Put would fail with EEXIST).
std::string TempIn(const std::string& folder, const ProcessIdentity& writer) {
  return JoinPath(folder, TemporaryName(writer, 1'000'000'000));
}

std::string OldCopyOf(const std::string& path, const ProcessIdentity& writer) {
  return JoinPath(DirName(path), OldCopyName(BaseName(path), writer, 2));
}

class LeftoversTest : public WriterTest {
 protected:
  // The next write in the folder: an upload of another file there.
  UploadResult NextWrite(const std::string& name = "next.jpg") {
    auto result = Writer().Upload(JoinPath(kPhotoFolder, name), "next");
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : UploadResult{};
  }
  // The old copy a killed replace of kPhoto left, made the way the writer
  // makes it.
  std::string CopyAside(const ProcessIdentity& writer) {
    const std::string aside = OldCopyOf(kPhoto, writer);
    EXPECT_TRUE(backend_->Copy(kPhoto, aside).ok());
    return aside;
  }
};

TEST_P(LeftoversTest, TheNextWriteRemovesADeadWritersPartialUpload) {
  ASSERT_TRUE(Writer().Upload(kPhoto, "pixels").ok());
  const std::string partial = TempIn(kPhotoFolder, DeadWriter());
  const std::string elsewhere = TempIn("other", DeadWriter());
  Put(partial, "half an upl");
  Put(elsewhere, "half");

  UploadResult next = NextWrite();
  EXPECT_EQ(next.leftovers.removed, std::vector<std::string>{partial});
  EXPECT_FALSE(Exists(partial));
  EXPECT_TRUE(Exists(elsewhere)) << "only the folder written is settled";
  EXPECT_EQ(Content(kPhoto), "pixels");
  EXPECT_EQ(RecordPaths(), (std::vector<std::string>{"products/p1/hero.jpg",
                                                     "products/p1/next.jpg"}));
}

TEST_P(LeftoversTest, WorkInProgressAndUnknownWritersAreNeverTouched) {
  const std::string live = TempIn(kPhotoFolder, LiveWriter());
  const std::string unknown = TempIn(kPhotoFolder, UnknownWriter());
  const std::string older = JoinPath(kPhotoFolder, ".tidemark-4242-0-99.tmp");
  Put(live, "being written");
  Put(unknown, "someone else's");
  Put(older, "an older tidemark's");

  UploadResult next = NextWrite();
  EXPECT_TRUE(next.leftovers.removed.empty());
  std::vector<std::string> kept;
  for (const Leftover& l : next.leftovers.kept) {
    kept.push_back(l.path);
    EXPECT_FALSE(l.writer_gone) << l.path;
  }
  std::sort(kept.begin(), kept.end());
  std::vector<std::string> expected = {unknown, older};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(kept, expected) << "a live writer's file is not a leftover";
  EXPECT_TRUE(Exists(live));
  EXPECT_TRUE(Exists(unknown));
  EXPECT_TRUE(Exists(older));
  EXPECT_EQ(next.warnings.size(), 2u) << "each kept one is reported";

  // On request, unknown writers' leftovers go too; a live one never.
  auto found = FindLeftovers(*backend_, *store_, repo_, kPhotoFolder, false,
                             nullptr, &next.warnings);
  ASSERT_TRUE(found.ok());
  LeftoverOutcome forced = SettleLeftovers(*backend_, *found, true, false);
  EXPECT_EQ(forced.removed.size(), 2u);
  EXPECT_TRUE(Exists(live));
  EXPECT_FALSE(Exists(unknown));
}

// Killed between the copy and the new content landing: the old copy is a
// second link to the file at the path.
TEST_P(LeftoversTest, AnOldCopyOfTheCurrentFileIsRemoved) {
  ASSERT_TRUE(Writer().Upload(kPhoto, "old pixels").ok());
  const std::string aside = CopyAside(DeadWriter());
  Put(TempIn(kPhotoFolder, DeadWriter()), "new pix");

  UploadResult next = NextWrite();
  EXPECT_EQ(next.leftovers.removed.size(), 2u);
  EXPECT_FALSE(Exists(aside));
  EXPECT_EQ(Content(kPhoto), "old pixels");
  EXPECT_EQ(Objects(), (std::vector<std::string>{"products/p1/hero.jpg",
                                                 "products/p1/next.jpg"}));
}

// Killed after the new content was recorded, before the old copy went.
TEST_P(LeftoversTest, AnOldCopyOfARecordedReplaceIsRemoved) {
  ASSERT_TRUE(Writer().Upload(kPhoto, "old pixels").ok());
  const std::string aside = CopyAside(DeadWriter());
  ASSERT_TRUE(backend_->Write(kPhoto, "new pixels!").ok());
  Scan();  // the record follows the new content
  ASSERT_EQ(Records()[kPhoto].size, 11);

  auto removed = Writer().Delete("products/p1/hero.jpg");  // any write there
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(removed->leftovers.removed, std::vector<std::string>{aside});
  EXPECT_EQ(Objects(), std::vector<std::string>{});
}

// Killed while a failed replace was being undone: the path is empty and
// its record describes the old copy, which goes back.
TEST_P(LeftoversTest, AnOldCopyWhosePathIsEmptyGoesBack) {
  ASSERT_TRUE(Writer().Upload(kPhoto, "old pixels").ok());
  const FileRecord before = Records()[kPhoto];
  const std::string aside = CopyAside(DeadWriter());
  ASSERT_TRUE(backend_->Remove(kPhoto).ok());

  UploadResult next = NextWrite();
  ASSERT_EQ(next.leftovers.restored.size(), 1u);
  EXPECT_EQ(next.leftovers.restored[0].path, aside);
  EXPECT_EQ(next.leftovers.restored[0].original, kPhoto);
  EXPECT_FALSE(Exists(aside));
  EXPECT_EQ(Content(kPhoto), "old pixels");
  const FileRecord after = Records()[kPhoto];
  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.inode, before.inode) << "the very object is back";
  Scan();
  EXPECT_EQ(LastOperation().counters.updated, 0) << "catalog and storage agree";
}

// Killed after the new content landed, before its record: the record
// still describes the old copy, so neither side may be dropped silently.
TEST_P(LeftoversTest, AnInterruptedReplaceIsKeptUntilItsContentIsRecorded) {
  ASSERT_TRUE(Writer().Upload(kPhoto, "old pixels").ok());
  const std::string aside = CopyAside(DeadWriter());
  ASSERT_TRUE(backend_->Write(kPhoto, "new pixels!").ok());

  UploadResult next = NextWrite();
  ASSERT_EQ(next.leftovers.kept.size(), 1u);
  const Leftover& kept = next.leftovers.kept[0];
  EXPECT_EQ(kept.path, aside);
  EXPECT_EQ(kept.original, kPhoto);
  EXPECT_TRUE(kept.writer_gone);
  EXPECT_EQ(kept.action, LeftoverAction::kKeep);
  EXPECT_NE(kept.reason.find("interrupted replace"), std::string::npos)
      << kept.reason;
  EXPECT_EQ(Content(aside), "old pixels");
  EXPECT_EQ(Content(kPhoto), "new pixels!");

  // Once a scan records the new content, the old copy is the content a
  // recorded replace replaced.
  Scan();
  UploadResult later = NextWrite("later.jpg");
  EXPECT_EQ(later.leftovers.removed, std::vector<std::string>{aside});
  EXPECT_TRUE(later.leftovers.kept.empty());
}

TEST_P(LeftoversTest, AnOldCopyNoRecordDescribesIsKept) {
  Put(kPhoto, "never catalogued");
  const std::string aside = CopyAside(DeadWriter());
  ASSERT_TRUE(backend_->Write(kPhoto, "replaced").ok());
  UploadResult next = NextWrite();
  ASSERT_EQ(next.leftovers.kept.size(), 1u);
  EXPECT_NE(next.leftovers.kept[0].reason.find("no record"), std::string::npos);
  EXPECT_TRUE(Exists(aside));
}

TEST_P(LeftoversTest, DryRunsSayWhatTheyWouldDoAndDoNothing) {
  ASSERT_TRUE(Writer().Upload(kPhoto, "pixels").ok());
  const std::string partial = TempIn(kPhotoFolder, DeadWriter());
  Put(partial, "half");
  options_.dry_run = true;
  auto plan = Writer().Upload(JoinPath(kPhotoFolder, "next.jpg"), "next");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->leftovers.removed, std::vector<std::string>{partial});
  auto rm_plan = Writer().DeletePrefix("products");
  ASSERT_TRUE(rm_plan.ok());
  EXPECT_EQ(rm_plan->leftovers.removed, std::vector<std::string>{partial});
  EXPECT_TRUE(Exists(partial));
}

TEST_P(LeftoversTest, RmAndMvOfAFolderSettleEverythingBelowItFirst) {
  ASSERT_TRUE(Writer().Upload(kPhoto, "old pixels").ok());
  ASSERT_TRUE(Writer().Upload("products/p1/sub/a.jpg", "a").ok());
  const std::string deep = TempIn("products/p1/sub", DeadWriter());
  Put(deep, "partial");
  const std::string aside = CopyAside(DeadWriter());

  auto moved = Writer().MovePrefix("products/p1", "products/p9");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->leftovers.removed.size(), 2u);
  EXPECT_TRUE(moved->left_alone.empty());
  EXPECT_EQ(Objects(), (std::vector<std::string>{"products/p9/hero.jpg",
                                                 "products/p9/sub/a.jpg"}));

  const std::string later = TempIn("products/p9/sub", DeadWriter());
  Put(later, "partial");
  auto removed = Writer().DeletePrefix("products/p9");
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(removed->leftovers.removed, std::vector<std::string>{later});
  EXPECT_TRUE(removed->left_alone.empty()) << "reported as leftovers";
  EXPECT_EQ(Objects(), std::vector<std::string>{});
  EXPECT_EQ(RecordPaths(), std::vector<std::string>{});
}

TEST_P(LeftoversTest, AScanReportsLeftoversAndNeverCataloguesThem) {
  ASSERT_TRUE(Writer().Upload(kPhoto, "pixels").ok());
  const std::string dead = TempIn(kPhotoFolder, DeadWriter());
  const std::string live = TempIn(kPhotoFolder, LiveWriter());
  const std::string hidden_dir = TempIn(".cache", DeadWriter());
  Put(dead, "x");
  Put(live, "y");
  Put(hidden_dir, "z");
  EXPECT_EQ(Scan().leftovers, std::vector<std::string>{dead})
      << "not a live writer's, not in a folder the filters skip";

  // Without filters (every path catalogued), writer files still are not.
  Reconciler reconciler(*backend_, *store_, *gateway_);
  ReconcileOptions everything;
  auto report = reconciler.Run(repo_, everything);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->leftovers, (std::vector<std::string>{hidden_dir, dead}));
  EXPECT_EQ(RecordPaths(), std::vector<std::string>{kPhoto});
  EXPECT_TRUE(Exists(dead)) << "a scan deletes nothing";
}

TEST_P(LeftoversTest, AWriterFileNameIsRefusedAsAPath) {
  options_.filter = nullptr;
  for (const std::string& name :
       {TempIn(kPhotoFolder, DeadWriter()), OldCopyOf(kPhoto, LiveWriter())}) {
    auto result = Writer().Upload(name, "x");
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << name;
  }
  EXPECT_EQ(Objects(), std::vector<std::string>{});
}

// A source that ends in an error: nothing written, nothing left.
class BrokenSource final : public ByteSource {
 public:
  Result<size_t> Read(char* buf, size_t n) override {
    if (sent_ >= 3) return Status::Unavailable("the client went away");
    buf[0] = 'x';
    ++sent_;
    return std::min<size_t>(n, 1);
  }

 private:
  int sent_ = 0;
};

TEST_P(LeftoversTest, AStreamedUploadIsHashedOnTheWayAndAllOrNothing) {
  std::string content;
  for (int i = 0; i < 200'000; ++i) content.push_back(static_cast<char>(i));
  StringSource source(content);
  auto put = Writer().Upload(kPhoto, source);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->record.content_hash,
            HashBytes(content, HashAlgorithm::kSha256));
  EXPECT_EQ(put->record.size, 200'000);

  BrokenSource broken;
  auto over = Writer().Upload(kPhoto, broken);
  EXPECT_EQ(over.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(Content(kPhoto), content);
  BrokenSource broken_new;
  auto fresh = Writer().Upload("products/p1/new.jpg", broken_new);
  EXPECT_EQ(fresh.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(Objects(), std::vector<std::string>{kPhoto}) << "nothing left";
  EXPECT_EQ(RecordPaths(), std::vector<std::string>{kPhoto});
  EXPECT_EQ(Records()[kPhoto].content_hash,
            HashBytes(content, HashAlgorithm::kSha256));
}

INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(LeftoversTest);

}  // namespace
}  // namespace tidemark
