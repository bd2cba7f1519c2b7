// Helpers shared by the daemon tests: waiting for what a running daemon
// will do, scripted events, and the setup that turns a file:// repository
// into a local backend with the default filters.
#ifndef TIDEMARK_TESTS_DAEMON_DAEMON_TEST_UTIL_H_
#define TIDEMARK_TESTS_DAEMON_DAEMON_TEST_UTIL_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "daemon/daemon_options.h"
#include "storage/local/local_backend.h"
#include "sync/path_filter.h"
#include "watch/change_source.h"

namespace tidemark {

// Polls `done` until it holds or `limit` passes; returns its last value.
// The daemon runs on its own threads: tests wait for an outcome, never for
// a time.
inline bool WaitFor(
    const std::function<bool()>& done,
    std::chrono::milliseconds limit = std::chrono::milliseconds(10'000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

inline FsEvent Event(FsEvent::Kind kind, std::string path,
                     bool is_directory = false) {
  FsEvent event;
  event.kind = kind;
  event.path = std::move(path);
  event.is_directory = is_directory;
  return event;
}

// The daemon's RepositorySetupFn for tests: a local folder from the
// repository's file:// URL, watched at that folder, with the default
// filters (hidden and temporary files left out) and small batches.
inline Result<RepositorySetup> LocalSetup(const Repository& repo) {
  constexpr std::string_view kScheme = "file://";
  if (!repo.url.starts_with(kScheme)) {
    return Status::InvalidArgument("not a file:// URL: " + repo.url);
  }
  const std::string root = repo.url.substr(kScheme.size());
  RepositorySetup setup;
  ASSIGN_OR_RETURN(setup.backend, OpenLocalBackend(root));
  ASSIGN_OR_RETURN(auto filter, PathFilterRules::Create(FilterConfig{}));
  setup.filter = std::move(filter);
  setup.batch_size = 16;
  setup.threads = 1;
  setup.watch_root = root;
  return setup;
}

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_DAEMON_DAEMON_TEST_UTIL_H_
