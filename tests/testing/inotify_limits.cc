#include "testing/inotify_limits.h"

#include <dirent.h>
#include <sys/stat.h>

#include <fstream>
#include <utility>

namespace tidemark::testing {

long ReadSysctl(const std::string& file) {
  std::ifstream in(file);
  long value = -1;
  in >> value;
  return value;
}

bool WriteSysctl(const std::string& file, long value) {
  std::ofstream out(file);
  out << value << "\n";
  out.flush();
  return static_cast<bool>(out);
}

long RootWatchesInUse() {
  long count = 0;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return -1;
  while (dirent* p = readdir(proc)) {
    const std::string pid = p->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st;
    if (stat(("/proc/" + pid).c_str(), &st) != 0 || st.st_uid != 0) continue;
    const std::string fdinfo = "/proc/" + pid + "/fdinfo";
    DIR* fds = opendir(fdinfo.c_str());
    if (fds == nullptr) continue;
    while (dirent* f = readdir(fds)) {
      if (f->d_name[0] == '.') continue;
      std::ifstream in(fdinfo + "/" + f->d_name);
      std::string line;
      while (std::getline(in, line)) {
        if (line.starts_with("inotify wd:")) ++count;
      }
    }
    closedir(fds);
  }
  closedir(proc);
  return count;
}

SysctlGuard::SysctlGuard(std::string file)
    : file_(std::move(file)), original_(ReadSysctl(file_)) {}

bool SysctlGuard::Set(long value) {
  changed_ = true;
  return WriteSysctl(file_, value);
}

void SysctlGuard::Restore() {
  if (changed_ && original_ > 0) WriteSysctl(file_, original_);
  changed_ = false;
}

}  // namespace tidemark::testing
