// Process identity: what tells one process apart from every other, on any
// host and at any time, so that a lease left behind by a process that died
// (kill -9, a crash) can be recognized as such on the host where it ran.
//
// A worker id ("host:pid", or any name the operator chose) says neither
// which machine nor which process holds a lease: two hosts may share a name,
// and a pid is reused. The identity is the kernel's boot id (unique per boot
// of a machine), the pid namespace (its inode; containers have their own),
// the pid, and the process's start time (clock ticks since boot, field 22 of
// /proc/PID/stat), which tells a reused pid from the process that had it.
//
// JudgeProcess is the pure decision; ProcessProbe is the seam that reads
// /proc (SystemProcessProbe), faked in tests. All of it is thread-safe.
#ifndef TIDEMARK_COMMON_PROCESS_IDENTITY_H_
#define TIDEMARK_COMMON_PROCESS_IDENTITY_H_

#include <cstdint>
#include <string>

#include "common/result.h"

namespace tidemark {

struct ProcessIdentity {
  std::string boot_id;         // /proc/sys/kernel/random/boot_id; "" unknown
  uint64_t pid_namespace = 0;  // inode of /proc/self/ns/pid; 0 unknown
  int64_t pid = 0;             // in that namespace; 0 unknown
  uint64_t start_ticks = 0;    // since boot; 0 unknown

  // True when every field is known: only then can the process be judged.
  bool complete() const {
    return !boot_id.empty() && pid_namespace != 0 && pid > 0 &&
           start_ticks != 0;
  }
  bool operator==(const ProcessIdentity&) const = default;
};

// What is known about the process behind an identity, from another process.
enum class ProcessFate {
  // Another host, another pid namespace, or an identity that is not
  // complete (a lease written before identities were stored): only the
  // lease's expiry can tell.
  kUnknown,
  kRunning,  // this host and namespace, and that very process still runs
  kGone,     // this host and namespace, and that process no longer exists
};

std::string_view ProcessFateName(ProcessFate fate);

// Pure. True when `a` and `b` are complete and name the same boot of the
// same machine and the same pid namespace: only then do their pids mean the
// same thing.
bool SameProcessSpace(const ProcessIdentity& a, const ProcessIdentity& b);

// Pure. The fate of `other`, seen from the process `self`, given what a
// probe of other.pid in self's namespace found: its start time, NotFound
// when no process has that pid (or only an exited one, a zombie), or any
// other error when it could not be told. A different start time means the
// pid was reused: the process that had it is gone. Anything short of "this
// host, this namespace, and that process is gone" is kRunning or kUnknown.
ProcessFate JudgeProcess(const ProcessIdentity& other,
                         const ProcessIdentity& self,
                         const Result<uint64_t>& start_ticks_of_pid);

// The seam to the kernel's view of processes.
class ProcessProbe {
 public:
  virtual ~ProcessProbe() = default;
  // The calling process's identity; fields that cannot be read stay unknown
  // (then nothing is ever judged gone).
  virtual ProcessIdentity Self() const = 0;
  // The start time of process `pid` of the caller's pid namespace: NotFound
  // when there is none or it has exited (a zombie); other codes when it
  // cannot be told.
  virtual Result<uint64_t> StartTicks(int64_t pid) const = 0;
};

// Probes `other` from this process: Self(), and StartTicks only when both
// share a process space.
ProcessFate ProbeProcess(const ProcessIdentity& other,
                         const ProcessProbe& probe);

// The probe that reads /proc. Self() is unknown when /proc is not this
// process's own (mounted for another pid namespace). Never destroyed.
const ProcessProbe& SystemProcessProbe();

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_PROCESS_IDENTITY_H_
