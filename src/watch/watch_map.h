// WatchMap: which inotify watch descriptor stands for which directory, as a
// repository-relative path ("" is the root), in both directions.
//
// The kernel hands back the wd it already has when a directory is watched
// twice, and a directory may be replaced at the same path before the old
// wd's IN_IGNORED arrives, so the map tolerates both: Set re-paths a known
// wd, and a path always names the newest wd set for it. Subtrees are ranges
// of an ordered index, so renaming or dropping a directory with everything
// below it costs the size of that subtree. Pure, no I/O; thread-compatible.
#ifndef TIDEMARK_WATCH_WATCH_MAP_H_
#define TIDEMARK_WATCH_WATCH_MAP_H_

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace tidemark {

class WatchMap {
 public:
  // Records that `wd` watches `path`, replacing what either was mapped to.
  void Set(int wd, const std::string& path);

  // Drops `wd`; its path keeps a newer wd, if one was set. No-op if unknown.
  void Forget(int wd);

  // The path of `wd`, or nullptr. Valid until the map changes.
  const std::string* PathOf(int wd) const;

  // Whether `path` is watched.
  bool Contains(const std::string& path) const { return wds_.contains(path); }

  // The wds of `path` and of every directory below it.
  std::vector<int> Subtree(const std::string& path) const;

  // Re-paths every wd at or below `from` to the same place below `to`.
  void Rename(const std::string& from, const std::string& to);

  size_t size() const { return paths_.size(); }

 private:
  std::unordered_map<int, std::string> paths_;
  std::map<std::string, int> wds_;  // ordered: a subtree is a range
};

}  // namespace tidemark

#endif  // TIDEMARK_WATCH_WATCH_MAP_H_
