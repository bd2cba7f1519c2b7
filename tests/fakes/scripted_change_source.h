// ScriptedChanges: a fake of the ChangeSource seam whose events come from
// the test, for driving the daemon (RepositoryWatcher, SyncManager) without
// inotify.
//
// Factory() is what the daemon is given as its ChangeSourceFactory: every
// call makes a new source for one watch root. Push(root, event) queues an
// event for that root; the source open on it returns queued events from
// Poll, in order (events pushed while none is open wait for the next one).
// Start fails NotFound when the root is not a directory, as inotify's does,
// or with the status given to FailStart. The hub counts the sources of each
// root, so a test can tell whether a repository is being watched.
//
// Thread-safe: the test pushes on its thread while the daemon polls on its
// own. Sources share the hub's state, so either may outlive the other.
#ifndef TIDEMARK_TESTS_FAKES_SCRIPTED_CHANGE_SOURCE_H_
#define TIDEMARK_TESTS_FAKES_SCRIPTED_CHANGE_SOURCE_H_

#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "common/status.h"
#include "watch/change_source.h"

namespace tidemark {

class ScriptedChanges {
 public:
  ScriptedChanges();

  // Makes sources that read this hub's queues (the daemon's
  // ChangeSourceFactory).
  std::function<
      Result<std::unique_ptr<ChangeSource>>(const std::string& watch_root)>
  Factory() const;

  // Queues `event` for the source watching `root` and wakes its Poll.
  void Push(const std::string& root, FsEvent event);
  // While `s` is not ok, Start of a source of `root` fails with it.
  void FailStart(const std::string& root, Status s);

  // Sources of `root` started and not closed yet.
  int open_sources(const std::string& root) const;
  // Sources of `root` ever started.
  int started_sources(const std::string& root) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_SCRIPTED_CHANGE_SOURCE_H_
