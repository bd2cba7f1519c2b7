// ProcessIdentity: what names one process on one host for as long as it
// lives, and never another process afterwards: the kernel's boot id, the
// pid namespace, the pid and the process's start time (so a reused pid is
// told apart). tidemark writes it into the names of its working files
// (common/writer_files.h) so that a later process can tell whether their
// writer still runs.
//
// LookUpProcess answers from /proc, exactly, for a process of this boot and
// this pid namespace; any other one (another host on a shared mount,
// another container, a previous boot) is kUnknown, never "gone". Reads
// /proc; thread-safe.
#ifndef TIDEMARK_COMMON_PROCESS_IDENTITY_H_
#define TIDEMARK_COMMON_PROCESS_IDENTITY_H_

#include <cstdint>
#include <string>

namespace tidemark {

struct ProcessIdentity {
  std::string boot_id;         // hex digits of the boot id; "" when unknown
  uint64_t pid_namespace = 0;  // inode of /proc/PID/ns/pid; 0 when unknown
  int64_t pid = 0;
  uint64_t start_ticks = 0;  // field 22 of /proc/PID/stat; 0 when unknown

  bool complete() const {
    return !boot_id.empty() && pid_namespace != 0 && pid > 0 &&
           start_ticks != 0;
  }
  bool operator==(const ProcessIdentity&) const = default;
};

// This process (read once per pid, so a forked child gets its own).
ProcessIdentity ThisProcess();

enum class ProcessState {
  kAlive,    // that very process runs now (pid and start time match)
  kGone,     // this boot and pid namespace, and no such process runs
  kUnknown,  // another boot, namespace or host, or an incomplete identity
};

ProcessState LookUpProcess(const ProcessIdentity& who);

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_PROCESS_IDENTITY_H_
