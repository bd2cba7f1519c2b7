#include "watch_driver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

namespace tidemark::testing {
namespace {

std::string Describe(const std::vector<std::string>& paths, size_t limit) {
  std::string out;
  for (size_t i = 0; i < paths.size() && i < limit; ++i) {
    out += "  " + paths[i] + "\n";
  }
  if (paths.size() > limit) {
    out += "  ... and " + std::to_string(paths.size() - limit) + " more\n";
  }
  return out;
}

}  // namespace

void WatchDriver::AddRepo() {
  RunResult r = ws_.Run({"repo", "add", "lib", ws_.root()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

std::unique_ptr<BackgroundRun> WatchDriver::Start(
    const std::string& id, const std::vector<std::string>& extra,
    bool drop_dac_capabilities) {
  std::vector<std::string> args = {"watch",
                                   "lib",
                                   "--worker-id",
                                   id,
                                   "--debounce",
                                   "100ms",
                                   "--reconcile-interval",
                                   "24h",
                                   "--unwatched-rescan",
                                   "1s",
                                   "--poll",
                                   "500ms",
                                   "--heartbeat",
                                   "500ms",
                                   "--lease-timeout",
                                   "2s"};
  args.insert(args.end(), extra.begin(), extra.end());
  return ws_.Start(args, id, drop_dac_capabilities);
}

std::unique_ptr<BackgroundRun> WatchDriver::StartWatching(
    const std::string& id, const std::vector<std::string>& extra,
    bool drop_dac_capabilities) {
  auto daemon = Start(id, extra, drop_dac_capabilities);
  EXPECT_TRUE(WaitForLog(*daemon, "lib: startup "))
      << "stdout:\n"
      << daemon->out() << "stderr:\n"
      << daemon->err();
  return daemon;
}

bool WatchDriver::WaitForLog(BackgroundRun& daemon, const std::string& text) {
  bool found = false;
  WaitUntil([&] {
    found = daemon.out().find(text) != std::string::npos;
    return found || daemon.Exited();
  });
  return found || daemon.out().find(text) != std::string::npos;
}

nlohmann::json WatchDriver::Files() {
  RunResult r = ws_.Run({"files", "lib", "--json"});
  if (r.exit_code != 0) return nullptr;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

std::vector<std::string> WatchDriver::CatalogPaths() {
  nlohmann::json files = Files();
  if (!files.is_array()) return {"<files failed>"};
  std::vector<std::string> paths = PathsOf(files);
  std::sort(paths.begin(), paths.end());
  return paths;
}

nlohmann::json WatchDriver::FileNamed(const std::string& path) {
  nlohmann::json files = Files();
  if (!files.is_array()) return nullptr;
  for (const auto& f : files) {
    if (PathsOf(nlohmann::json::array({f}))[0] == path) return f;
  }
  return nullptr;
}

nlohmann::json WatchDriver::Status() {
  RunResult r = ws_.Run({"status", "lib", "--json"});
  if (r.exit_code != 0) return nullptr;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

nlohmann::json WatchDriver::History() {
  RunResult r = ws_.Run({"history", "lib", "--limit", "100000", "--json"});
  if (r.exit_code != 0) return nlohmann::json::array();
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_array() ? j : nlohmann::json::array();
}

::testing::AssertionResult WatchDriver::Converges(BackgroundRun* daemon) {
  std::vector<std::string> catalog, disk;
  const bool done = WaitUntil(
      [&] {
        disk = ws_.ListFiles();
        catalog = CatalogPaths();
        return catalog == disk;
      },
      std::chrono::seconds(20), std::chrono::milliseconds(200));
  if (done) return ::testing::AssertionSuccess();
  std::vector<std::string> missing, extra;
  std::set_difference(disk.begin(), disk.end(), catalog.begin(), catalog.end(),
                      std::back_inserter(missing));
  std::set_difference(catalog.begin(), catalog.end(), disk.begin(), disk.end(),
                      std::back_inserter(extra));
  auto failure = ::testing::AssertionFailure();
  failure << "the catalog did not converge within 20 s: " << disk.size()
          << " files on disk, " << catalog.size() << " in the catalog\n"
          << "on disk, not in the catalog:\n"
          << Describe(missing, 20) << "in the catalog, not on disk:\n"
          << Describe(extra, 20);
  if (daemon != nullptr) {
    failure << "daemon stdout:\n"
            << daemon->out() << "daemon stderr:\n"
            << daemon->err();
  }
  return failure;
}

int64_t WatchDriver::Sum(const nlohmann::json& history,
                         const std::string& counter) {
  int64_t sum = 0;
  for (const auto& op : history) {
    sum += op["counters"][counter].get<int64_t>();
  }
  return sum;
}

void WriteAt(const std::string& path, const std::string& content) {
  MakeDirs(path.substr(0, path.rfind('/')));
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
  ASSERT_TRUE(f.good()) << path;
}

void MakeTree(const std::string& base, int directories,
              int files_per_directory) {
  for (int d = 0; d < directories; ++d) {
    char dir[32];
    std::snprintf(dir, sizeof(dir), "/d%03d", d);
    const std::string dir_path = base + dir;
    MakeDirs(dir_path);
    for (int f = 0; f < files_per_directory; ++f) {
      char name[32];
      std::snprintf(name, sizeof(name), "/f%04d.dat", f);
      std::ofstream out(dir_path + name, std::ios::binary | std::ios::trunc);
      out << dir << name << "\n";
      ASSERT_TRUE(out.good()) << dir_path << name;
    }
  }
}

int SpawnProcess(const std::vector<std::string>& argv) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> cargv;
    for (const std::string& a : argv) {
      cargv.push_back(const_cast<char*>(a.c_str()));
    }
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  return pid;
}

int WaitProcess(int pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

}  // namespace tidemark::testing
