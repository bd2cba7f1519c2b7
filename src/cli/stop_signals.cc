#include "cli/stop_signals.h"

#include <pthread.h>
#include <unistd.h>

#include <utility>

namespace tidemark::cli {

StopSignals::StopSignals(std::function<void()> on_stop) {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  thread_ = std::thread([this, on_stop = std::move(on_stop)] {
    int received = 0;
    for (int count = 0; sigwait(&signals_, &received) == 0; ++count) {
      if (finished_.load()) return;
      if (count > 0) _exit(128 + received);
      on_stop();
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
      stopped_cv_.notify_all();
    }
  });
}

void StopSignals::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  stopped_cv_.wait(lock, [this] { return stopped_; });
}

StopSignals::~StopSignals() {
  finished_ = true;
  pthread_kill(thread_.native_handle(), SIGTERM);
  thread_.join();
}

}  // namespace tidemark::cli
