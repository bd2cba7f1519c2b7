// ParallelWalker: order against a brute-force listing, odd names, symlinks,
// filters, concurrent deletion, and unreadable directories (tested as root by
// dropping the capabilities that bypass permission bits).
#include "storage/local/parallel_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/paths.h"
#include "gtest/gtest.h"
#include "storage/backend_factories.h"
#include "storage/local/local_backend.h"
#include "testing/capabilities.h"

namespace tidemark {
namespace {

struct Seen {
  std::string path;
  EntryKind kind;
  int64_t size;
  uint64_t inode;
  bool operator==(const Seen&) const = default;
};

void MakeDirs(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    mkdir(path.substr(0, slash).c_str(), 0755);
    if (slash == std::string::npos) break;
  }
}

void WriteFile(const std::string& path, std::string_view content = "") {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0) << DisplayPath(path);
  ASSERT_EQ(write(fd, content.data(), content.size()),
            static_cast<ssize_t>(content.size()));
  close(fd);
}

// Files and symlinks below `root`, by recursion with readdir and lstat.
void BruteForce(const std::string& root, const std::string& rel,
                std::vector<Seen>* out) {
  const std::string dir_path = rel.empty() ? root : root + "/" + rel;
  DIR* dir = opendir(dir_path.c_str());
  ASSERT_NE(dir, nullptr);
  while (dirent* d = readdir(dir)) {
    const std::string name = d->d_name;
    if (name == "." || name == "..") continue;
    const std::string child = rel.empty() ? name : rel + "/" + name;
    struct stat st;
    ASSERT_EQ(lstat((root + "/" + child).c_str(), &st), 0);
    if (S_ISDIR(st.st_mode)) {
      BruteForce(root, child, out);
    } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
      out->push_back(
          {child, S_ISLNK(st.st_mode) ? EntryKind::kSymlink : EntryKind::kFile,
           st.st_size, st.st_ino});
    }
  }
  closedir(dir);
}

std::vector<Seen> BruteForceSorted(const std::string& root) {
  std::vector<Seen> out;
  BruteForce(root, "", &out);
  std::sort(out.begin(), out.end(),
            [](const Seen& a, const Seen& b) { return a.path < b.path; });
  return out;
}

// Walks `root` and returns every item, or the error of the walk.
Result<std::vector<ListItem>> Walk(const std::string& root,
                                   WalkOptions options) {
  const int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Internal("cannot open test root");
  auto stream = StartParallelWalk(fd, std::move(options));
  close(fd);
  if (!stream.ok()) return stream.status();
  std::vector<ListItem> items;
  ListItem item;
  while (true) {
    Result<bool> more = (*stream)->Next(&item);
    if (!more.ok()) return more.status();
    if (!*more) break;
    items.push_back(item);
  }
  return items;
}

std::vector<Seen> EntriesOf(const std::vector<ListItem>& items) {
  std::vector<Seen> out;
  for (const ListItem& item : items) {
    EXPECT_EQ(item.type, ListItem::Type::kEntry) << item.path;
    out.push_back(
        {item.entry.path, item.entry.kind, item.entry.size, item.entry.inode});
  }
  return out;
}

class ParallelWalkerTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = MakeTempDir(); }
  void TearDown() override { RemoveTree(root_); }
  std::string At(const std::string& rel) { return root_ + "/" + rel; }

  std::string root_;
};

TEST_F(ParallelWalkerTest, RandomTreeMatchesSortedBruteForce) {
  const std::vector<std::string> fragments = {
      "a",    "b", "a.b", "a-b", "b0", "\x80",  "\xff", "caf\xc3\xa9",
      "\xe9", " ", "A",   "0",   "~",  "x.txt", "_",    "a/"};
  std::mt19937 rng(20240611);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto random_name = [&] {
    std::string name;
    const size_t parts = 1 + pick(3);
    for (size_t i = 0; i < parts; ++i) {
      std::string f = fragments[pick(fragments.size())];
      if (f == "a/") f = "a";
      name += f;
    }
    return name;
  };
  std::function<void(const std::string&, int)> grow =
      [&](const std::string& dir, int depth) {
        const size_t files = 2 + pick(6);
        for (size_t i = 0; i < files; ++i) {
          const std::string path = dir + "/" + random_name();
          if (pick(10) == 0) {
            symlink(pick(2) ? "." : "missing-target", path.c_str());
          } else if (pick(30) == 0) {
            mkfifo(path.c_str(), 0644);
          } else {
            WriteFile(path, std::string(pick(5), 'x'));
          }
        }
        if (depth == 0) return;
        const size_t dirs = 1 + pick(3);
        for (size_t i = 0; i < dirs; ++i) {
          const std::string sub = dir + "/" + random_name();
          if (mkdir(sub.c_str(), 0755) == 0) grow(sub, depth - 1);
        }
      };
  grow(root_, 4);
  const std::vector<Seen> expected = BruteForceSorted(root_);
  ASSERT_GT(expected.size(), 50u);

  for (int threads : {1, 2, 4}) {
    for (size_t bound : {size_t{1}, size_t{1} << 20}) {
      SCOPED_TRACE("threads=" + std::to_string(threads) +
                   " bound=" + std::to_string(bound));
      WalkOptions options;
      options.threads = threads;
      options.max_buffered_directories = bound;
      options.max_buffered_entries = bound;
      auto items = Walk(root_, options);
      ASSERT_TRUE(items.ok()) << items.status().ToString();
      EXPECT_EQ(EntriesOf(*items), expected);
    }
  }
}

TEST_F(ParallelWalkerTest, KeepsNonUtf8NamesExactly) {
  MakeDirs(At("\x80\x81"));
  WriteFile(At("\x80\x81/\xff\xfe.bin"), "1");
  WriteFile(At("caf\xe9"), "22");
  auto items = Walk(root_, {});
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].entry.path, "caf\xe9");
  EXPECT_EQ((*items)[0].entry.size, 2);
  EXPECT_EQ((*items)[1].entry.path, "\x80\x81/\xff\xfe.bin");
}

// The kernel takes paths shorter than PATH_MAX: a deeper tree is opened
// piece by piece, still beneath the root and still refusing every symlink.
TEST_F(ParallelWalkerTest, TreeDeeperThanPathMaxIsWalkedAndOpened) {
  // nftw (RemoveTree) cannot go this deep; rm can.
  struct RemoveDeep {
    std::string top;
    ~RemoveDeep() { EXPECT_EQ(system(("rm -rf '" + top + "'").c_str()), 0); }
  } remove_deep{At(std::string(200, 'a'))};
  // 30 levels of 200 bytes: 6,029 bytes, past PATH_MAX by half.
  std::string deep;
  std::string at2;   // a prefix in the first piece the kernel is given
  std::string at24;  // one in the second
  int fd = open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (int i = 0; i < 30 && fd >= 0; ++i) {
    const std::string name(200, static_cast<char>('a' + i % 26));
    ASSERT_EQ(mkdirat(fd, name.c_str(), 0755), 0);
    const int next = openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY);
    close(fd);
    fd = next;
    deep += (deep.empty() ? "" : "/") + name;
    if (i == 2) at2 = deep;
    if (i == 24) at24 = deep;
    if (i == 2 || i == 24) {
      ASSERT_EQ(symlinkat(".", fd, "link"), 0);
    }
  }
  ASSERT_GE(fd, 0);
  const int file = openat(fd, "bottom", O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(file, 0);
  ASSERT_EQ(write(file, "deep", 4), 4);
  close(file);
  close(fd);
  ASSERT_GT(at24.size(), static_cast<size_t>(PATH_MAX));
  const std::string rest = deep.substr(at24.size() + 1);

  auto items = Walk(root_, {});
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  const std::vector<Seen> seen = EntriesOf(*items);
  ASSERT_EQ(seen.size(), 3u);
  // In byte order: "y.../link" < "y.../z...", and "c.../d..." < "c.../link".
  EXPECT_TRUE(seen[0].path == at24 + "/link");
  EXPECT_EQ(seen[0].kind, EntryKind::kSymlink);
  EXPECT_TRUE(seen[1].path == deep + "/bottom");
  EXPECT_EQ(seen[1].size, 4);
  EXPECT_TRUE(seen[2].path == at2 + "/link");

  const int root_fd = open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(root_fd, 0);
  const int bottom = OpenBeneath(root_fd, deep + "/bottom", O_RDONLY);
  ASSERT_GE(bottom, 0) << strerror(-bottom);
  char buf[8] = {};
  EXPECT_EQ(read(bottom, buf, sizeof(buf)), 4);
  EXPECT_EQ(std::string(buf), "deep");
  close(bottom);
  EXPECT_EQ(
      OpenDirectoryBeneath(
          root_fd, at2 + "/link/" + deep.substr(at2.size() + 1), O_RDONLY),
      -ELOOP);
  EXPECT_EQ(OpenDirectoryBeneath(root_fd, at24 + "/link/" + rest, O_RDONLY),
            -ELOOP);
  close(root_fd);

  auto backend = OpenLocalBackend(root_);
  ASSERT_TRUE(backend.ok());
  auto stat = (*backend)->Stat(deep + "/bottom");
  ASSERT_TRUE(stat.ok()) << stat.status().ToString();
  EXPECT_EQ(stat->size, 4);
  ASSERT_TRUE((*backend)->Move(deep + "/bottom", "top").ok());
  EXPECT_TRUE((*backend)->Stat(deep + "/bottom").status().IsNotFound());
}

TEST_F(ParallelWalkerTest, RecordsSymlinkLoopsWithoutFollowing) {
  MakeDirs(At("d"));
  WriteFile(At("d/f"), "abc");
  ASSERT_EQ(symlink(".", At("d/loop").c_str()), 0);
  ASSERT_EQ(symlink("..", At("d/up").c_str()), 0);
  ASSERT_EQ(symlink(".", At("self").c_str()), 0);
  auto items = Walk(root_, {});
  ASSERT_TRUE(items.ok());
  const std::vector<Seen> seen = EntriesOf(*items);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].path, "d/f");
  EXPECT_EQ(seen[0].kind, EntryKind::kFile);
  EXPECT_EQ(seen[1].path, "d/loop");
  EXPECT_EQ(seen[1].kind, EntryKind::kSymlink);
  EXPECT_EQ(seen[1].size, 1);
  EXPECT_EQ(seen[2].path, "d/up");
  EXPECT_EQ(seen[2].size, 2);
  EXPECT_EQ(seen[3].path, "self");
  EXPECT_EQ(seen[3].kind, EntryKind::kSymlink);
}

TEST_F(ParallelWalkerTest, ListsHugeFlatDirectoryInOrder) {
  MakeDirs(At("flat"));
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    WriteFile(At("flat/" + std::to_string(rng())) + "_" + std::to_string(i));
  }
  WriteFile(At("flat.txt"));
  WriteFile(At("flat0"));
  auto items = Walk(root_, {});
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(EntriesOf(*items), BruteForceSorted(root_));
  EXPECT_EQ(items->size(), 20002u);
}

TEST_F(ParallelWalkerTest, FilterPrunesDirectoriesBeforeDescending) {
  for (const char* d : {"keep/sub", "skip/deep", "keep/skip"}) MakeDirs(At(d));
  for (const char* f : {"keep/a.jpg", "keep/b.tmp", "keep/sub/c.jpg",
                        "skip/x.jpg", "skip/deep/y.jpg", "keep/skip/z.jpg"}) {
    WriteFile(At(f));
  }
  std::mutex mu;
  std::vector<std::string> calls;
  WalkOptions options;
  options.filter = [&](std::string_view path, bool is_directory) {
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back(std::string(is_directory ? "d:" : "f:") +
                    std::string(path));
    return is_directory ? path != "skip" && path != "keep/sub"
                        : !path.ends_with(".tmp");
  };
  auto items = Walk(root_, options);
  ASSERT_TRUE(items.ok());
  std::vector<std::string> paths;
  for (const Seen& s : EntriesOf(*items)) paths.push_back(s.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"keep/a.jpg", "keep/skip/z.jpg"}));
  std::sort(calls.begin(), calls.end());
  EXPECT_EQ(calls, (std::vector<std::string>{
                       "d:keep", "d:keep/skip", "d:keep/sub", "d:skip",
                       "f:keep/a.jpg", "f:keep/b.tmp", "f:keep/skip/z.jpg"}));
}

TEST_F(ParallelWalkerTest, ScopeErrorsFailUpFront) {
  MakeDirs(At("a/b"));
  WriteFile(At("a/b/f"));
  WriteFile(At("file"));
  ASSERT_EQ(symlink("a", At("alink").c_str()), 0);
  mkfifo(At("a/fifo").c_str(), 0644);
  for (const char* scope : {"missing", "file", "alink", "alink/b", "a/fifo"}) {
    WalkOptions options;
    options.scope = scope;
    EXPECT_EQ(Walk(root_, options).status().code(), StatusCode::kNotFound)
        << scope;
  }
  WalkOptions options;
  options.scope = "a/";
  auto items = Walk(root_, options);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u) << "the fifo is skipped";
  EXPECT_EQ((*items)[0].entry.path, "a/b/f");
  options.scope = "../x";
  EXPECT_EQ(Walk(root_, options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ParallelWalkerTest, ConcurrentDeletionIsNeitherErrorNorGhost) {
  constexpr int kDirs = 60;
  constexpr int kFiles = 100;
  std::set<std::string> initial;
  for (int d = 0; d < kDirs; ++d) {
    const std::string dir = "d" + std::to_string(d);
    MakeDirs(At(dir + "/sub"));
    for (int f = 0; f < kFiles; ++f) {
      const std::string path =
          dir + (f % 2 ? "/sub/f" : "/f") + std::to_string(f);
      WriteFile(At(path));
      initial.insert(path);
    }
  }
  WalkOptions options;
  options.threads = 2;
  options.max_buffered_directories = 4;
  const int fd = open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto stream = StartParallelWalk(fd, options);
  close(fd);
  ASSERT_TRUE(stream.ok());

  std::atomic<bool> done{false};
  std::atomic<int> deleted{0};
  std::thread deleter([&] {
    std::mt19937 rng(99);
    while (!done.load()) {
      const int d = static_cast<int>(rng() % kDirs);
      const std::string dir = At("d" + std::to_string(d));
      if (rng() % 8 == 0) {  // a whole directory vanishes
        for (int f = 0; f < kFiles; ++f) {
          unlink((dir + (f % 2 ? "/sub/f" : "/f") + std::to_string(f)).c_str());
        }
        rmdir((dir + "/sub").c_str());
        rmdir(dir.c_str());
      } else {
        const int f = static_cast<int>(rng() % kFiles);
        unlink((dir + (f % 2 ? "/sub/f" : "/f") + std::to_string(f)).c_str());
      }
      deleted.fetch_add(1);
    }
  });
  std::vector<std::string> paths;
  ListItem item;
  Result<bool> more = true;
  while ((more = (*stream)->Next(&item)).ok() && *more) {
    if (item.type != ListItem::Type::kEntry) {
      ADD_FAILURE() << "subtree error " << item.path << ": "
                    << item.error.ToString();
      break;  // and still join the deleter below
    }
    paths.push_back(item.entry.path);
  }
  done.store(true);
  deleter.join();
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_GT(deleted.load(), 0);
  EXPECT_LT(paths.size(), initial.size()) << "nothing vanished during walk";
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
  for (const std::string& p : paths) {
    EXPECT_TRUE(initial.count(p)) << "ghost entry " << p;
  }
}

TEST_F(ParallelWalkerTest, StoppingEarlyJoinsWorkers) {
  for (int d = 0; d < 40; ++d) {
    MakeDirs(At("d" + std::to_string(d)));
    for (int f = 0; f < 20; ++f) {
      WriteFile(At("d" + std::to_string(d) + "/f" + std::to_string(f)));
    }
  }
  const int fd = open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (int round = 0; round < 20; ++round) {
    WalkOptions options;
    options.threads = 3;
    auto stream = StartParallelWalk(fd, options);
    ASSERT_TRUE(stream.ok());
    ListItem item;
    for (int i = 0; i < round * 7; ++i) ASSERT_TRUE(*(*stream)->Next(&item));
  }
  close(fd);
}

// `device`: the device that subtree errors are expected to name.
std::string Describe(const Result<std::vector<ListItem>>& items,
                     uint64_t device) {
  if (!items.ok()) return "walk failed: " + items.status().ToString() + "\n";
  std::string out;
  for (const ListItem& item : *items) {
    if (item.type == ListItem::Type::kSubtreeError) {
      out += "error " + item.path + " " +
             std::string(StatusCodeName(item.error.code())) +
             (item.subtree_device == device ? " same device" : "") + "\n";
    } else {
      out += "entry " + item.entry.path + "\n";
    }
  }
  return out;
}

TEST_F(ParallelWalkerTest, UnreadableDirectoryIsOneSubtreeError) {
  for (const char* d : {"a", "b/locked/y", "b/noexec", "b/ok"}) MakeDirs(At(d));
  for (const char* f :
       {"a/1", "b/locked/x", "b/locked/y/z", "b/noexec/w", "b/ok/2", "c"}) {
    WriteFile(At(f));
  }
  ASSERT_EQ(chmod(At("b/locked").c_str(), 0), 0);
  ASSERT_EQ(chmod(At("b/noexec").c_str(), 0444), 0);  // names, but no stat

  const std::string root = root_;
  struct stat st;
  ASSERT_EQ(stat(root.c_str(), &st), 0);
  const uint64_t device = st.st_dev;
  const std::string report = RunWithoutDacOverride([root, device] {
    std::string out;
    for (int threads : {1, 2}) {
      WalkOptions options;
      options.threads = threads;
      out += Describe(Walk(root, options), device);
    }
    WalkOptions scoped;
    scoped.scope = "b/locked";
    out += Describe(Walk(root, scoped), device);
    auto backend = OpenLocalBackend(root + "/b/locked");
    out += "check " + (*backend)->CheckRoot().ToString().substr(0, 17) + "\n";
    return out;
  });
  const std::string one_walk =
      "entry a/1\n"
      "error b/locked PERMISSION_DENIED same device\n"
      "error b/noexec PERMISSION_DENIED same device\n"
      "entry b/ok/2\n"
      "entry c\n";
  EXPECT_EQ(report, one_walk + one_walk +
                        "walk failed: PERMISSION_DENIED: cannot open "
                        "directory 'b/locked': Permission denied\n"
                        "check PERMISSION_DENIED\n");
}

}  // namespace
}  // namespace tidemark
