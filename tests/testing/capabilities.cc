#include "testing/capabilities.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

namespace tidemark {

std::string RunWithoutDacOverride(const std::function<std::string()>& body) {
  int fds[2];
  if (pipe(fds) != 0) return "child failed: pipe";
  const pid_t pid = fork();
  if (pid < 0) return "child failed: fork";
  if (pid == 0) {
    close(fds[0]);
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    std::string out;
    if (syscall(SYS_capget, &header, data) != 0) {
      out = "child failed: capget";
    } else {
      const uint32_t drop =
          (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);
      data[0].effective &= ~drop;
      data[0].permitted &= ~drop;
      data[0].inheritable &= ~drop;
      out = syscall(SYS_capset, &header, data) == 0 ? body()
                                                    : "child failed: capset";
    }
    for (size_t off = 0; off < out.size();) {
      const ssize_t n = write(fds[1], out.data() + off, out.size() - off);
      if (n <= 0) _exit(2);
      off += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string result;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) result.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    result += "\nchild failed: exit status " + std::to_string(status);
  }
  return result;
}

}  // namespace tidemark
