// FakeHost and FakeProcessProbe: a machine's processes as a table the test
// sets up, and the ProcessProbe that one of its processes sees, so that
// "this host", "another host", "gone" and "pid reused" need no real
// process.
//
// Thread-safe: the table has its own lock.
#ifndef TIDEMARK_TESTS_FAKES_FAKE_PROCESS_PROBE_H_
#define TIDEMARK_TESTS_FAKES_FAKE_PROCESS_PROBE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "common/process_identity.h"

namespace tidemark {

// One boot of one machine, with one pid namespace.
class FakeHost {
 public:
  explicit FakeHost(std::string boot_id) : boot_id_(std::move(boot_id)) {}

  const std::string& boot_id() const { return boot_id_; }

  // Process `pid` runs from now on, started at `start_ticks` (a reused pid
  // replaces the process that had it).
  void Start(int64_t pid, uint64_t start_ticks) {
    std::lock_guard<std::mutex> lock(mu_);
    running_[pid] = start_ticks;
  }
  // Process `pid` exits.
  void Kill(int64_t pid) {
    std::lock_guard<std::mutex> lock(mu_);
    running_.erase(pid);
  }
  Result<uint64_t> StartTicks(int64_t pid) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = running_.find(pid);
    if (it == running_.end()) {
      return Status::NotFound("no process " + std::to_string(pid));
    }
    return it->second;
  }

 private:
  const std::string boot_id_;
  mutable std::mutex mu_;
  std::map<int64_t, uint64_t> running_;  // pid -> start ticks
};

// What process `pid` of `host` sees. The host must outlive it.
class FakeProcessProbe final : public ProcessProbe {
 public:
  FakeProcessProbe(const FakeHost& host, int64_t pid)
      : host_(host), pid_(pid) {}

  ProcessIdentity Self() const override {
    auto ticks = host_.StartTicks(pid_);
    return {host_.boot_id(), 1, pid_, ticks.ok() ? *ticks : 0};
  }
  Result<uint64_t> StartTicks(int64_t pid) const override {
    return host_.StartTicks(pid);
  }

 private:
  const FakeHost& host_;
  const int64_t pid_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_FAKE_PROCESS_PROBE_H_
