// JudgeProcess (pure): a holder is gone only when it is on this host, in
// this pid namespace, and its pid runs no more or runs another process.
// SystemProcessProbe against real processes: this one, a child that runs,
// a child that exited but was not reaped (a zombie), and a reaped one.
#include "common/process_identity.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

namespace tidemark {
namespace {

const ProcessIdentity kSelf{"boot-1", 4026531836u, 100, 5000};

ProcessIdentity Holder(int64_t pid, uint64_t ticks) {
  return {"boot-1", 4026531836u, pid, ticks};
}

TEST(JudgeProcessTest, SameProcessThatStillRunsIsRunning) {
  EXPECT_EQ(JudgeProcess(Holder(812, 7000), kSelf, uint64_t{7000}),
            ProcessFate::kRunning);
}

TEST(JudgeProcessTest, NoProcessWithThePidIsGone) {
  EXPECT_EQ(JudgeProcess(Holder(812, 7000), kSelf, Status::NotFound("none")),
            ProcessFate::kGone);
}

TEST(JudgeProcessTest, ReusedPidIsGone) {
  // Another process started later got the pid; so did one started earlier
  // (after a wrap-around of the pid space, no order can be assumed).
  EXPECT_EQ(JudgeProcess(Holder(812, 7000), kSelf, uint64_t{9000}),
            ProcessFate::kGone);
  EXPECT_EQ(JudgeProcess(Holder(812, 7000), kSelf, uint64_t{10}),
            ProcessFate::kGone);
}

TEST(JudgeProcessTest, AnotherHostOrNamespaceIsUnknown) {
  ProcessIdentity other_host = Holder(812, 7000);
  other_host.boot_id = "boot-2";
  EXPECT_EQ(JudgeProcess(other_host, kSelf, Status::NotFound("none")),
            ProcessFate::kUnknown);
  ProcessIdentity other_namespace = Holder(812, 7000);
  other_namespace.pid_namespace = 4026532000u;
  EXPECT_EQ(JudgeProcess(other_namespace, kSelf, Status::NotFound("none")),
            ProcessFate::kUnknown);
}

TEST(JudgeProcessTest, IncompleteIdentitiesAreUnknown) {
  // A lease from before identities were stored, and a caller that could not
  // read its own (a /proc of another namespace).
  EXPECT_EQ(JudgeProcess(ProcessIdentity{}, kSelf, Status::NotFound("none")),
            ProcessFate::kUnknown);
  for (int field = 0; field < 4; ++field) {
    ProcessIdentity partial = Holder(812, 7000);
    if (field == 0) partial.boot_id.clear();
    if (field == 1) partial.pid_namespace = 0;
    if (field == 2) partial.pid = 0;
    if (field == 3) partial.start_ticks = 0;
    EXPECT_EQ(JudgeProcess(partial, kSelf, Status::NotFound("none")),
              ProcessFate::kUnknown)
        << "field " << field;
    EXPECT_EQ(JudgeProcess(Holder(812, 7000), partial, Status::NotFound("x")),
              ProcessFate::kUnknown)
        << "field " << field;
  }
}

TEST(JudgeProcessTest, AProbeThatCannotTellIsUnknown) {
  EXPECT_EQ(JudgeProcess(Holder(812, 7000), kSelf,
                         Status::PermissionDenied("hidden")),
            ProcessFate::kUnknown);
  EXPECT_EQ(JudgeProcess(Holder(812, 7000), kSelf, Status::Unavailable("?")),
            ProcessFate::kUnknown);
}

// The real probe.

// A child that sleeps until it is killed; 0 if fork failed.
pid_t StartSleeper() {
  const pid_t pid = fork();
  if (pid == 0) {
    pause();
    _exit(0);
  }
  return pid > 0 ? pid : 0;
}

// The state letter of `pid` in /proc/PID/stat ("" if none).
std::string StateOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size()
             ? ""
             : text.substr(close + 2, 1);
}

TEST(SystemProcessProbeTest, SelfIsCompleteAndRunning) {
  const ProcessProbe& probe = SystemProcessProbe();
  const ProcessIdentity self = probe.Self();
  ASSERT_TRUE(self.complete())
      << "boot id '" << self.boot_id << "', namespace " << self.pid_namespace
      << ", start " << self.start_ticks;
  EXPECT_EQ(self.pid, getpid());
  EXPECT_EQ(ProbeProcess(self, probe), ProcessFate::kRunning);
  EXPECT_EQ(probe.Self(), self) << "the identity of a process never changes";
}

TEST(SystemProcessProbeTest, ChildIsRunningThenGoneAsZombieAndWhenReaped) {
  const ProcessProbe& probe = SystemProcessProbe();
  const pid_t child = StartSleeper();
  ASSERT_GT(child, 0);
  auto ticks = probe.StartTicks(child);
  ASSERT_TRUE(ticks.ok()) << ticks.status().ToString();
  ProcessIdentity holder = probe.Self();
  holder.pid = child;
  holder.start_ticks = *ticks;
  EXPECT_EQ(ProbeProcess(holder, probe), ProcessFate::kRunning);

  // A start time that differs: the pid was reused.
  ProcessIdentity before = holder;
  before.start_ticks = *ticks + 1;
  EXPECT_EQ(ProbeProcess(before, probe), ProcessFate::kGone);

  // Killed but not reaped: a zombie holds nothing and never writes again.
  ASSERT_EQ(kill(child, SIGKILL), 0);
  for (int i = 0; i < 500 && StateOf(child) != "Z"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(StateOf(child), "Z");
  EXPECT_TRUE(probe.StartTicks(child).status().IsNotFound());
  EXPECT_EQ(ProbeProcess(holder, probe), ProcessFate::kGone);

  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(probe.StartTicks(child).status().IsNotFound());
  EXPECT_EQ(ProbeProcess(holder, probe), ProcessFate::kGone);
}

TEST(SystemProcessProbeTest, HolderOnAnotherBootIsNotProbed) {
  ProcessIdentity holder = SystemProcessProbe().Self();
  holder.boot_id = "not-this-boot";
  holder.pid = 1;  // surely not gone here; surely not ours elsewhere either
  EXPECT_EQ(ProbeProcess(holder, SystemProcessProbe()), ProcessFate::kUnknown);
}

}  // namespace
}  // namespace tidemark
