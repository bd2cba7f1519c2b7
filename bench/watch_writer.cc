// tidemark_watch_writer: writes small files at a fixed rate and records, for
// each one, the wall-clock time right after its close(), so the daemon
// benchmark (watch_bench.sh) can compare it with the time the catalog
// stamped on the file's record.
//
//   tidemark_watch_writer --root DIR [--dirs 100] --mkdir-only
//   tidemark_watch_writer --root DIR --files N [--rate 1000] [--dirs 100]
//                         [--size 2048] [--prefix f] --out FILE
//
// The directories w000, w001, ... (--dirs of them) are made first; with
// --mkdir-only that is all, so a benchmark can make them before the daemon
// starts and the daemon's startup sync covers them. File i goes to
// w<i % dirs>/<prefix><i>, is opened with O_CREAT|O_EXCL, written in one
// write() of --size bytes (a header naming i, so no two files share
// contents) and closed. Writes follow an absolute schedule on
// CLOCK_MONOTONIC (file i is due at start + i / rate), so a late write does
// not shift the ones after it; the schedule is never made up by bursts
// beyond what lateness forces.
//
// FILE gets one line per file: the repository-relative path, a tab, and
// CLOCK_REALTIME in nanoseconds right after close() returned (the clock
// tidemark's SystemClock::NowNanos reads). A summary line goes to stderr:
// the achieved rate (files - 1 intervals over the time from the first
// write to the last close) and how far behind the schedule it fell.
// Exits 1 if a file cannot be written, 2 on a usage error.
//
// Only the C++ standard library and POSIX, like the other bench tools.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

struct Options {
  std::string root;
  std::string out;
  std::string prefix = "f";
  std::uint64_t files = 0;
  std::uint64_t rate = 1000;
  std::uint64_t dirs = 100;
  std::uint64_t size = 2048;
  bool mkdir_only = false;
};

[[noreturn]] void Usage(const char* message) {
  if (message != nullptr) {
    std::fprintf(stderr, "tidemark_watch_writer: %s\n", message);
  }
  std::fputs(
      "usage: tidemark_watch_writer --root DIR [--dirs D] --mkdir-only\n"
      "       tidemark_watch_writer --root DIR --files N [--rate R] [--dirs D]"
      " [--size BYTES] [--prefix P] --out FILE\n",
      stderr);
  std::exit(2);
}

std::uint64_t ParseCount(const std::string& flag, const char* value) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || value[0] == '-') {
    Usage((flag + " wants a non-negative integer").c_str());
  }
  return v;
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) Usage((arg + " needs a value").c_str());
      return argv[++i];
    };
    if (arg == "--root") {
      o.root = next();
    } else if (arg == "--out") {
      o.out = next();
    } else if (arg == "--prefix") {
      o.prefix = next();
    } else if (arg == "--files") {
      o.files = ParseCount(arg, next());
    } else if (arg == "--rate") {
      o.rate = ParseCount(arg, next());
    } else if (arg == "--dirs") {
      o.dirs = ParseCount(arg, next());
    } else if (arg == "--size") {
      o.size = ParseCount(arg, next());
    } else if (arg == "--mkdir-only") {
      o.mkdir_only = true;
    } else if (arg == "-h" || arg == "--help") {
      Usage(nullptr);
    } else {
      Usage(("unknown argument " + arg).c_str());
    }
  }
  if (o.root.empty()) Usage("--root is required");
  if (o.dirs == 0) Usage("--dirs must be at least 1");
  if (!o.mkdir_only) {
    if (o.files == 0) Usage("--files must be at least 1");
    if (o.rate == 0) Usage("--rate must be at least 1");
    if (o.out.empty()) Usage("--out is required");
    if (o.size > (std::uint64_t{1} << 24)) Usage("--size is at most 16 MiB");
  }
  return o;
}

std::int64_t Nanos(clockid_t clock) {
  timespec ts;
  ::clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string DirName(std::uint64_t d) {
  char name[32];
  std::snprintf(name, sizeof name, "w%03" PRIu64, d);
  return name;
}

bool WriteAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  if (::mkdir(o.root.c_str(), 0755) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "tidemark_watch_writer: mkdir %s: %s\n",
                 o.root.c_str(), std::strerror(errno));
    return 1;
  }
  for (std::uint64_t d = 0; d < o.dirs; ++d) {
    const std::string dir = o.root + "/" + DirName(d);
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      std::fprintf(stderr, "tidemark_watch_writer: mkdir %s: %s\n", dir.c_str(),
                   std::strerror(errno));
      return 1;
    }
  }
  if (o.mkdir_only) return 0;

  std::vector<std::string> paths(o.files);
  for (std::uint64_t i = 0; i < o.files; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "%s%07" PRIu64, o.prefix.c_str(), i);
    paths[i] = DirName(i % o.dirs) + "/" + name;
  }
  std::vector<std::int64_t> closed(o.files, 0);
  std::string content(o.size, '\0');
  for (std::uint64_t k = 0; k < o.size; ++k) {
    content[k] = static_cast<char>('a' + (k * 7 + k / 26) % 26);
  }

  const std::int64_t interval =
      1'000'000'000 / static_cast<std::int64_t>(o.rate);
  const std::int64_t start = Nanos(CLOCK_MONOTONIC);
  std::int64_t max_late = 0;
  for (std::uint64_t i = 0; i < o.files; ++i) {
    const std::int64_t due = start + static_cast<std::int64_t>(i) * interval;
    timespec at = {static_cast<time_t>(due / 1'000'000'000),
                   static_cast<long>(due % 1'000'000'000)};
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) ==
           EINTR) {
    }
    const std::int64_t late = Nanos(CLOCK_MONOTONIC) - due;
    if (late > max_late) max_late = late;

    const std::string full = o.root + "/" + paths[i];
    // A header naming the file keeps every file's contents distinct.
    char header[32];
    const int header_size =
        std::snprintf(header, sizeof header, "file %" PRIu64 "\n", i);
    std::memcpy(
        content.data(), header,
        std::min(content.size(), static_cast<std::size_t>(header_size)));
    const int fd =
        ::open(full.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || !WriteAll(fd, content.data(), content.size())) {
      std::fprintf(stderr, "tidemark_watch_writer: write %s: %s\n",
                   full.c_str(), std::strerror(errno));
      if (fd >= 0) ::close(fd);
      return 1;
    }
    if (::close(fd) != 0) {
      std::fprintf(stderr, "tidemark_watch_writer: close %s: %s\n",
                   full.c_str(), std::strerror(errno));
      return 1;
    }
    closed[i] = Nanos(CLOCK_REALTIME);
  }
  // From the first write to the last close: files - 1 intervals.
  const std::int64_t elapsed = Nanos(CLOCK_MONOTONIC) - start;

  std::FILE* out = std::fopen(o.out.c_str(), "w");
  if (out == nullptr) {
    std::fprintf(stderr, "tidemark_watch_writer: cannot write %s: %s\n",
                 o.out.c_str(), std::strerror(errno));
    return 1;
  }
  for (std::uint64_t i = 0; i < o.files; ++i) {
    std::fprintf(out, "%s\t%" PRId64 "\n", paths[i].c_str(), closed[i]);
  }
  if (std::fclose(out) != 0) {
    std::fprintf(stderr, "tidemark_watch_writer: cannot write %s\n",
                 o.out.c_str());
    return 1;
  }
  const double seconds = static_cast<double>(elapsed) / 1e9;
  std::fprintf(stderr,
               "{\"files\":%" PRIu64
               ",\"seconds\":%.3f,\"rate\":%.1f,"
               "\"max_late_ms\":%.1f}\n",
               o.files, seconds,
               seconds > 0 ? static_cast<double>(o.files - 1) / seconds : 0.0,
               static_cast<double>(max_late) / 1e6);
  return 0;
}
