// StopSignals: how the long-running commands (worker, watch, serve,
// repair) stop. SIGINT and SIGTERM are blocked and taken by a thread of
// their own, so no signal handler ever runs in the middle of a catalog
// write. The first signal calls `on_stop` (on that thread) and then wakes
// Wait; a second one exits the process at once with 128 + the signal
// number (the catalog stays consistent; leases then expire).
//
// Construct it before starting other threads, which inherit the blocked
// mask. Destruction wakes and joins the signal thread. Not copyable.
#ifndef TIDEMARK_CLI_STOP_SIGNALS_H_
#define TIDEMARK_CLI_STOP_SIGNALS_H_

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace tidemark::cli {

class StopSignals {
 public:
  explicit StopSignals(std::function<void()> on_stop);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Blocks until the first signal was taken and `on_stop` returned.
  void Wait();

 private:
  sigset_t signals_;
  std::atomic<bool> finished_{false};
  std::mutex mu_;
  std::condition_variable stopped_cv_;
  bool stopped_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_STOP_SIGNALS_H_
