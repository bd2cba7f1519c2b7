// tidemark_runstat: runs one command and reports its wall time, peak resident
// memory and exit status as a single JSON line, so the benchmark script can
// time tidemark and the reference tools (find, rclone) the same way.
//
//   tidemark_runstat [--quiet] [--json-out FILE] [--] CMD ARGS...
//
// The command's stdout passes through, or goes to /dev/null with --quiet; its
// stderr always passes through. The report goes to stderr, or is appended to
// FILE with --json-out, and looks like
//   {"wall_ms":1234.5,"user_ms":900.1,"sys_ms":300.2,"max_rss_kb":81234,"exit":0}
// Wall time is CLOCK_MONOTONIC around fork and wait4; max_rss_kb and the CPU
// times are the rusage wait4 returns for the child (which covers the
// descendants it waited for). "exit" is the exit status, 128+N when the child
// died of signal N, and 127 when the command could not be started.
// tidemark_runstat exits with that same value; 2 on a usage error.

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

[[noreturn]] void Usage(const char* message) {
  if (message != nullptr)
    std::fprintf(stderr, "tidemark_runstat: %s\n", message);
  std::fputs(
      "usage: tidemark_runstat [--quiet] [--json-out FILE] [--] CMD ARGS...\n",
      stderr);
  std::exit(2);
}

double Millis(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) * 1e3 +
         static_cast<double>(tv.tv_usec) / 1e3;
}

double MonotonicMillis() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 +
         static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  bool quiet = false;
  std::string json_out;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "--quiet") {
      quiet = true;
    } else if (arg == "--json-out") {
      if (i + 1 >= argc) Usage("--json-out needs a file");
      json_out = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      Usage(nullptr);
    } else if (arg.rfind("--", 0) == 0) {
      Usage(("unknown option " + arg).c_str());
    } else {
      break;  // the command starts here
    }
  }
  if (i >= argc) Usage("no command given");
  char** command = argv + i;

  // The child takes ^C from the terminal itself; we stay to report on it.
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old_int = {};
  struct sigaction old_quit = {};
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGQUIT, &ignore, &old_quit);

  // A pipe with O_CLOEXEC tells the parent whether execvp succeeded: it is
  // closed silently on success and carries errno on failure.
  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    std::fprintf(stderr, "tidemark_runstat: pipe: %s\n", std::strerror(errno));
    return 127;
  }

  const double start = MonotonicMillis();
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::fprintf(stderr, "tidemark_runstat: fork: %s\n", std::strerror(errno));
    return 127;
  }
  if (pid == 0) {
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGQUIT, &old_quit, nullptr);
    ::close(exec_pipe[0]);
    if (quiet) {
      const int null_fd = ::open("/dev/null", O_WRONLY);
      if (null_fd >= 0) {
        ::dup2(null_fd, STDOUT_FILENO);
        ::close(null_fd);
      }
    }
    ::execvp(command[0], command);
    const int err = errno;
    ssize_t ignored = ::write(exec_pipe[1], &err, sizeof err);
    (void)ignored;
    ::_exit(127);
  }
  ::close(exec_pipe[1]);

  int status = 0;
  rusage usage = {};
  pid_t waited;
  do {
    waited = ::wait4(pid, &status, 0, &usage);
  } while (waited < 0 && errno == EINTR);
  const double wall_ms = MonotonicMillis() - start;

  int exec_errno = 0;
  ssize_t got;
  do {
    got = ::read(exec_pipe[0], &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  ::close(exec_pipe[0]);

  int exit_code;
  if (waited < 0) {
    std::fprintf(stderr, "tidemark_runstat: wait4: %s\n", std::strerror(errno));
    exit_code = 127;
  } else if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    std::fprintf(stderr, "tidemark_runstat: cannot run %s: %s\n", command[0],
                 std::strerror(exec_errno));
    exit_code = 127;
  } else if (WIFEXITED(status)) {
    exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    exit_code = 128 + WTERMSIG(status);
  } else {
    exit_code = 127;
  }

  char line[256];
  std::snprintf(line, sizeof line,
                "{\"wall_ms\":%.1f,\"user_ms\":%.1f,\"sys_ms\":%.1f,\"max_rss_"
                "kb\":%ld,\"exit\":%d}\n",
                wall_ms, Millis(usage.ru_utime), Millis(usage.ru_stime),
                usage.ru_maxrss, exit_code);
  if (json_out.empty()) {
    std::fputs(line, stderr);
  } else {
    std::FILE* f = std::fopen(json_out.c_str(), "a");
    if (f == nullptr) {
      std::fprintf(stderr, "tidemark_runstat: cannot write %s: %s\n",
                   json_out.c_str(), std::strerror(errno));
      std::fputs(line, stderr);
      return exit_code == 0 ? 1 : exit_code;
    }
    std::fputs(line, f);
    std::fclose(f);
  }
  return exit_code;
}
