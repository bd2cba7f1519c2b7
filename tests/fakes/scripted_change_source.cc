#include "fakes/scripted_change_source.h"

#include <sys/stat.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace tidemark {

struct ScriptedChanges::State {
  struct Feed {
    std::deque<FsEvent> events;
    int open = 0;
    int started = 0;
    Status start_failure;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, Feed> feeds;  // by root; guarded by mu
};

namespace {

class ScriptedChangeSource final : public ChangeSource {
 public:
  ScriptedChangeSource(std::shared_ptr<ScriptedChanges::State> state,
                       std::string root)
      : state_(std::move(state)), root_(std::move(root)) {}
  ~ScriptedChangeSource() override { Close(); }

  Status Start() override {
    struct stat st;
    if (::stat(root_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::NotFound("no directory to watch at " + root_);
    }
    std::lock_guard<std::mutex> lock(state_->mu);
    auto& feed = state_->feeds[root_];
    if (!feed.start_failure.ok()) return feed.start_failure;
    if (started_ || closed_) {
      return Status::FailedPrecondition("a source starts once");
    }
    started_ = true;
    ++feed.open;
    ++feed.started;
    return Status::Ok();
  }

  Result<size_t> Poll(std::vector<FsEvent>* out,
                      std::chrono::milliseconds timeout) override {
    std::unique_lock<std::mutex> lock(state_->mu);
    auto& feed = state_->feeds[root_];
    state_->cv.wait_for(lock, timeout, [&] {
      return closed_ || (started_ && !feed.events.empty());
    });
    if (closed_ || !started_) return size_t{0};
    size_t n = 0;
    for (; !feed.events.empty(); ++n) {
      out->push_back(std::move(feed.events.front()));
      feed.events.pop_front();
    }
    return n;
  }

  void Close() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (!closed_ && started_) --state_->feeds[root_].open;
    closed_ = true;
    state_->cv.notify_all();
  }

 private:
  const std::shared_ptr<ScriptedChanges::State> state_;
  const std::string root_;
  bool started_ = false;  // guarded by state_->mu
  bool closed_ = false;   // guarded by state_->mu
};

}  // namespace

ScriptedChanges::ScriptedChanges() : state_(std::make_shared<State>()) {}

std::function<Result<std::unique_ptr<ChangeSource>>(const std::string&)>
ScriptedChanges::Factory() const {
  return [state = state_](const std::string& watch_root)
             -> Result<std::unique_ptr<ChangeSource>> {
    return std::unique_ptr<ChangeSource>(
        std::make_unique<ScriptedChangeSource>(state, watch_root));
  };
}

void ScriptedChanges::Push(const std::string& root, FsEvent event) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->feeds[root].events.push_back(std::move(event));
  state_->cv.notify_all();
}

void ScriptedChanges::FailStart(const std::string& root, Status s) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->feeds[root].start_failure = std::move(s);
}

int ScriptedChanges::open_sources(const std::string& root) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->feeds.find(root);
  return it == state_->feeds.end() ? 0 : it->second.open;
}

int ScriptedChanges::started_sources(const std::string& root) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->feeds.find(root);
  return it == state_->feeds.end() ? 0 : it->second.started;
}

}  // namespace tidemark
