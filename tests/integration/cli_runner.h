// Helpers for integration tests: a temp workspace with files on disk, and a
// runner for the real `tidemark` binary that captures its exit code and
// output. Not thread-safe; one workspace per test.
#ifndef TIDEMARK_TESTS_INTEGRATION_CLI_RUNNER_H_
#define TIDEMARK_TESTS_INTEGRATION_CLI_RUNNER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tidemark::testing {

// SHA-256 of the five bytes "hello", the content most tests write.
inline constexpr char kHelloSha256[] =
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;

  nlohmann::json Json() const;  // parses `out`; fails the test if invalid
};

// A tidemark process running in the background (Workspace::Start). The
// destructor kills it (SIGKILL) if it still runs.
class BackgroundRun {
 public:
  // `input` is the write end of the process's standard input, or -1.
  BackgroundRun(int pid, std::string out_path, std::string err_path,
                int input = -1)
      : pid_(pid),
        input_(input),
        out_path_(std::move(out_path)),
        err_path_(std::move(err_path)) {}
  ~BackgroundRun();
  BackgroundRun(const BackgroundRun&) = delete;
  BackgroundRun& operator=(const BackgroundRun&) = delete;

  int pid() const { return pid_; }
  void Signal(int signal) const;
  // Waits for the process to end; returns its exit code (128 + signal).
  int Wait();
  bool running() const { return pid_ > 0 && exit_code_ < 0; }
  // True once the process has ended (reaps it without blocking).
  bool Exited();
  std::string out() const;
  std::string err() const;

  // With Workspace::Start(..., pipe_input = true): writes `data` to the
  // process's standard input; false once the process stopped reading.
  bool Feed(std::string_view data);
  // Closes the process's standard input (it then reads end-of-file).
  void CloseInput();

 private:
  int pid_;
  int input_ = -1;
  int exit_code_ = -1;
  std::string out_path_;
  std::string err_path_;
};

class Workspace {
 public:
  Workspace();
  ~Workspace();

  const std::string& dir() const { return dir_; }
  std::string root() const { return dir_ + "/root"; }  // the storage root
  // The catalog every Run uses: <dir>/catalog.db unless UseDatabase chose.
  const std::string& db() const { return db_; }
  void UseDatabase(std::string db) { db_ = std::move(db); }
  std::string Path(const std::string& rel) const { return root() + "/" + rel; }

  // Creates a file (and its parent directories) under the root.
  void Write(const std::string& rel, const std::string& content) const;
  // Creates the file `name` outside the root, in the workspace's folder (a
  // FILE to upload), and returns its path.
  std::string WriteLocal(const std::string& name,
                         const std::string& content) const;

  // Runs `tidemark --db <db> args...` with `env` added (args starting with
  // "--db" choose their own database). When
  // `drop_dac_capabilities` and running as root, runs it under setpriv with
  // CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH removed, so file permissions
  // apply to it as to any user.
  RunResult Run(const std::vector<std::string>& args,
                const std::vector<std::string>& env = {},
                bool drop_dac_capabilities = false) const;

  // Starts `tidemark --db <db> args...` and returns at once; its output goes
  // to files named after `name`. `drop_dac_capabilities` as for Run.
  std::unique_ptr<BackgroundRun> Start(
      const std::vector<std::string>& args, const std::string& name,
      bool drop_dac_capabilities = false) const;
  // The same with `env` added, and with `pipe_input` a pipe for standard
  // input that the caller feeds (BackgroundRun::Feed; else /dev/null).
  std::unique_ptr<BackgroundRun> Start(
      const std::vector<std::string>& args, const std::string& name,
      const std::vector<std::string>& env, bool pipe_input,
      bool drop_dac_capabilities = false) const;

  // Every path below the root that tidemark catalogs by default, sorted.
  std::vector<std::string> ListFiles() const;

 private:
  // Forks and execs tidemark with the given output files; returns the pid.
  // `input`: the descriptor to use as its standard input (-1: /dev/null).
  int Spawn(const std::vector<std::string>& args,
            const std::vector<std::string>& env, bool drop_dac_capabilities,
            const std::string& out_path, const std::string& err_path,
            int input = -1) const;

  std::string dir_;
  std::string db_;
};

// Paths of a `files --json` array (raw paths decoded from path_hex where set).
std::vector<std::string> PathsOf(const nlohmann::json& files);

std::string ReadFileBytes(const std::string& path);

// Makes `path` and any missing parent folders (mode 0755), as mkdir -p.
void MakeDirs(const std::string& path);

bool Contains(const std::string& haystack, const std::string& needle);

// Polls `done` every `every` until it returns true (then true) or `limit`
// has passed (then false). For waiting on convergence; never for timing.
bool WaitUntil(
    const std::function<bool()>& done,
    std::chrono::milliseconds limit = std::chrono::seconds(20),
    std::chrono::milliseconds every = std::chrono::milliseconds(100));

}  // namespace tidemark::testing

#endif  // TIDEMARK_TESTS_INTEGRATION_CLI_RUNNER_H_
