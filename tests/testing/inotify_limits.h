// Test support for the kernel's inotify limits: reading and writing the
// fs.inotify sysctls, a guard that puts a sysctl back however a test ends,
// and a count of the watches root's processes hold now. Writing needs root;
// a lowered limit binds every process of the user, so tests using it run
// alone (RUN_SERIAL). Not thread-safe.
#ifndef TIDEMARK_TESTING_INOTIFY_LIMITS_H_
#define TIDEMARK_TESTING_INOTIFY_LIMITS_H_

#include <string>

namespace tidemark::testing {

inline constexpr char kMaxQueuedEventsFile[] =
    "/proc/sys/fs/inotify/max_queued_events";
inline constexpr char kMaxUserWatchesFile[] =
    "/proc/sys/fs/inotify/max_user_watches";

// -1 when the file cannot be read.
long ReadSysctl(const std::string& file);
bool WriteSysctl(const std::string& file, long value);

// Inotify watches held by root's processes now, from their fdinfo; -1 when
// /proc cannot be read.
long RootWatchesInUse();

// Sets a sysctl for a while and puts the original value back at Restore or
// destruction, however the test ends.
class SysctlGuard {
 public:
  explicit SysctlGuard(std::string file);
  ~SysctlGuard() { Restore(); }
  SysctlGuard(const SysctlGuard&) = delete;
  SysctlGuard& operator=(const SysctlGuard&) = delete;

  long original() const { return original_; }
  bool Set(long value);
  void Restore();

 private:
  std::string file_;
  long original_;
  bool changed_ = false;
};

}  // namespace tidemark::testing

#endif  // TIDEMARK_TESTING_INOTIFY_LIMITS_H_
