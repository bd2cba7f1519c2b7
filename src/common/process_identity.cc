#include "common/process_identity.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace tidemark {
namespace {

// The whole of a small /proc file, or "" when it cannot be read.
std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ReadLink(const char* path) {
  char buf[256];
  const ssize_t n = readlink(path, buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// "pid:[4026531836]" -> 4026531836; 0 when it is not of that form.
uint64_t NamespaceInode(const std::string& link) {
  const size_t open = link.find('[');
  if (open == std::string::npos || link.back() != ']') return 0;
  const std::string digits = link.substr(open + 1, link.size() - open - 2);
  if (digits.empty() ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return 0;
  }
  return std::strtoull(digits.c_str(), nullptr, 10);
}

class ProcProbe final : public ProcessProbe {
 public:
  ProcessIdentity Self() const override {
    ProcessIdentity self;
    const int64_t pid = getpid();
    // A /proc mounted for another pid namespace names other processes by
    // our pids: nothing could be judged from it.
    if (ReadLink("/proc/self") != std::to_string(pid)) return self;
    std::string boot = ReadSmallFile("/proc/sys/kernel/random/boot_id");
    while (!boot.empty() && (boot.back() == '\n' || boot.back() == ' ')) {
      boot.pop_back();
    }
    self.boot_id = std::move(boot);
    self.pid_namespace = NamespaceInode(ReadLink("/proc/self/ns/pid"));
    self.pid = pid;
    if (auto ticks = StartTicks(pid); ticks.ok()) self.start_ticks = *ticks;
    return self;
  }

  Result<uint64_t> StartTicks(int64_t pid) const override {
    const std::string what = "process " + std::to_string(pid);
    if (pid <= 0) return Status::InvalidArgument(what + ": not a pid");
    // kill(pid, 0) answers whatever /proc may hide (hidepid): only ESRCH
    // means that nobody has the pid.
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      return Status::NotFound(what + " does not exist");
    }
    const std::string stat =
        ReadSmallFile("/proc/" + std::to_string(pid) + "/stat");
    // The name (field 2) may hold spaces and parentheses; the fields
    // after its closing parenthesis are plain numbers and letters.
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) {
      return Status::Unavailable(what + " runs, but /proc does not show it");
    }
    std::istringstream fields(stat.substr(close + 1));
    std::string state;
    fields >> state;  // field 3
    if (state == "Z" || state == "X") {
      return Status::NotFound(what + " has exited");
    }
    std::string field;
    for (int i = 4; i <= 22; ++i) fields >> field;  // field 22: starttime
    const uint64_t ticks = std::strtoull(field.c_str(), nullptr, 10);
    if (!fields || ticks == 0) {
      return Status::Unavailable(what + ": cannot read its start time");
    }
    return ticks;
  }
};

}  // namespace

std::string_view ProcessFateName(ProcessFate fate) {
  switch (fate) {
    case ProcessFate::kUnknown:
      return "unknown";
    case ProcessFate::kRunning:
      return "running";
    case ProcessFate::kGone:
      return "gone";
  }
  return "unknown";
}

bool SameProcessSpace(const ProcessIdentity& a, const ProcessIdentity& b) {
  return a.complete() && b.complete() && a.boot_id == b.boot_id &&
         a.pid_namespace == b.pid_namespace;
}

ProcessFate JudgeProcess(const ProcessIdentity& other,
                         const ProcessIdentity& self,
                         const Result<uint64_t>& start_ticks_of_pid) {
  if (!SameProcessSpace(other, self)) return ProcessFate::kUnknown;
  if (start_ticks_of_pid.ok()) {
    return *start_ticks_of_pid == other.start_ticks ? ProcessFate::kRunning
                                                    : ProcessFate::kGone;
  }
  return start_ticks_of_pid.status().IsNotFound() ? ProcessFate::kGone
                                                  : ProcessFate::kUnknown;
}

ProcessFate ProbeProcess(const ProcessIdentity& other,
                         const ProcessProbe& probe) {
  const ProcessIdentity self = probe.Self();
  if (!SameProcessSpace(other, self)) return ProcessFate::kUnknown;
  return JudgeProcess(other, self, probe.StartTicks(other.pid));
}

const ProcessProbe& SystemProcessProbe() {
  static const ProcProbe* const probe = new ProcProbe();
  return *probe;
}

}  // namespace tidemark
