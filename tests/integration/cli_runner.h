// Helpers for integration tests: a temp workspace with files on disk, and a
// runner for the real `tidemark` binary that captures its exit code and
// output. Not thread-safe; one workspace per test.
#ifndef TIDEMARK_TESTS_INTEGRATION_CLI_RUNNER_H_
#define TIDEMARK_TESTS_INTEGRATION_CLI_RUNNER_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tidemark::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;

  nlohmann::json Json() const;  // parses `out`; fails the test if invalid
};

class Workspace {
 public:
  Workspace();
  ~Workspace();

  const std::string& dir() const { return dir_; }
  std::string root() const { return dir_ + "/root"; }  // the storage root
  std::string db() const { return dir_ + "/catalog.db"; }
  std::string Path(const std::string& rel) const { return root() + "/" + rel; }

  // Creates a file (and its parent directories) under the root.
  void Write(const std::string& rel, const std::string& content) const;

  // Runs `tidemark --db <db> args...` with `env` added (args starting with
  // "--db" choose their own database). When
  // `drop_dac_capabilities` and running as root, runs it under setpriv with
  // CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH removed, so file permissions
  // apply to it as to any user.
  RunResult Run(const std::vector<std::string>& args,
                const std::vector<std::string>& env = {},
                bool drop_dac_capabilities = false) const;

  // Every path below the root that tidemark catalogs by default, sorted.
  std::vector<std::string> ListFiles() const;

 private:
  std::string dir_;
};

// Paths of a `files --json` array (raw paths decoded from path_hex where set).
std::vector<std::string> PathsOf(const nlohmann::json& files);

std::string ReadFileBytes(const std::string& path);

}  // namespace tidemark::testing

#endif  // TIDEMARK_TESTS_INTEGRATION_CLI_RUNNER_H_
