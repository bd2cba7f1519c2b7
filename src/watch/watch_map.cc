#include "watch/watch_map.h"

namespace tidemark {

void WatchMap::Set(int wd, const std::string& path) {
  Forget(wd);
  paths_[wd] = path;
  wds_[path] = wd;
}

void WatchMap::Forget(int wd) {
  const auto it = paths_.find(wd);
  if (it == paths_.end()) return;
  const auto by_path = wds_.find(it->second);
  if (by_path != wds_.end() && by_path->second == wd) wds_.erase(by_path);
  paths_.erase(it);
}

const std::string* WatchMap::PathOf(int wd) const {
  const auto it = paths_.find(wd);
  return it == paths_.end() ? nullptr : &it->second;
}

std::vector<int> WatchMap::Subtree(const std::string& path) const {
  std::vector<int> wds;
  if (path.empty()) {  // the root: everything
    for (const auto& [unused, wd] : wds_) wds.push_back(wd);
    return wds;
  }
  if (const auto it = wds_.find(path); it != wds_.end()) {
    wds.push_back(it->second);
  }
  // Not upper_bound(path): "a-b" sorts between "a" and "a/".
  const std::string prefix = path + "/";
  for (auto it = wds_.lower_bound(prefix);
       it != wds_.end() && it->first.starts_with(prefix); ++it) {
    wds.push_back(it->second);
  }
  return wds;
}

void WatchMap::Rename(const std::string& from, const std::string& to) {
  for (const int wd : Subtree(from)) {
    const std::string old_path = paths_.at(wd);
    Set(wd, to + old_path.substr(from.size()));
  }
}

}  // namespace tidemark
