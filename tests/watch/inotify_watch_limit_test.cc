// InotifyChangeSource when the kernel refuses more watches (ENOSPC): the
// directories it cannot watch are reported as kUnwatched with the limit and
// the fix, and the rest keeps working. Needs root: it lowers
// fs.inotify.max_user_watches to just above what root uses now and restores
// it at once. It runs alone (RUN_SERIAL) because the lowered limit binds
// every process of the user for that moment.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/backend_factories.h"
#include "watch/inotify_change_source.h"

namespace tidemark {
namespace {

constexpr char kLimitFile[] = "/proc/sys/fs/inotify/max_user_watches";

long ReadLimit() {
  std::ifstream in(kLimitFile);
  long value = -1;
  in >> value;
  return value;
}

bool WriteLimit(long value) {
  std::ofstream out(kLimitFile);
  out << value << "\n";
  out.flush();
  return static_cast<bool>(out);
}

// Inotify watches held by root's processes now, from their fdinfo.
long RootWatchesInUse() {
  long count = 0;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return -1;
  while (dirent* p = readdir(proc)) {
    const std::string pid = p->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st;
    if (stat(("/proc/" + pid).c_str(), &st) != 0 || st.st_uid != 0) continue;
    const std::string fdinfo = "/proc/" + pid + "/fdinfo";
    DIR* fds = opendir(fdinfo.c_str());
    if (fds == nullptr) continue;
    while (dirent* f = readdir(fds)) {
      if (f->d_name[0] == '.') continue;
      std::ifstream in(fdinfo + "/" + f->d_name);
      std::string line;
      while (std::getline(in, line)) {
        if (line.starts_with("inotify wd:")) ++count;
      }
    }
    closedir(fds);
  }
  closedir(proc);
  return count;
}

// Restores the limit when the test ends, however it ends.
class LimitRestorer {
 public:
  explicit LimitRestorer(long value) : value_(value) {}
  ~LimitRestorer() { Restore(); }
  void Restore() {
    if (value_ > 0) WriteLimit(value_);
    value_ = -1;
  }

 private:
  long value_;
};

TEST(InotifyWatchLimitTest, ExhaustedWatchesAreReportedWithTheFix) {
  ASSERT_EQ(geteuid(), 0u) << "lowering fs.inotify.max_user_watches needs "
                              "root (CI runs as root)";
  const std::string base = MakeTempDir();
  const std::string root = base + "/root";
  ASSERT_EQ(mkdir(root.c_str(), 0755), 0);
  constexpr int kDirectories = 40;
  for (int i = 0; i < kDirectories; ++i) {
    ASSERT_EQ(mkdir((root + "/d" + std::to_string(i)).c_str(), 0755), 0);
  }
  auto opened = OpenInotifyChangeSource(root);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<ChangeSource> source = std::move(opened).value();

  const long original = ReadLimit();
  ASSERT_GT(original, 0);
  const long in_use = RootWatchesInUse();
  ASSERT_GE(in_use, 0);
  // Room for the root and a few directories, far from all of them.
  const long lowered = in_use + 5;
  Status started;
  {
    LimitRestorer restorer(original);
    ASSERT_TRUE(WriteLimit(lowered)) << "cannot write " << kLimitFile;
    started = source->Start();
    restorer.Restore();
  }
  ASSERT_EQ(ReadLimit(), original);
  ASSERT_TRUE(started.ok()) << started.ToString();

  std::vector<FsEvent> events;
  ASSERT_TRUE(source->Poll(&events, std::chrono::milliseconds(0)).ok());
  const std::string reason =
      "inotify watch limit reached (fs.inotify.max_user_watches = " +
      std::to_string(lowered) +
      "); raise it with: " + "sysctl fs.inotify.max_user_watches=524288";
  int unwatched = 0;
  for (const FsEvent& e : events) {
    if (e.kind != FsEvent::Kind::kUnwatched) continue;
    ++unwatched;
    EXPECT_TRUE(e.is_directory);
    EXPECT_EQ(e.path.substr(0, 1), "d");
    EXPECT_EQ(e.reason, reason);
  }
  EXPECT_GT(unwatched, 0);
  EXPECT_LT(unwatched, kDirectories);

  // The root is still watched.
  const std::string file = root + "/after";
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  close(fd);
  bool seen = false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    events.clear();
    ASSERT_TRUE(source->Poll(&events, std::chrono::milliseconds(100)).ok());
    for (const FsEvent& e : events) seen |= e.path == "after";
  }
  EXPECT_TRUE(seen);
  source.reset();
  RemoveTree(base);
}

}  // namespace
}  // namespace tidemark
