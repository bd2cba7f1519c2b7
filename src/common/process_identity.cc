#include "common/process_identity.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

namespace tidemark {
namespace {

// Boot ids are 128-bit UUIDs; 48 bits tell two boots apart well enough to
// keep file names short.
constexpr size_t kBootIdDigits = 12;

std::string ReadSmallFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string BootId() {
  std::string out;
  for (char c : ReadSmallFile("/proc/sys/kernel/random/boot_id")) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::tolower(c)));
    }
    if (out.size() == kBootIdDigits) break;
  }
  return out.size() == kBootIdDigits ? out : "";
}

// "pid:[4026531836]" -> 4026531836; 0 when unreadable.
uint64_t PidNamespace(const std::string& proc_dir) {
  char link[64];
  const ssize_t n =
      readlink((proc_dir + "/ns/pid").c_str(), link, sizeof(link) - 1);
  if (n <= 0) return 0;
  link[n] = '\0';
  const char* open = std::strchr(link, '[');
  return open == nullptr ? 0 : std::strtoull(open + 1, nullptr, 10);
}

struct Stat {
  bool exists = false;
  bool dead = false;  // a zombie: it writes nothing any more
  uint64_t start_ticks = 0;
};

// Field 3 (state) and 22 (start time) of /proc/PID/stat. The command name
// (field 2) may hold spaces and parentheses, so fields count from the last
// ')'.
Stat ReadStat(const std::string& proc_dir) {
  Stat out;
  const std::string text = ReadSmallFile(proc_dir + "/stat");
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return out;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int index = 3; fields >> field; ++index) {
    if (index == 3) out.dead = field == "Z" || field == "X";
    if (index == 22) {
      out.start_ticks = std::strtoull(field.c_str(), nullptr, 10);
      out.exists = true;
      break;
    }
  }
  return out;
}

}  // namespace

ProcessIdentity ThisProcess() {
  static std::mutex mu;
  static ProcessIdentity cached;
  const int64_t pid = getpid();
  std::lock_guard<std::mutex> lock(mu);
  if (cached.pid != pid) {
    cached.pid = pid;
    cached.boot_id = BootId();
    cached.pid_namespace = PidNamespace("/proc/self");
    cached.start_ticks = ReadStat("/proc/self").start_ticks;
  }
  return cached;
}

ProcessState LookUpProcess(const ProcessIdentity& who) {
  const ProcessIdentity self = ThisProcess();
  if (!who.complete() || !self.complete() || who.boot_id != self.boot_id ||
      who.pid_namespace != self.pid_namespace) {
    return ProcessState::kUnknown;
  }
  const std::string dir = "/proc/" + std::to_string(who.pid);
  const Stat stat = ReadStat(dir);
  if (!stat.exists) {
    // No such pid, unless /proc cannot be read at all.
    return access("/proc/self/stat", R_OK) == 0 ? ProcessState::kGone
                                                : ProcessState::kUnknown;
  }
  if (stat.dead || stat.start_ticks != who.start_ticks) {
    return ProcessState::kGone;
  }
  return ProcessState::kAlive;
}

}  // namespace tidemark
