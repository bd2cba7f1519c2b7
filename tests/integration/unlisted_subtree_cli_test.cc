// Scans of trees that the walker cannot, or could not, read whole, through
// the real binary on both catalogs: a tree deeper than PATH_MAX is read like
// any other (its long paths stored and shown whole), and a folder that
// cannot be listed keeps every record that a move into it could explain,
// so a file moved there keeps its id and hash, while the scan stays
// `partial` for as long as the folder cannot be read.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "catalog_kinds.h"
#include "cli_runner.h"
#include "watch_driver.h"

namespace tidemark::testing {
namespace {

// A directory descriptor that closes itself.
class DirFd {
 public:
  explicit DirFd(int fd) : fd_(fd) {}
  ~DirFd() {
    if (fd_ >= 0) close(fd_);
  }
  DirFd(const DirFd&) = delete;
  DirFd& operator=(const DirFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Opens the directory `rel` below `base` one component at a time: a path
// longer than PATH_MAX cannot be named in one call. Makes missing ones.
int OpenDeepDirectory(const std::string& base, const std::string& rel) {
  int fd = open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  size_t begin = 0;
  while (fd >= 0 && begin < rel.size()) {
    size_t end = rel.find('/', begin);
    if (end == std::string::npos) end = rel.size();
    const std::string name = rel.substr(begin, end - begin);
    mkdirat(fd, name.c_str(), 0755);
    const int next = openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY);
    close(fd);
    fd = next;
    begin = end + 1;
  }
  return fd;
}

// `levels` nested directory names of `name_size` bytes each, joined.
std::string DeepPath(int levels, size_t name_size) {
  std::string path;
  for (int i = 0; i < levels; ++i) {
    std::string name = "level-" + std::to_string(i) + "-";
    name.resize(name_size, 'x');
    path += (path.empty() ? "" : "/") + name;
  }
  return path;
}

class UnlistedSubtreeTest : public CatalogKindTest {
 protected:
  void SetUp() override {
    CatalogKindTest::SetUp();
    if (IsSkipped()) return;
    // Enough files that no test below comes near the mass-removal pause.
    for (int i = 0; i < 10; ++i) {
      ws_.Write("kept/k" + std::to_string(i) + ".jpg", "kept");
    }
  }

  // Adds "lib" and scans it once; the scan must be complete.
  void AddAndScan() {
    RunResult add = ws_.Run({"repo", "add", "lib", ws_.root()});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    RunResult scan = ws_.Run({"scan", "lib"});
    ASSERT_EQ(scan.exit_code, 0) << scan.out << scan.err;
  }

  // The record at `path` in `files --json`; null if there is none.
  nlohmann::json Record(const std::string& path) {
    RunResult files = ws_.Run({"files", "lib", "--json"});
    EXPECT_EQ(files.exit_code, 0) << files.err;
    for (const nlohmann::json& r : files.Json()) {
      if (r["path"] == path) return r;
    }
    return nullptr;
  }

  // outside/moved.jpg, outside/deleted.jpg and locked/inside.jpg, scanned;
  // then the folder 'locked' is made unreadable. Returns the record of
  // outside/moved.jpg.
  nlohmann::json ScanThenLock() {
    ws_.Write("outside/moved.jpg", "hello");
    ws_.Write("outside/deleted.jpg", "bye");
    ws_.Write("locked/inside.jpg", "in");
    AddAndScan();
    const nlohmann::json before = Record("outside/moved.jpg");
    EXPECT_FALSE(before.is_null());
    EXPECT_EQ(chmod(ws_.Path("locked").c_str(), 0), 0);
    return before;
  }

  // Moves outside/moved.jpg into 'locked' and deletes outside/deleted.jpg.
  void MoveInAndDelete() {
    ASSERT_EQ(std::rename(ws_.Path("outside/moved.jpg").c_str(),
                          ws_.Path("locked/moved.jpg").c_str()),
              0);
    ASSERT_EQ(unlink(ws_.Path("outside/deleted.jpg").c_str()), 0);
  }

  // The one result of `scan lib --json`, with the exit code expected.
  nlohmann::json Scan(int expected_exit, bool drop_dac = false) {
    RunResult scan = ws_.Run({"scan", "lib", "--json"}, {}, drop_dac);
    EXPECT_EQ(scan.exit_code, expected_exit) << scan.out << scan.err;
    if (scan.exit_code != 0 && scan.exit_code != 3) return nullptr;
    return scan.Json()["results"][0];
  }
};

// The deep tree used to be one unreadable subtree ("File name too long"):
// every scan was partial and every removal was deferred, forever.
TEST_P(UnlistedSubtreeTest, TreeDeeperThanPathMaxIsReadAndRemovalsApply) {
  const std::string deep = DeepPath(40, 120);
  ASSERT_GT(deep.size(), static_cast<size_t>(PATH_MAX));
  ws_.Write("top/a.jpg", "hello");
  ws_.Write("elsewhere/gone.jpg", "gone");
  {
    DirFd dir(OpenDeepDirectory(ws_.root(), deep));
    ASSERT_GE(dir.get(), 0);
    const int fd = openat(dir.get(), "bottom.jpg", O_WRONLY | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "hello", 5), 5);
    close(fd);
  }
  RunResult add = ws_.Run({"repo", "add", "lib", ws_.root()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  nlohmann::json first = Scan(0);
  EXPECT_EQ(first["status"], "completed");
  EXPECT_EQ(first["counters"]["errors"], 0);
  EXPECT_EQ(first["counters"]["added"], 13);

  // Stored and shown whole, in JSON and in the table.
  const std::string bottom = deep + "/bottom.jpg";
  nlohmann::json record = Record(bottom);
  ASSERT_FALSE(record.is_null()) << "no record of the deep file";
  EXPECT_EQ(record["size"], 5);
  EXPECT_EQ(record["content_hash"], kHelloSha256);
  RunResult table = ws_.Run({"files", "lib"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(Contains(table.out, bottom + "\n")) << table.out.size();

  // A removal elsewhere is applied by the next scan.
  ASSERT_EQ(unlink(ws_.Path("elsewhere/gone.jpg").c_str()), 0);
  nlohmann::json second = Scan(0);
  EXPECT_EQ(second["status"], "completed");
  EXPECT_EQ(second["counters"]["removed"], 1);
  EXPECT_TRUE(Record("elsewhere/gone.jpg").is_null());

  // A move into the deep tree is a move: same id, same hash.
  const nlohmann::json before = Record("top/a.jpg");
  ASSERT_FALSE(before.is_null());
  {
    DirFd dir(OpenDeepDirectory(ws_.root(), deep));
    ASSERT_GE(dir.get(), 0);
    ASSERT_EQ(
        renameat(AT_FDCWD, ws_.Path("top/a.jpg").c_str(), dir.get(), "a.jpg"),
        0);
  }
  nlohmann::json third = Scan(0);
  EXPECT_EQ(third["counters"]["moved"], 1);
  EXPECT_EQ(third["counters"]["added"], 0);
  EXPECT_EQ(third["counters"]["removed"], 0);
  const nlohmann::json after = Record(deep + "/a.jpg");
  ASSERT_FALSE(after.is_null());
  EXPECT_EQ(after["id"], before["id"]);
  EXPECT_EQ(after["content_hash"], kHelloSha256);
  RunResult status = ws_.Run({"status", "lib", "--json"});
  EXPECT_EQ(status.Json()["last_operation"]["status"], "completed");
}

// A folder that cannot be listed (permissions bind: the scans run without
// CAP_DAC_OVERRIDE). A file moved into it from outside looks, to the scan,
// exactly like a file deleted: its record must stay, with its id and hash,
// until a scan can look inside; and so must every other record gone from a
// place on the same filesystem, since a rename there is just as cheap.
TEST_P(UnlistedSubtreeTest, FileMovedIntoAnUnreadableFolderKeepsItsId) {
  const nlohmann::json before = ScanThenLock();
  ASSERT_FALSE(HasFatalFailure() || before.is_null());
  MoveInAndDelete();
  ASSERT_FALSE(HasFatalFailure());
  ws_.Write("outside/new.jpg", "new");

  // Partial, and honest about it, for as long as the folder is unreadable.
  for (int attempt = 0; attempt < 2; ++attempt) {
    nlohmann::json partial = Scan(3, /*drop_dac=*/true);
    if (HasFatalFailure() || partial.is_null()) break;
    EXPECT_EQ(partial["status"], "partial");
    EXPECT_EQ(partial["counters"]["added"], attempt == 0 ? 1 : 0);
    EXPECT_EQ(partial["counters"]["removed"], 0);
    EXPECT_EQ(partial["counters"]["moved"], 0);
    EXPECT_EQ(partial["removals_deferred"], 2);
    const std::string message = partial["error_message"];
    EXPECT_TRUE(Contains(message, "'locked'")) << message;
    RunResult status = ws_.Run({"status", "lib", "--json"});
    EXPECT_EQ(status.Json()["last_operation"]["status"], "partial");
  }
  const nlohmann::json kept = Record("outside/moved.jpg");
  ASSERT_FALSE(kept.is_null()) << "removed while it may be in 'locked'";
  EXPECT_EQ(kept["id"], before["id"]);
  EXPECT_FALSE(Record("outside/deleted.jpg").is_null());
  EXPECT_FALSE(Record("locked/inside.jpg").is_null());

  // Readable again: the move is found, the deletion applied.
  ASSERT_EQ(chmod(ws_.Path("locked").c_str(), 0755), 0);
  nlohmann::json healed = Scan(0);
  EXPECT_EQ(healed["status"], "completed");
  EXPECT_EQ(healed["counters"]["moved"], 1);
  EXPECT_EQ(healed["counters"]["removed"], 1);
  EXPECT_EQ(healed["counters"]["added"], 0);
  const nlohmann::json after = Record("locked/moved.jpg");
  ASSERT_FALSE(after.is_null());
  EXPECT_EQ(after["id"], before["id"]);
  EXPECT_EQ(after["content_hash"], kHelloSha256);
  EXPECT_EQ(after["content_hash"], before["content_hash"]);
  EXPECT_TRUE(Record("outside/moved.jpg").is_null());
  EXPECT_TRUE(Record("outside/deleted.jpg").is_null());
}

// The same through the daemon, which cannot watch the folder either: the
// file moved into it is seen only going away. Its record must wait until a
// rescan can read the folder, and be found there by its inode; a file that
// was really deleted is removed then.
TEST_P(UnlistedSubtreeTest, DaemonKeepsTheRecordOfAFileMovedIntoIt) {
  const nlohmann::json before = ScanThenLock();
  ASSERT_FALSE(HasFatalFailure() || before.is_null());
  WatchDriver lib(ws_);
  auto daemon = lib.StartWatching("daemon-1", {}, /*drop_dac=*/true);
  nlohmann::json status;
  ASSERT_TRUE(WaitUntil([&] {
    status = lib.Status();
    return !status.is_null() && status["watch"]["mode"] == "degraded";
  })) << status.dump()
      << daemon->out();
  EXPECT_TRUE(
      Contains(status["watch"]["reason"].get<std::string>(), "'locked'"))
      << status.dump();

  MoveInAndDelete();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(WatchDriver::WaitForLog(*daemon, "realtime batch"))
      << daemon->out();
  const nlohmann::json kept = Record("outside/moved.jpg");
  ASSERT_FALSE(kept.is_null()) << "removed while it may be in 'locked'\n"
                               << daemon->out();
  EXPECT_EQ(kept["id"], before["id"]);
  EXPECT_FALSE(Record("outside/deleted.jpg").is_null());
  EXPECT_EQ(lib.Status()["state"], "online");

  ASSERT_EQ(chmod(ws_.Path("locked").c_str(), 0755), 0);
  EXPECT_TRUE(WaitUntil([&] {
    return !Record("locked/moved.jpg").is_null() &&
           Record("outside/deleted.jpg").is_null();
  })) << daemon->out();
  const nlohmann::json after = Record("locked/moved.jpg");
  ASSERT_FALSE(after.is_null());
  EXPECT_EQ(after["id"], before["id"]);
  EXPECT_EQ(after["content_hash"], kHelloSha256);
  EXPECT_TRUE(Record("outside/moved.jpg").is_null());
  const nlohmann::json history = lib.History();
  EXPECT_EQ(WatchDriver::Sum(history, "moved"), 1);
  EXPECT_EQ(WatchDriver::Sum(history, "removed"), 1);
  daemon->Signal(SIGTERM);
  EXPECT_EQ(daemon->Wait(), 0) << daemon->err();
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(UnlistedSubtreeTest);

}  // namespace
}  // namespace tidemark::testing
