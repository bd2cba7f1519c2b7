// Drives the real `tidemark watch` daemon on one repository named "lib" at a
// Workspace's root: starts it with short test timings, waits for its log
// lines, and reads the catalog through the CLI (files, status, history) to
// wait for convergence. Every wait polls with a generous deadline (20 s);
// nothing here measures time. Not thread-safe; one driver per test.
#ifndef TIDEMARK_TESTS_INTEGRATION_WATCH_DRIVER_H_
#define TIDEMARK_TESTS_INTEGRATION_WATCH_DRIVER_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace tidemark::testing {

class WatchDriver {
 public:
  explicit WatchDriver(Workspace& ws) : ws_(ws) {}

  // `tidemark repo add lib <root>`; fails the test on error.
  void AddRepo();

  // Starts `tidemark watch lib --worker-id <id>` with test timings
  // (debounce 100 ms, unwatched rescan 1 s, poll 500 ms, heartbeat 500 ms,
  // lease timeout 2 s), plus `extra`. Returns at once. With
  // `drop_dac_capabilities`, file permissions bind it even as root.
  std::unique_ptr<BackgroundRun> Start(
      const std::string& id, const std::vector<std::string>& extra = {},
      bool drop_dac_capabilities = false);
  // Start, then waits for the startup sync to end ("lib: startup ..."),
  // which comes after the watch is in place.
  std::unique_ptr<BackgroundRun> StartWatching(
      const std::string& id, const std::vector<std::string>& extra = {},
      bool drop_dac_capabilities = false);

  // Waits until the daemon's log holds `text`; false if it did not within
  // 20 s or the daemon ended first.
  static bool WaitForLog(BackgroundRun& daemon, const std::string& text);

  // `files lib --json`; null when the command failed.
  nlohmann::json Files();
  // The catalog's paths, or one "<files failed>" entry when it failed.
  std::vector<std::string> CatalogPaths();
  // The record of `path`; null if there is none.
  nlohmann::json FileNamed(const std::string& path);
  // `status lib --json`; null when the command failed.
  nlohmann::json Status();
  // `history lib --json`, every operation, newest first; an empty array
  // when the command failed.
  nlohmann::json History();

  // Waits until the catalog lists exactly the files on disk (ListFiles).
  // On failure the message shows both sides' differences and, when given,
  // the daemon's log.
  ::testing::AssertionResult Converges(BackgroundRun* daemon = nullptr);

  // The sum of one counter ("added", "moved", ...) over `history`.
  static int64_t Sum(const nlohmann::json& history, const std::string& counter);

 private:
  Workspace& ws_;
};

// Creates `path` (absolute) with `content`, making its parent directories.
void WriteAt(const std::string& path, const std::string& content);

// Writes `directories` x `files_per_directory` small files below `base`
// (absolute): base/dNNN/fNNNN.dat.
void MakeTree(const std::string& base, int directories,
              int files_per_directory);

// Forks and execs `argv` (argv[0] an absolute program path) with its output
// discarded; returns the pid. WaitProcess returns its exit code.
int SpawnProcess(const std::vector<std::string>& argv);
int WaitProcess(int pid);

}  // namespace tidemark::testing

#endif  // TIDEMARK_TESTS_INTEGRATION_WATCH_DRIVER_H_
