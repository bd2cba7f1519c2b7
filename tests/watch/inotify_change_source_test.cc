// InotifyChangeSource on real temporary trees: every kind of event, new and
// moved directories (watched without a gap), moves in, out and within the
// root, the root going away, Close from another thread, raw byte names.
// Waits poll until the expected event shows up; nothing asserts timings.
#include "watch/inotify_change_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/paths.h"
#include "gtest/gtest.h"
#include "storage/backend_factories.h"

namespace tidemark {
namespace {

using Kind = FsEvent::Kind;
using std::chrono::milliseconds;

constexpr auto kPatience = std::chrono::seconds(5);

std::string Describe(const FsEvent& e) {
  return std::string(FsEventKindName(e.kind)) + " '" + DisplayPath(e.path) +
         "'" + (e.is_directory ? " dir" : "") +
         (e.cookie ? " cookie=" + std::to_string(e.cookie) : "") +
         (e.reason.empty() ? "" : " (" + e.reason + ")");
}

void WriteFile(const std::string& path, std::string_view content = "x") {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0) << DisplayPath(path);
  ASSERT_EQ(write(fd, content.data(), content.size()),
            static_cast<ssize_t>(content.size()));
  close(fd);
}

void MakeDir(const std::string& path) {
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0) << DisplayPath(path);
}

class InotifySourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = MakeTempDir();
    root_ = base_ + "/root";
    outside_ = base_ + "/outside";
    MakeDir(root_);
    MakeDir(outside_);
  }

  void TearDown() override {
    source_.reset();
    RemoveTree(base_);
  }

  void StartSource() {
    auto source = OpenInotifyChangeSource(root_);
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    source_ = std::move(source).value();
    const Status started = source_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  std::string At(const std::string& rel) const { return root_ + "/" + rel; }

  // The first event seen since the last Forget() that matches `match`,
  // polling for up to kPatience; nullptr if none came.
  const FsEvent* Find(const std::function<bool(const FsEvent&)>& match) {
    size_t checked = 0;
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (true) {
      for (; checked < seen_.size(); ++checked) {
        if (match(seen_[checked])) return &seen_[checked];
      }
      if (std::chrono::steady_clock::now() >= deadline) return nullptr;
      const auto polled = source_->Poll(&seen_, milliseconds(100));
      EXPECT_TRUE(polled.ok()) << polled.status().ToString();
      if (!polled.ok()) return nullptr;
    }
  }

  const FsEvent* Find(Kind kind, const std::string& path) {
    return Find(
        [&](const FsEvent& e) { return e.kind == kind && e.path == path; });
  }

  // Asserts that (kind, path) arrives, printing what came instead.
  void Expect(Kind kind, const std::string& path) {
    EXPECT_NE(Find(kind, path), nullptr)
        << "no " << FsEventKindName(kind) << " '" << DisplayPath(path)
        << "' within 5 s; seen:\n"
        << Seen();
  }

  std::string Seen() const {
    std::string text;
    for (const FsEvent& e : seen_) text += "  " + Describe(e) + "\n";
    return text;
  }

  void Forget() { seen_.clear(); }

  std::string base_, root_, outside_;
  std::unique_ptr<ChangeSource> source_;
  std::vector<FsEvent> seen_;
};

TEST_F(InotifySourceTest, FileLifecycleInRootAndSubdirectory) {
  MakeDir(At("sub"));
  StartSource();
  for (const std::string rel : {"a.txt", "sub/b.txt"}) {
    WriteFile(At(rel));
    Expect(Kind::kCreated, rel);
    Expect(Kind::kModified, rel);
    ASSERT_EQ(chmod(At(rel).c_str(), 0600), 0);
    Expect(Kind::kAttributes, rel);
    ASSERT_EQ(unlink(At(rel).c_str()), 0);
    Expect(Kind::kDeleted, rel);
  }
  for (const FsEvent& e : seen_) {
    EXPECT_FALSE(e.is_directory) << Describe(e);
  }
}

TEST_F(InotifySourceTest, CreatedFileMayBeOpenUntilCloseWrite) {
  StartSource();
  const int fd = open(At("f").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  const FsEvent* created = Find(Kind::kCreated, "f");
  ASSERT_NE(created, nullptr) << Seen();
  EXPECT_TRUE(created->may_be_open);
  ASSERT_EQ(write(fd, "data", 4), 4);
  Expect(Kind::kWriting, "f");
  close(fd);
  Expect(Kind::kModified, "f");
  // Neither a symlink nor a hard link is followed by a close-write.
  ASSERT_EQ(symlink("f", At("link").c_str()), 0);
  ASSERT_EQ(link(At("f").c_str(), At("hard").c_str()), 0);
  for (const std::string rel : {"link", "hard"}) {
    created = Find(Kind::kCreated, rel);
    ASSERT_NE(created, nullptr) << rel << "\n" << Seen();
    EXPECT_FALSE(created->may_be_open) << rel;
  }
}

TEST_F(InotifySourceTest, NewSubdirectoryIsWatched) {
  StartSource();
  MakeDir(At("new"));
  const FsEvent* created = Find(Kind::kCreated, "new");
  ASSERT_NE(created, nullptr) << Seen();
  EXPECT_TRUE(created->is_directory);
  WriteFile(At("new/file"));
  Expect(Kind::kModified, "new/file");
}

TEST_F(InotifySourceTest, DeepTreeCreatedAtOnceIsFullyReported) {
  StartSource();
  // As fast as possible: most of it exists before its parent is watched.
  MakeDir(At("a"));
  MakeDir(At("a/b"));
  MakeDir(At("a/b/c"));
  WriteFile(At("a/b/c/file"));
  WriteFile(At("a/b/file2"));
  for (const std::string rel : {"a/b", "a/b/c", "a/b/c/file", "a/b/file2"}) {
    Expect(Kind::kCreated, rel);
  }
  WriteFile(At("a/b/c/later"));
  Expect(Kind::kModified, "a/b/c/later");
}

TEST_F(InotifySourceTest, FileRenameWithinRootIsAPair) {
  WriteFile(At("old"));
  MakeDir(At("d"));
  StartSource();
  ASSERT_EQ(rename(At("old").c_str(), At("d/new").c_str()), 0);
  const FsEvent* from = Find(Kind::kMovedFrom, "old");
  const FsEvent* to = Find(Kind::kMovedTo, "d/new");
  ASSERT_TRUE(from && to) << Seen();
  EXPECT_NE(from->cookie, 0u);
  EXPECT_EQ(from->cookie, to->cookie);
}

TEST_F(InotifySourceTest, RenamedDirectoryReportsNewPaths) {
  MakeDir(At("x"));
  MakeDir(At("x/deep"));
  StartSource();
  ASSERT_EQ(rename(At("x").c_str(), At("y").c_str()), 0);
  const FsEvent* to = Find(Kind::kMovedTo, "y");
  ASSERT_NE(to, nullptr) << Seen();
  EXPECT_TRUE(to->is_directory);
  EXPECT_NE(to->cookie, 0u);
  WriteFile(At("y/deep/f"));
  Expect(Kind::kModified, "y/deep/f");
  WriteFile(At("y/g"));
  Expect(Kind::kModified, "y/g");
  for (const FsEvent& e : seen_) {
    EXPECT_FALSE(PathInScope(e.path, "x") && e.kind != Kind::kMovedFrom)
        << Describe(e);
  }
}

TEST_F(InotifySourceTest, DirectoryMovedOutIsNoLongerWatched) {
  MakeDir(At("d"));
  MakeDir(At("d/e"));
  StartSource();
  ASSERT_EQ(rename(At("d").c_str(), (outside_ + "/d").c_str()), 0);
  const FsEvent* from = Find(Kind::kMovedFrom, "d");
  ASSERT_NE(from, nullptr) << Seen();
  EXPECT_TRUE(from->is_directory);
  EXPECT_NE(from->cookie, 0u);
  WriteFile(outside_ + "/d/f");
  WriteFile(outside_ + "/d/e/f");
  // Events come in order: once the sentinel is seen, nothing of the above
  // can still be on its way.
  WriteFile(At("sentinel"));
  Expect(Kind::kModified, "sentinel");
  for (const FsEvent& e : seen_) {
    EXPECT_FALSE(PathInScope(e.path, "d") && e.kind != Kind::kMovedFrom)
        << Describe(e);
  }
}

TEST_F(InotifySourceTest, DirectoryMovedInIsListedAndWatched) {
  MakeDir(outside_ + "/in");
  MakeDir(outside_ + "/in/sub");
  WriteFile(outside_ + "/in/one");
  WriteFile(outside_ + "/in/sub/two");
  StartSource();
  ASSERT_EQ(rename((outside_ + "/in").c_str(), At("in").c_str()), 0);
  const FsEvent* to = Find(Kind::kMovedTo, "in");
  ASSERT_NE(to, nullptr) << Seen();
  EXPECT_TRUE(to->is_directory);
  EXPECT_EQ(to->cookie, 0u);  // nothing to pair it with
  Expect(Kind::kCreated, "in/one");
  Expect(Kind::kCreated, "in/sub");
  Expect(Kind::kCreated, "in/sub/two");
  WriteFile(At("in/sub/three"));
  Expect(Kind::kModified, "in/sub/three");
}

TEST_F(InotifySourceTest, DeletedRootIsReported) {
  StartSource();
  ASSERT_EQ(rmdir(root_.c_str()), 0);
  const FsEvent* gone =
      Find([](const FsEvent& e) { return e.kind == Kind::kRootGone; });
  ASSERT_NE(gone, nullptr) << Seen();
  EXPECT_EQ(gone->path, "");
  EXPECT_FALSE(gone->reason.empty());
}

TEST_F(InotifySourceTest, CloseWakesABlockedPoll) {
  StartSource();
  std::vector<FsEvent> events;
  auto polled = std::async(std::launch::async, [&] {
    return source_->Poll(&events, std::chrono::minutes(1));
  });
  // Give the poller a moment to block; the test passes either way.
  std::this_thread::sleep_for(milliseconds(50));
  source_->Close();
  ASSERT_EQ(polled.wait_for(std::chrono::seconds(30)),
            std::future_status::ready);
  const Result<size_t> result = polled.get();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, 0u);
  // Closed for good: changes are no longer reported.
  WriteFile(At("after"));
  const auto again = source_->Poll(&events, milliseconds(0));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  EXPECT_TRUE(events.empty());
}

TEST_F(InotifySourceTest, NonUtf8NameSurvivesByteForByte) {
  const std::string name = "caf\xe9\xff.txt";
  MakeDir(At("d\x80"));
  StartSource();
  WriteFile(At("d\x80/" + name));
  Expect(Kind::kCreated, "d\x80/" + name);
}

TEST_F(InotifySourceTest, StartReportsAMissingRoot) {
  auto source = OpenInotifyChangeSource(base_ + "/missing");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  const Status status = (*source)->Start();
  EXPECT_TRUE(status.IsNotFound()) << status.ToString();
  EXPECT_NE(status.message().find(base_ + "/missing"), std::string::npos)
      << status.message();
}

TEST_F(InotifySourceTest, RootMustBeAbsolute) {
  const auto source = OpenInotifyChangeSource("relative/dir");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tidemark
