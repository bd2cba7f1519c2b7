// The StorageBackend contract, run over every implementation (local folder,
// the in-memory fake, and the fake as an object store shows it): object
// semantics, error codes, listing order, scopes, filters and symlinks.
//
// The suite asks of a backend only what its Capabilities() promise. A case
// that cannot apply without a capability skips by the capability's name
// (SKIP_UNLESS_BACKEND_HAS), so ctest counts it; assertions that differ by a
// capability (inode identity, a move that keeps the object) check the other
// side where it is absent. What the suite does to storage from outside the
// seam goes through each factory's BackendTestHooks, never a cast.
#include <algorithm>
#include <initializer_list>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/paths.h"
#include "fakes/memory_storage.h"
#include "gtest/gtest.h"
#include "storage/backend_factories.h"

namespace tidemark {
namespace {

// Skips the running case unless the backend has every capability given
// (BackendCapability values), naming those it lacks.
#define SKIP_UNLESS_BACKEND_HAS(...)                                  \
  do {                                                                \
    const std::string missing =                                       \
        MissingCapabilities(backend_->Capabilities(), {__VA_ARGS__}); \
    if (!missing.empty()) {                                           \
      GTEST_SKIP() << GetParam().name << " lacks " << missing;        \
    }                                                                 \
  } while (false)

class BackendContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    temp_dir_ = MakeTempDir();
    auto opened = GetParam().open_with_hooks(temp_dir_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    backend_ = std::move(opened->backend);
    hooks_ = std::move(opened->hooks);
  }
  void TearDown() override {
    hooks_.reset();
    backend_.reset();
    RemoveTree(temp_dir_);
  }

  bool Has(BackendCapability capability) const {
    return HasCapability(backend_->Capabilities(), capability);
  }

  std::string ReadAll(std::string_view path) {
    auto stream = backend_->Open(path);
    EXPECT_TRUE(stream.ok()) << stream.status().ToString();
    if (!stream.ok()) return "";
    std::string out;
    char buf[3];  // small, to exercise repeated reads
    while (true) {
      auto n = (*stream)->Read(buf, sizeof(buf));
      EXPECT_TRUE(n.ok()) << n.status().ToString();
      if (!n.ok() || *n == 0) break;
      out.append(buf, *n);
    }
    return out;
  }

  std::vector<ListItem> ListAll(ListOptions options = {}) {
    auto stream = backend_->List(options);
    EXPECT_TRUE(stream.ok()) << stream.status().ToString();
    std::vector<ListItem> items;
    if (!stream.ok()) return items;
    ListItem item;
    while (true) {
      auto more = (*stream)->Next(&item);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      items.push_back(item);
    }
    return items;
  }

  std::vector<std::string> ListPaths(ListOptions options = {}) {
    std::vector<std::string> paths;
    for (const ListItem& item : ListAll(std::move(options))) {
      EXPECT_EQ(item.type, ListItem::Type::kEntry) << item.path;
      paths.push_back(item.entry.path);
    }
    return paths;
  }

  std::string temp_dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<BackendTestHooks> hooks_;
};

// The local backend and MemoryStorage have every capability, so no case of
// this suite ever skips for them (SKIP_UNLESS_BACKEND_HAS asks only for
// capabilities), and every assertion that depends on one runs in its full
// form.
TEST(BackendContractCoverageTest, LocalAndMemoryRunEveryCase) {
  std::vector<std::string> names;
  for (const BackendFactory& factory : AllBackendFactories()) {
    SCOPED_TRACE(factory.name);
    names.push_back(factory.name);
    const std::string dir = MakeTempDir();
    {
      auto backend = factory.open(dir);
      ASSERT_TRUE(backend.ok()) << backend.status().ToString();
      const BackendCapabilities caps = (*backend)->Capabilities();
      for (BackendCapability capability : AllBackendCapabilities()) {
        EXPECT_TRUE(HasCapability(caps, capability))
            << BackendCapabilityName(capability);
      }
    }
    RemoveTree(dir);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"local", "memory"}));
}

TEST(BackendContractCoverageTest, MissingCapabilitiesAreNamed) {
  BackendCapabilities caps;
  caps.has_inodes = true;
  EXPECT_EQ(MissingCapabilities(caps, {BackendCapability::kHasInodes}), "");
  EXPECT_EQ(MissingCapabilities(caps, {BackendCapability::kAtomicWrite,
                                       BackendCapability::kHasInodes,
                                       BackendCapability::kSymlinks}),
            "atomic_write, symlinks");
  caps = BackendCapabilities{true, true, true, true};
  for (BackendCapability capability : AllBackendCapabilities()) {
    EXPECT_TRUE(HasCapability(caps, capability));
    EXPECT_EQ(MissingCapabilities(caps, {capability}), "");
  }
}

TEST_P(BackendContractTest, ReportsItsRoot) {
  EXPECT_FALSE(backend_->RootUrl().empty());
  EXPECT_TRUE(backend_->CheckRoot().ok());
}

TEST_P(BackendContractTest, WriteCreatesParentsAndReadsBack) {
  ASSERT_TRUE(backend_->Write("a/b/c.txt", "hello world").ok());
  auto entry = backend_->Stat("a/b/c.txt");
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->path, "a/b/c.txt");
  EXPECT_EQ(entry->kind, EntryKind::kFile);
  EXPECT_EQ(entry->size, 11);
  EXPECT_GT(entry->mtime_ns, 0);
  if (Has(BackendCapability::kHasInodes)) {
    EXPECT_NE(entry->inode, 0u);
  } else {
    EXPECT_EQ(entry->inode, 0u) << "no inodes: 0, as the seam says";
    EXPECT_EQ(entry->device, 0u);
  }
  EXPECT_EQ(ReadAll("a/b/c.txt"), "hello world");
  EXPECT_EQ(ListPaths(), std::vector<std::string>{"a/b/c.txt"});
}

TEST_P(BackendContractTest, WriteReplacesTheWholeObjectAndLeavesNoTempFiles) {
  ASSERT_TRUE(backend_->Write("f", "old content").ok());
  ASSERT_TRUE(backend_->Write("f", "new").ok());
  auto after = backend_->Stat("f");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size, 3);
  EXPECT_EQ(ReadAll("f"), "new");
  EXPECT_EQ(ListPaths(), std::vector<std::string>{"f"});
}

TEST_P(BackendContractTest, WriteReplacesAtomicallyAndLeavesNoTempFiles) {
  SKIP_UNLESS_BACKEND_HAS(BackendCapability::kAtomicWrite);
  ASSERT_TRUE(backend_->Write("f", "old content").ok());
  auto before = backend_->Stat("f");
  ASSERT_TRUE(before.ok());
  auto reader = backend_->Open("f");
  ASSERT_TRUE(reader.ok());

  ASSERT_TRUE(backend_->Write("f", "new").ok());
  auto after = backend_->Stat("f");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size, 3);
  if (Has(BackendCapability::kHasInodes)) {
    EXPECT_NE(after->inode, before->inode)
        << "replaced by rename, not in place";
  }
  EXPECT_EQ(ReadAll("f"), "new");

  // A reader opened before the write still sees the whole old object.
  std::string old;
  char buf[64];
  for (auto n = (*reader)->Read(buf, sizeof(buf)); n.ok() && *n > 0;
       n = (*reader)->Read(buf, sizeof(buf))) {
    old.append(buf, *n);
  }
  EXPECT_EQ(old, "old content");
  auto reader_stat = (*reader)->Stat();
  ASSERT_TRUE(reader_stat.ok());
  EXPECT_EQ(reader_stat->inode, before->inode);
  EXPECT_EQ(reader_stat->size, 11);

  EXPECT_EQ(ListPaths(), std::vector<std::string>{"f"});
}

// A source that gives its content in pieces of `piece` bytes, and then
// either ends or fails, as a pipe or a dropped upload would.
class PiecewiseSource final : public ByteSource {
 public:
  PiecewiseSource(std::string content, size_t piece, Status end)
      : content_(std::move(content)), piece_(piece), end_(std::move(end)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    ++reads_;
    if (offset_ == content_.size()) {
      if (!end_.ok()) return end_;
      return size_t{0};
    }
    const size_t got = content_.copy(buf, std::min(n, piece_), offset_);
    offset_ += got;
    return got;
  }
  int reads() const { return reads_; }

 private:
  const std::string content_;
  const size_t piece_;
  const Status end_;
  size_t offset_ = 0;
  int reads_ = 0;
};

TEST_P(BackendContractTest, WriteFromStreamsTheWholeSourceAndReturnsItsEntry) {
  std::string content;
  for (int i = 0; i < 300'000; ++i) content.push_back(static_cast<char>(i * 7));
  PiecewiseSource source(content, 777, Status::Ok());
  auto written = backend_->WriteFrom("s/big.bin", source);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_GT(source.reads(), 300'000 / 777) << "read in pieces, to its end";
  EXPECT_EQ(written->path, "s/big.bin");
  EXPECT_EQ(written->size, 300'000);
  auto stat = backend_->Stat("s/big.bin");
  ASSERT_TRUE(stat.ok());
  // What WriteFrom reports is the object as written.
  EXPECT_EQ(written->inode, stat->inode);
  EXPECT_EQ(written->mtime_ns, stat->mtime_ns);
  EXPECT_EQ(written->kind, EntryKind::kFile);
  EXPECT_EQ(ReadAll("s/big.bin"), content);

  PiecewiseSource empty("", 1, Status::Ok());
  auto nothing = backend_->WriteFrom("s/empty", empty);
  ASSERT_TRUE(nothing.ok()) << nothing.status().ToString();
  EXPECT_EQ(nothing->size, 0);
  EXPECT_EQ(ListPaths(), (std::vector<std::string>{"s/big.bin", "s/empty"}));
}

TEST_P(BackendContractTest, AFailingSourceWritesNothingAndLeavesNoTempFiles) {
  ASSERT_TRUE(backend_->Write("f", "old content").ok());
  PiecewiseSource broken(std::string(100'000, 'x'), 4096,
                         Status::Unavailable("the client went away"));
  auto written = backend_->WriteFrom("f", broken);
  EXPECT_EQ(written.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(written.status().message().find("went away"), std::string::npos);
  EXPECT_EQ(ReadAll("f"), "old content");
  PiecewiseSource broken_new("abc", 1, Status::Aborted("changed"));
  EXPECT_EQ(backend_->WriteFrom("g/new", broken_new).status().code(),
            StatusCode::kAborted);
  EXPECT_EQ(backend_->Stat("g/new").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ListPaths(), std::vector<std::string>{"f"}) << "no temporary left";
}

TEST_P(BackendContractTest, MissingObjectsAreNotFound) {
  ASSERT_TRUE(backend_->Write("dir/file", "x").ok());
  for (std::string_view path : {"nope", "dir/nope", "nope/deeper", "dir"}) {
    SCOPED_TRACE(std::string(path));
    EXPECT_EQ(backend_->Stat(path).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(backend_->Open(path).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(backend_->Remove(path).code(), StatusCode::kNotFound);
  }
  EXPECT_EQ(backend_->Move("nope", "other").code(), StatusCode::kNotFound);
  EXPECT_EQ(backend_->Stat("dir/file/below").status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(backend_->Stat("dir/file").ok()) << "Remove(dir) kept it";
}

TEST_P(BackendContractTest, MalformedPathsAreInvalidArgument) {
  for (std::string_view path : std::initializer_list<std::string_view>{
           "", "/", "../x", "a/../b", "./a", "/abs/x",
           std::string_view("a\0b", 3)}) {
    SCOPED_TRACE(std::string(path));
    EXPECT_EQ(backend_->Stat(path).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(backend_->Open(path).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(backend_->Write(path, "x").code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(backend_->Remove(path).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(backend_->Move(path, "ok").code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(backend_->Move("ok", path).code(), StatusCode::kInvalidArgument);
  }
  ListOptions options;
  options.scope = "../up";
  EXPECT_EQ(backend_->List(options).status().code(),
            StatusCode::kInvalidArgument);
  options.scope = "/abs";
  EXPECT_EQ(backend_->List(options).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ListPaths().empty()) << "nothing was written";
}

TEST_P(BackendContractTest, WriteConflictsWithFilesAndDirectories) {
  ASSERT_TRUE(backend_->Write("file", "x").ok());
  ASSERT_TRUE(backend_->Write("dir/inner", "y").ok());
  EXPECT_EQ(backend_->Write("file/below", "z").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(backend_->Write("dir", "z").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ListPaths(), (std::vector<std::string>{"dir/inner", "file"}));
}

TEST_P(BackendContractTest, RemoveDeletesOnlyThatObject) {
  ASSERT_TRUE(backend_->Write("d/a", "1").ok());
  ASSERT_TRUE(backend_->Write("d/b", "2").ok());
  ASSERT_TRUE(backend_->Remove("d/a").ok());
  EXPECT_EQ(backend_->Stat("d/a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(backend_->Remove("d/a").code(), StatusCode::kNotFound);
  EXPECT_EQ(ListPaths(), std::vector<std::string>{"d/b"});
}

TEST_P(BackendContractTest, MoveKeepsIdentityAndRefusesToReplace) {
  ASSERT_TRUE(backend_->Write("src/f", "payload").ok());
  ASSERT_TRUE(backend_->Write("taken", "keep me").ok());
  auto before = backend_->Stat("src/f");
  ASSERT_TRUE(before.ok());

  EXPECT_EQ(backend_->Move("src/f", "taken").code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadAll("taken"), "keep me");
  EXPECT_EQ(backend_->Move("src/f", "src/f").code(),
            StatusCode::kAlreadyExists);

  ASSERT_TRUE(backend_->Move("src/f", "new/parents/g").ok());
  EXPECT_EQ(backend_->Stat("src/f").status().code(), StatusCode::kNotFound);
  auto after = backend_->Stat("new/parents/g");
  ASSERT_TRUE(after.ok());
  if (Has(BackendCapability::kServerSideMove)) {
    // The object itself moved, not a copy of it.
    EXPECT_EQ(after->inode, before->inode);
    EXPECT_EQ(after->mtime_ns, before->mtime_ns);
  }
  EXPECT_EQ(ReadAll("new/parents/g"), "payload");
  EXPECT_EQ(backend_->Move("taken", "new/parents/g/x").code(),
            StatusCode::kFailedPrecondition);
}

TEST_P(BackendContractTest, CopyKeepsTodaysBytesWhateverHappensNext) {
  ASSERT_TRUE(backend_->Write("src/f", "payload").ok());
  ASSERT_TRUE(backend_->Write("taken", "keep me").ok());
  EXPECT_EQ(backend_->Copy("src/f", "taken").code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadAll("taken"), "keep me");
  EXPECT_EQ(backend_->Copy("src/none", "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(backend_->Copy("src", "x").code(), StatusCode::kNotFound);

  ASSERT_TRUE(backend_->Copy("src/f", "copies/f").ok());
  EXPECT_EQ(ReadAll("copies/f"), "payload");
  // Writing over the original (as a replace does) leaves the copy alone.
  ASSERT_TRUE(backend_->Write("src/f", "changed").ok());
  EXPECT_EQ(ReadAll("copies/f"), "payload");
  EXPECT_EQ(ReadAll("src/f"), "changed");
  ASSERT_TRUE(backend_->Remove("src/f").ok());
  EXPECT_EQ(ReadAll("copies/f"), "payload");
  EXPECT_EQ(ListPaths(), (std::vector<std::string>{"copies/f", "taken"}));
}

TEST_P(BackendContractTest, MoveDirectoryMovesEverythingBelow) {
  ASSERT_TRUE(backend_->Write("old/a", "1").ok());
  ASSERT_TRUE(backend_->Write("old/sub/b", "2").ok());
  ASSERT_TRUE(backend_->Write("other/c", "3").ok());
  EXPECT_EQ(backend_->Move("old", "other").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(backend_->Move("old", "old/sub/inside").code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(backend_->Move("old", "renamed/old2").ok());
  EXPECT_EQ(ListPaths(), (std::vector<std::string>{"other/c", "renamed/old2/a",
                                                   "renamed/old2/sub/b"}));
}

TEST_P(BackendContractTest, ListingIsInUnsignedByteOrder) {
  const std::vector<std::string> names = {
      "a/b.txt",    "a/b/c",          "a/b0",   "a-b/x", "a/\x80", "a/\xff",
      "a/b/\xff/z", "a.txt",          "A",      "b",     "a/ b",   "a/b/c0",
      "a/b/c.d",    "z\xc3\xa9/\x7f", "a/b-/q", "0"};
  std::set<std::string> expected;
  for (const std::string& name : names) {
    ASSERT_TRUE(backend_->Write(name, name).ok()) << DisplayPath(name);
    expected.insert(name);
  }
  const std::vector<std::string> listed = ListPaths();
  EXPECT_EQ(listed, std::vector<std::string>(expected.begin(), expected.end()));
  auto pos = [&](const std::string& p) {
    return std::find(listed.begin(), listed.end(), p) - listed.begin();
  };
  EXPECT_LT(pos("a/b.txt"), pos("a/b/c"));
  EXPECT_LT(pos("a/b/c"), pos("a/b0"));
  EXPECT_LT(pos("a-b/x"), pos("a.txt"));  // '-' 0x2d < '.' 0x2e < '/' 0x2f
  EXPECT_LT(pos("a.txt"), pos("a/ b"));
  EXPECT_LT(pos("a/b0"), pos("a/\x80")) << "bytes compare unsigned";
  EXPECT_LT(pos("a/\x80"), pos("a/\xff"));
  EXPECT_LT(pos("a/\xff"), pos("b"));
}

TEST_P(BackendContractTest, ScopeListsOnlyBelowIt) {
  for (const char* p : {"a/b/1", "a/b/c/2", "a/b0", "a/b.x", "a/bb/3", "z"}) {
    ASSERT_TRUE(backend_->Write(p, "x").ok());
  }
  ListOptions options;
  options.scope = "a/b";
  EXPECT_EQ(ListPaths(options), (std::vector<std::string>{"a/b/1", "a/b/c/2"}));
  options.scope = "a/b/";
  EXPECT_EQ(ListPaths(options), (std::vector<std::string>{"a/b/1", "a/b/c/2"}));
  options.scope = "missing";
  EXPECT_EQ(backend_->List(options).status().code(), StatusCode::kNotFound);
  options.scope = "z";
  EXPECT_EQ(backend_->List(options).status().code(), StatusCode::kNotFound)
      << "a file is not a scope";
}

TEST_P(BackendContractTest, FilterPrunesDirectoriesAndDropsFiles) {
  for (const char* p : {"keep/a.jpg", "keep/b.tmp", "skip/x.jpg",
                        "skip/deep/y.jpg", "top.jpg", "keep/skip/z.jpg"}) {
    ASSERT_TRUE(backend_->Write(p, "x").ok());
  }
  std::mutex mu;
  std::vector<std::pair<std::string, bool>> calls;
  ListOptions options;
  options.filter = [&](std::string_view path, bool is_directory) {
    std::lock_guard<std::mutex> lock(mu);
    calls.emplace_back(std::string(path), is_directory);
    if (is_directory) return path != "skip";
    return !path.ends_with(".tmp");
  };
  EXPECT_EQ(
      ListPaths(options),
      (std::vector<std::string>{"keep/a.jpg", "keep/skip/z.jpg", "top.jpg"}));
  for (const auto& [path, is_directory] : calls) {
    EXPECT_FALSE(path.starts_with("skip/")) << "descended into " << path;
  }
  const std::set<std::pair<std::string, bool>> call_set(calls.begin(),
                                                        calls.end());
  EXPECT_TRUE(call_set.count({"skip", true}));
  EXPECT_TRUE(call_set.count({"keep", true}));
  EXPECT_TRUE(call_set.count({"keep/skip", true}));
  EXPECT_TRUE(call_set.count({"keep/b.tmp", false}));
}

TEST_P(BackendContractTest, SymlinksAreReportedNotFollowed) {
  SKIP_UNLESS_BACKEND_HAS(BackendCapability::kSymlinks);
  ASSERT_TRUE(backend_->Write("dir/real", "data").ok());
  ASSERT_TRUE(hooks_->MakeSymlink("dir/link", "real").ok());
  ASSERT_TRUE(hooks_->MakeSymlink("dirlink", "dir").ok());
  auto link = backend_->Stat("dir/link");
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_EQ(link->kind, EntryKind::kSymlink);
  EXPECT_EQ(link->size, 4);  // strlen("real")
  EXPECT_EQ(backend_->Open("dir/link").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(backend_->Stat("dirlink/real").status().code(),
            StatusCode::kNotFound);

  const std::vector<ListItem> items = ListAll();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].entry.path, "dir/link");
  EXPECT_EQ(items[0].entry.kind, EntryKind::kSymlink);
  EXPECT_EQ(items[1].entry.path, "dir/real");
  EXPECT_EQ(items[1].entry.kind, EntryKind::kFile);
  EXPECT_EQ(items[2].entry.path, "dirlink");
  EXPECT_EQ(items[2].entry.kind, EntryKind::kSymlink);

  ASSERT_TRUE(backend_->Remove("dirlink").ok());
  EXPECT_TRUE(backend_->Stat("dir/real").ok()) << "target survives";
}

TEST_P(BackendContractTest, ListingMatchesStat) {
  ASSERT_TRUE(backend_->Write("x/y", "12345").ok());
  const std::vector<ListItem> items = ListAll();
  ASSERT_EQ(items.size(), 1u);
  auto stat = backend_->Stat("x/y");
  ASSERT_TRUE(stat.ok());
  EXPECT_EQ(items[0].entry.size, stat->size);
  EXPECT_EQ(items[0].entry.mtime_ns, stat->mtime_ns);
  EXPECT_EQ(items[0].entry.inode, stat->inode);
  EXPECT_EQ(items[0].entry.device, stat->device);
}

TEST_P(BackendContractTest, UnreachableRootIsUnavailable) {
  ASSERT_TRUE(backend_->Write("f", "x").ok());
  ASSERT_TRUE(hooks_->LoseRoot().ok());
  EXPECT_EQ(backend_->CheckRoot().code(), StatusCode::kUnavailable);
  EXPECT_EQ(backend_->List({}).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(backend_->Stat("f").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(backend_->Open("f").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(backend_->Write("g", "x").code(), StatusCode::kUnavailable);
  ASSERT_TRUE(hooks_->RestoreRoot().ok());
  EXPECT_TRUE(backend_->CheckRoot().ok());
  EXPECT_EQ(ListPaths(), std::vector<std::string>{"f"});
}

INSTANTIATE_TEST_SUITE_P(
    AllBackends, BackendContractTest,
    ::testing::ValuesIn(ContractBackendFactories()),
    [](const ::testing::TestParamInfo<BackendFactory>& info) {
      return info.param.name;
    });

// Fault injection of the fake itself, which other suites rely on.
TEST(MemoryStorageFaultsTest, InjectedListErrorBecomesOneSubtreeError) {
  MemoryStorage storage;
  storage.PutFile("a/1", "x", 1);
  storage.PutFile("b/bad/2", "x", 1);
  storage.PutFile("b/bad/deep/3", "x", 1);
  storage.PutFile("b/c", "x", 1);
  storage.InjectListError("b/bad", Status::PermissionDenied("denied"));
  auto stream = storage.List({});
  ASSERT_TRUE(stream.ok());
  std::vector<std::string> seen;
  ListItem item;
  while (*(*stream)->Next(&item)) {
    seen.push_back(item.type == ListItem::Type::kSubtreeError
                       ? "error:" + item.path + ":" + item.error.ToString()
                       : item.entry.path);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "a/1", "error:b/bad:PERMISSION_DENIED: denied", "b/c"}));
  ListOptions scoped;
  scoped.scope = "b/bad/deep";
  EXPECT_EQ(storage.List(scoped).status().code(),
            StatusCode::kPermissionDenied);
}

TEST(MemoryStorageFaultsTest, BeforeOpenHookSimulatesRaces) {
  MemoryStorage storage;
  storage.PutFile("gone", "x", 1);
  storage.PutFile("edited", "v1", 1);
  storage.SetBeforeOpenHook([&storage](std::string_view path) {
    if (path == "gone") {
      ASSERT_TRUE(storage.Remove(path).ok());
    }
  });
  EXPECT_EQ(storage.Open("gone").status().code(), StatusCode::kNotFound);
  auto stream = storage.Open("edited");
  ASSERT_TRUE(stream.ok());
  auto before = (*stream)->Stat();
  storage.PutFile("edited", "version 2", 2);  // in place: same inode
  auto after = (*stream)->Stat();
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(before->inode, after->inode);
  EXPECT_EQ(after->size, 9);
  EXPECT_EQ(after->mtime_ns, 2);
}

}  // namespace
}  // namespace tidemark
