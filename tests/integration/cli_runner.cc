#include "cli_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace tidemark::testing {

void MakeDirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      mkdir(path.substr(0, i).c_str(), 0755);
    }
  }
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

namespace {

void Walk(const std::string& abs, const std::string& rel,
          std::vector<std::string>* out) {
  DIR* d = opendir(abs.c_str());
  if (d == nullptr) return;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (name[0] == '.') continue;  // tidemark's default ignore
    std::string child_rel = rel.empty() ? name : rel + "/" + name;
    struct stat st;
    if (lstat((abs + "/" + name).c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      Walk(abs + "/" + name, child_rel, out);
    } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
      const bool ignored = name.ends_with("~") || name.ends_with(".tmp") ||
                           name.ends_with(".bak") || name.ends_with(".swp") ||
                           name == "Thumbs.db";
      if (!ignored) out->push_back(child_rel);
    }
  }
  closedir(d);
}

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

}  // namespace

nlohmann::json RunResult::Json() const {
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << out << "\nstderr: " << err;
  return j;
}

Workspace::Workspace() {
  char tmpl[] = "/tmp/tidemark-it-XXXXXX";
  dir_ = mkdtemp(tmpl);
  db_ = dir_ + "/catalog.db";
  // Let a capability-dropped tidemark reach the workspace.
  chmod(dir_.c_str(), 0755);
  MakeDirs(root());
}

Workspace::~Workspace() {
  std::string cmd =
      "chmod -R u+rwx '" + dir_ + "' 2>/dev/null; rm -rf '" + dir_ + "'";
  (void)std::system(cmd.c_str());
}

void Workspace::Write(const std::string& rel,
                      const std::string& content) const {
  const std::string path = Path(rel);
  MakeDirs(path.substr(0, path.rfind('/')));
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
  ASSERT_TRUE(f.good()) << path;
}

std::string Workspace::WriteLocal(const std::string& name,
                                  const std::string& content) const {
  const std::string path = dir_ + "/" + name;
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
  EXPECT_TRUE(f.good()) << path;
  return path;
}

int Workspace::Spawn(const std::vector<std::string>& args,
                     const std::vector<std::string>& env,
                     bool drop_dac_capabilities, const std::string& out_path,
                     const std::string& err_path, int input) const {
  std::vector<std::string> argv;
  if (drop_dac_capabilities && geteuid() == 0) {
    argv = {"/usr/bin/setpriv", "--bounding-set",
            "-dac_override,-dac_read_search", "--"};
  }
  argv.push_back(TIDEMARK_BINARY);
  if (args.empty() || args[0] != "--db") {
    argv.push_back("--db");
    argv.push_back(db());
  }
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = input >= 0 ? input : open("/dev/null", O_RDONLY);
    dup2(out, 1);
    dup2(err, 2);
    dup2(in, 0);
    if (chdir(dir_.c_str()) != 0) _exit(127);
    for (const std::string& kv : env) putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> cargv;
    for (const std::string& a : argv)
      cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  return pid;
}

namespace {
int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);  // a crash is never a pass
}
}  // namespace

RunResult Workspace::Run(const std::vector<std::string>& args,
                         const std::vector<std::string>& env,
                         bool drop_dac_capabilities) const {
  const std::string out_path = dir_ + "/.stdout";
  const std::string err_path = dir_ + "/.stderr";
  const int pid = Spawn(args, env, drop_dac_capabilities, out_path, err_path);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = ExitCodeOf(status);
  r.out = ReadFileBytes(out_path);
  r.err = ReadFileBytes(err_path);
  return r;
}

std::unique_ptr<BackgroundRun> Workspace::Start(
    const std::vector<std::string>& args, const std::string& name,
    bool drop_dac_capabilities) const {
  return Start(args, name, {}, false, drop_dac_capabilities);
}

std::unique_ptr<BackgroundRun> Workspace::Start(
    const std::vector<std::string>& args, const std::string& name,
    const std::vector<std::string>& env, bool pipe_input,
    bool drop_dac_capabilities) const {
  const std::string out_path = dir_ + "/." + name + ".stdout";
  const std::string err_path = dir_ + "/." + name + ".stderr";
  int fds[2] = {-1, -1};
  if (pipe_input) {
    // A reader killed mid-write must not kill the test with SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
    EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
  }
  const int pid =
      Spawn(args, env, drop_dac_capabilities, out_path, err_path, fds[0]);
  if (fds[0] >= 0) close(fds[0]);
  return std::make_unique<BackgroundRun>(pid, out_path, err_path, fds[1]);
}

BackgroundRun::~BackgroundRun() {
  CloseInput();
  if (!running()) return;
  kill(pid_, SIGKILL);
  Wait();
}

bool BackgroundRun::Feed(std::string_view data) {
  while (!data.empty()) {
    if (input_ < 0) return false;
    const ssize_t n = write(input_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void BackgroundRun::CloseInput() {
  if (input_ >= 0) close(input_);
  input_ = -1;
}

void BackgroundRun::Signal(int signal) const {
  if (running()) kill(pid_, signal);
}

int BackgroundRun::Wait() {
  if (!running()) return exit_code_;
  int status = 0;
  waitpid(pid_, &status, 0);
  exit_code_ = ExitCodeOf(status);
  return exit_code_;
}

bool BackgroundRun::Exited() {
  if (!running()) return true;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
  exit_code_ = ExitCodeOf(status);
  return true;
}

std::string BackgroundRun::out() const { return ReadFileBytes(out_path_); }
std::string BackgroundRun::err() const { return ReadFileBytes(err_path_); }

std::vector<std::string> Workspace::ListFiles() const {
  std::vector<std::string> out;
  Walk(root(), "", &out);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> PathsOf(const nlohmann::json& files) {
  std::vector<std::string> out;
  for (const auto& f : files) {
    if (f.contains("path_hex")) {
      out.push_back(FromHex(f["path_hex"].get<std::string>()));
    } else {
      out.push_back(f["path"].get<std::string>());
    }
  }
  return out;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

bool WaitUntil(const std::function<bool()>& done,
               std::chrono::milliseconds limit,
               std::chrono::milliseconds every) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
}

}  // namespace tidemark::testing
