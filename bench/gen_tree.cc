// tidemark_gen_tree: writes a deterministic tree of files for benchmarks and
// demos, and touches a deterministic fraction of an existing tree.
//
//   tidemark_gen_tree --root DIR --files N [--fanout 100] [--depth 3]
//                     [--seed 42] [--min-size 0] [--max-size 4096]
//                     [--photo-names] [--jobs J] [--quiet]
//   tidemark_gen_tree --root DIR --touch-percent P [--seed S] [--quiet]
//
// Generation. N files are spread over `depth` levels of directories
// (d00/d07/d13/f0000123) so that each leaf holds about `fanout` files and every
// level branches equally: 1,000,000 files at fanout 100 and depth 3 make
// 22 x 22 x 22 leaf folders of about 94 files each. With --photo-names the
// tree looks like a camera library instead (2019/05/IMG_0001.jpg,
// DSC_0002.JPG, ...), one folder per month ending in 2024/12.
//
// Everything observable is a pure function of the flags: names, sizes,
// contents and mtimes (directories get the newest file's mtime). Sizes, mtimes
// and content offsets are drawn in index order from one std::mt19937_64 stream,
// with the range reduction written out here (Bounded) instead of
// std::uniform_int_distribution, whose output differs between standard
// libraries. Contents are slices of a 1 MiB pool drawn from the same engine,
// prefixed with a header naming the file's index so that no two files larger
// than the header share contents. The draw order is part of the format:
// changing it changes every benchmark tree.
//
// Touching. --touch-percent lists the regular files under DIR, sorts their
// paths bytewise, picks round(count * P / 100) of them with a seeded partial
// Fisher-Yates shuffle, rewrites each one's contents in place (same size) and
// moves its mtime forward by 60 seconds. Running it twice with the same seed
// touches the same files.
//
// Only the C++ standard library and POSIX are used, so the generator builds
// before (and without) the rest of tidemark.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t kPoolSize = std::size_t{1} << 20;
constexpr std::size_t kChunkSize = std::size_t{1} << 16;
constexpr std::uint64_t kPoolSalt = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kTouchSalt = 0xc2b2ae3d27d4eb4fULL;
constexpr std::int64_t kTouchForwardSeconds = 60;
// 2024-01-01T00:00:00Z; plain trees get mtimes within the year after it.
constexpr std::int64_t kPlainEpoch = 1704067200;
constexpr std::int64_t kSecondsPerDay = 86400;
// Photo trees: one folder per month, the newest being 2024/12, at most this
// many months back (25 years).
constexpr std::uint64_t kMaxPhotoMonths = 300;
constexpr std::int64_t kLastPhotoMonth = 2024 * 12 + 11;

struct Options {
  std::string root;
  std::uint64_t files = 0;
  bool files_given = false;
  std::uint64_t fanout = 100;
  std::uint64_t depth = 3;
  std::uint64_t seed = 42;
  std::uint64_t min_size = 0;
  std::uint64_t max_size = 4096;
  bool photo_names = false;
  double touch_percent = -1;  // < 0: generate
  unsigned jobs = 0;          // 0: one per core
  bool quiet = false;
};

[[noreturn]] void Usage(const char* message) {
  if (message != nullptr)
    std::fprintf(stderr, "tidemark_gen_tree: %s\n", message);
  std::fputs(
      "usage: tidemark_gen_tree --root DIR --files N [--fanout 100] [--depth "
      "3]\n"
      "                         [--seed 42] [--min-size 0] [--max-size 4096]\n"
      "                         [--photo-names] [--jobs J] [--quiet]\n"
      "       tidemark_gen_tree --root DIR --touch-percent P [--seed S] "
      "[--quiet]\n",
      stderr);
  std::exit(2);
}

std::uint64_t ParseUnsigned(std::string_view flag, const std::string& text) {
  if (text.empty() || text[0] < '0' || text[0] > '9') {
    std::string m =
        std::string(flag) + " wants a non-negative integer, got '" + text + "'";
    Usage(m.c_str());
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') {
    std::string m =
        std::string(flag) + " wants a non-negative integer, got '" + text + "'";
    Usage(m.c_str());
  }
  return v;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_inline = false;
    if (auto eq = arg.find('=');
        arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    auto next = [&]() -> std::string {
      if (has_inline) return value;
      if (i + 1 >= argc) {
        std::string m = arg + " needs a value";
        Usage(m.c_str());
      }
      return argv[++i];
    };
    if (arg == "--root") {
      o.root = next();
    } else if (arg == "--files") {
      o.files = ParseUnsigned(arg, next());
      o.files_given = true;
    } else if (arg == "--fanout") {
      o.fanout = ParseUnsigned(arg, next());
    } else if (arg == "--depth") {
      o.depth = ParseUnsigned(arg, next());
    } else if (arg == "--seed") {
      o.seed = ParseUnsigned(arg, next());
    } else if (arg == "--min-size") {
      o.min_size = ParseUnsigned(arg, next());
    } else if (arg == "--max-size") {
      o.max_size = ParseUnsigned(arg, next());
    } else if (arg == "--jobs") {
      o.jobs = static_cast<unsigned>(ParseUnsigned(arg, next()));
    } else if (arg == "--touch-percent") {
      std::string t = next();
      char* end = nullptr;
      errno = 0;
      o.touch_percent = std::strtod(t.c_str(), &end);
      if (t.empty() || errno != 0 || *end != '\0' || !(o.touch_percent >= 0) ||
          o.touch_percent > 100) {
        Usage("--touch-percent wants a number from 0 to 100");
      }
    } else if (arg == "--photo-names" && !has_inline) {
      o.photo_names = true;
    } else if (arg == "--quiet" && !has_inline) {
      o.quiet = true;
    } else if (arg == "-h" || arg == "--help") {
      Usage(nullptr);
    } else {
      std::string m = "unknown argument '" + std::string(argv[i]) + "'";
      Usage(m.c_str());
    }
  }
  if (o.root.empty()) Usage("--root is required");
  if (o.touch_percent >= 0) {
    if (o.files_given)
      Usage("--touch-percent works on an existing tree; drop --files");
    return o;
  }
  if (!o.files_given) Usage("--files is required");
  if (o.fanout == 0) Usage("--fanout must be at least 1");
  if (o.depth > 16) Usage("--depth must be at most 16");
  if (o.min_size > o.max_size) Usage("--min-size is larger than --max-size");
  if (o.jobs == 0) o.jobs = std::max(1u, std::thread::hardware_concurrency());
  return o;
}

// A uniform draw from [0, n) that is the same with every standard library:
// rejection sampling on the engine's 64-bit output.
std::uint64_t Bounded(std::mt19937_64& rng, std::uint64_t n) {
  if (n <= 1) return 0;
  const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
  for (;;) {
    std::uint64_t x = rng();
    if (x >= threshold) return x % n;
  }
}

int Digits(std::uint64_t v) {
  int d = 1;
  while (v >= 10) {
    v /= 10;
    ++d;
  }
  return d;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string ErrnoText(int err) { return std::strerror(err); }

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

std::string HumanBytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", b, units[u]);
  return buf;
}

bool MakeDirs(const std::string& path, std::string* error) {
  for (std::size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      *error = "mkdir " + prefix + ": " + ErrnoText(errno);
      return false;
    }
  }
  return true;
}

// The content pool every file slices from; a function of the seed only.
std::vector<unsigned char> MakePool(std::uint64_t seed) {
  std::mt19937_64 rng(seed ^ kPoolSalt);
  std::vector<unsigned char> pool(kPoolSize);
  for (std::size_t i = 0; i < kPoolSize; i += 8) {
    std::uint64_t w = rng();
    for (std::size_t b = 0; b < 8; ++b)
      pool[i + b] = static_cast<unsigned char>(w >> (8 * b));
  }
  return pool;
}

// Writes `size` bytes to fd: `header` first, then the pool from `offset`,
// wrapping around. Returns 0 or an errno.
int WriteContent(int fd, std::uint64_t size, std::uint64_t offset,
                 std::string_view header,
                 const std::vector<unsigned char>& pool,
                 std::vector<unsigned char>& buf) {
  std::uint64_t written = 0;
  std::size_t pos = static_cast<std::size_t>(offset % kPoolSize);
  while (written < size) {
    const std::size_t n = static_cast<std::size_t>(
        std::min<std::uint64_t>(size - written, kChunkSize));
    std::size_t filled = 0;
    if (written == 0) {
      filled = std::min(header.size(), n);
      std::memcpy(buf.data(), header.data(), filled);
    }
    while (filled < n) {
      const std::size_t take = std::min(n - filled, kPoolSize - pos);
      std::memcpy(buf.data() + filled, pool.data() + pos, take);
      filled += take;
      pos = (pos + take) % kPoolSize;
    }
    std::size_t done = 0;
    while (done < n) {
      ssize_t w = ::write(fd, buf.data() + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      done += static_cast<std::size_t>(w);
    }
    written += n;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Generation

struct Leaf {
  std::string dir;  // relative to root, no trailing slash; "" for the root
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};

struct FilePlan {
  std::uint64_t size;
  std::uint64_t offset;
  std::int64_t mtime_sec;
  std::uint32_t mtime_nsec;
  std::uint8_t kind;  // photo names only: which camera prefix/extension
};

struct Plan {
  std::vector<Leaf> leaves;
  std::vector<FilePlan> files;
  std::vector<std::string> dirs;  // every directory to create, parents first
  timespec dir_mtime = {0, 0};  // newest file mtime: what every directory gets
  int name_width = 0;
};

const char* PhotoName(std::uint8_t kind, const char** ext) {
  // kind is a draw from [0, 100): camera JPEGs dominate, as in real libraries.
  if (kind < 70) {
    *ext = ".jpg";
    return "IMG_";
  }
  if (kind < 85) {
    *ext = ".HEIC";
    return "IMG_";
  }
  if (kind < 95) {
    *ext = ".JPG";
    return "DSC_";
  }
  *ext = ".mp4";
  return "VID_";
}

Plan MakePlan(const Options& o) {
  Plan plan;
  const std::uint64_t n = o.files;
  std::vector<std::int64_t>
      leaf_month_start;  // photo: epoch second of the month

  if (o.photo_names) {
    std::uint64_t months = std::clamp<std::uint64_t>(
        (n + o.fanout - 1) / o.fanout, 1, kMaxPhotoMonths);
    const std::uint64_t per_dir =
        (n + months - 1) / std::max<std::uint64_t>(months, 1);
    if (per_dir > 0) months = (n + per_dir - 1) / per_dir;
    plan.name_width = std::max(4, Digits(per_dir));
    std::int64_t last_year = -1;
    for (std::uint64_t m = 0; m < months; ++m) {
      const std::int64_t month_number = kLastPhotoMonth -
                                        static_cast<std::int64_t>(months - 1) +
                                        static_cast<std::int64_t>(m);
      const std::int64_t year = month_number / 12;
      const int month = static_cast<int>(month_number % 12) + 1;
      char dir[32];
      std::snprintf(dir, sizeof dir, "%04" PRId64 "/%02d", year, month);
      Leaf leaf;
      leaf.dir = dir;
      leaf.first = m * per_dir;
      leaf.count = std::min(per_dir, n - leaf.first);
      plan.leaves.push_back(leaf);
      leaf_month_start.push_back(DaysFromCivil(year, month, 1) *
                                 kSecondsPerDay);
      if (year != last_year)
        plan.dirs.push_back(leaf.dir.substr(0, leaf.dir.find('/')));
      last_year = year;
      plan.dirs.push_back(leaf.dir);
    }
  } else {
    plan.name_width = std::max(6, Digits(n == 0 ? 0 : n - 1));
    // Smallest branching b with b^depth leaves holding at most `fanout` each.
    const std::uint64_t leaves_needed =
        std::max<std::uint64_t>(1, (n + o.fanout - 1) / o.fanout);
    std::uint64_t b = 1;
    if (o.depth > 0) {
      b = static_cast<std::uint64_t>(
          std::floor(std::pow(static_cast<double>(leaves_needed),
                              1.0 / static_cast<double>(o.depth))));
      b = std::max<std::uint64_t>(b, 1);
      auto power = [&](std::uint64_t base) {
        long double p = 1;
        for (std::uint64_t i = 0; i < o.depth; ++i)
          p *= static_cast<long double>(base);
        return p;
      };
      while (power(b) < static_cast<long double>(leaves_needed)) ++b;
      while (b > 1 && power(b - 1) >= static_cast<long double>(leaves_needed))
        --b;
    }
    std::uint64_t total_leaves = 1;
    for (std::uint64_t i = 0; i < o.depth; ++i) total_leaves *= b;
    const std::uint64_t per_leaf =
        std::max<std::uint64_t>(1, (n + total_leaves - 1) / total_leaves);
    const std::uint64_t used_leaves =
        n == 0 ? 1 : (n + per_leaf - 1) / per_leaf;
    const int dir_width = std::max(2, Digits(b - 1));
    std::vector<std::uint64_t> prev(o.depth, ~std::uint64_t{0});
    for (std::uint64_t l = 0; l < used_leaves; ++l) {
      std::vector<std::uint64_t> digits(o.depth);
      std::uint64_t rest = l;
      for (std::uint64_t k = o.depth; k-- > 0;) {
        digits[k] = rest % b;
        rest /= b;
      }
      std::string dir;
      bool changed = false;
      for (std::uint64_t k = 0; k < o.depth; ++k) {
        char part[32];
        std::snprintf(part, sizeof part, "%sd%0*" PRIu64, k == 0 ? "" : "/",
                      dir_width, digits[k]);
        dir += part;
        if (changed || digits[k] != prev[k]) {
          changed = true;
          plan.dirs.push_back(dir);
        }
      }
      prev = digits;
      Leaf leaf;
      leaf.dir = dir;
      leaf.first = std::min(l * per_leaf, n);
      leaf.count = std::min(per_leaf, n - leaf.first);
      plan.leaves.push_back(leaf);
    }
  }

  // One engine, drawn in file-index order: size, content offset, mtime, kind.
  std::mt19937_64 rng(o.seed);
  plan.files.resize(n);
  std::size_t leaf = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    while (i >= plan.leaves[leaf].first + plan.leaves[leaf].count) ++leaf;
    FilePlan& f = plan.files[i];
    f.size = o.min_size + Bounded(rng, o.max_size - o.min_size + 1);
    f.offset = Bounded(rng, kPoolSize);
    const std::int64_t base =
        o.photo_names ? leaf_month_start[leaf] : kPlainEpoch;
    const std::int64_t span = (o.photo_names ? 28 : 365) * kSecondsPerDay;
    f.mtime_sec = base + static_cast<std::int64_t>(
                             Bounded(rng, static_cast<std::uint64_t>(span)));
    f.mtime_nsec = static_cast<std::uint32_t>(Bounded(rng, 1000000000));
    f.kind = o.photo_names ? static_cast<std::uint8_t>(Bounded(rng, 100)) : 0;
    if (f.mtime_sec > plan.dir_mtime.tv_sec ||
        (f.mtime_sec == plan.dir_mtime.tv_sec &&
         f.mtime_nsec > plan.dir_mtime.tv_nsec)) {
      plan.dir_mtime = {f.mtime_sec, static_cast<long>(f.mtime_nsec)};
    }
  }
  if (n == 0) plan.dir_mtime = {kPlainEpoch, 0};
  return plan;
}

std::string FileName(const Options& o, const Plan& plan, const Leaf& leaf,
                     std::uint64_t i) {
  char name[96];
  if (o.photo_names) {
    const char* ext = "";
    const char* prefix = PhotoName(plan.files[i].kind, &ext);
    std::snprintf(name, sizeof name, "%s%0*" PRIu64 "%s", prefix,
                  plan.name_width, i - leaf.first + 1, ext);
  } else {
    std::snprintf(name, sizeof name, "f%0*" PRIu64, plan.name_width, i);
  }
  return name;
}

bool RootIsEmpty(const std::string& root, std::string* error) {
  DIR* d = ::opendir(root.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return true;
    *error = "cannot open --root " + root + ": " + ErrnoText(errno);
    return false;
  }
  bool empty = true;
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      empty = false;
      break;
    }
  }
  ::closedir(d);
  if (!empty)
    *error =
        "--root " + root + " is not empty; remove it or pick another directory";
  return empty;
}

int Generate(const Options& o) {
  const auto start = std::chrono::steady_clock::now();
  std::string error;
  if (!RootIsEmpty(o.root, &error) || !MakeDirs(o.root, &error)) {
    std::fprintf(stderr, "tidemark_gen_tree: %s\n", error.c_str());
    return 1;
  }
  const Plan plan = MakePlan(o);
  for (const std::string& dir : plan.dirs) {
    const std::string path = o.root + "/" + dir;
    if (::mkdir(path.c_str(), 0755) != 0) {
      std::fprintf(stderr, "tidemark_gen_tree: mkdir %s: %s\n", path.c_str(),
                   ErrnoText(errno).c_str());
      return 1;
    }
  }
  const std::vector<unsigned char> pool = MakePool(o.seed);

  std::atomic<std::size_t> next_leaf{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  auto fail = [&](std::string message) {
    std::lock_guard<std::mutex> lock(error_mu);
    if (!failed.exchange(true)) error = std::move(message);
  };
  auto worker = [&]() {
    std::vector<unsigned char> buf(kChunkSize);
    for (;;) {
      const std::size_t l = next_leaf.fetch_add(1);
      if (l >= plan.leaves.size() || failed.load()) return;
      const Leaf& leaf = plan.leaves[l];
      const std::string dir_path =
          leaf.dir.empty() ? o.root : o.root + "/" + leaf.dir;
      const int dfd =
          ::open(dir_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd < 0) {
        fail("open " + dir_path + ": " + ErrnoText(errno));
        return;
      }
      for (std::uint64_t i = leaf.first;
           i < leaf.first + leaf.count && !failed.load(); ++i) {
        const FilePlan& f = plan.files[i];
        const std::string name = FileName(o, plan, leaf, i);
        const int fd = ::openat(dfd, name.c_str(),
                                O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
          fail("create " + dir_path + "/" + name + ": " + ErrnoText(errno));
          break;
        }
        char header[64];
        const int hn = std::snprintf(
            header, sizeof header,
            "tidemark-gen seed=%" PRIu64 " file=%" PRIu64 "\n", o.seed, i);
        int err = WriteContent(
            fd, f.size, f.offset,
            std::string_view(header, static_cast<std::size_t>(hn)), pool, buf);
        const timespec times[2] = {
            {f.mtime_sec, static_cast<long>(f.mtime_nsec)},
            {f.mtime_sec, static_cast<long>(f.mtime_nsec)}};
        if (err == 0 && ::futimens(fd, times) != 0) err = errno;
        if (::close(fd) != 0 && err == 0) err = errno;
        if (err != 0) {
          fail("write " + dir_path + "/" + name + ": " + ErrnoText(err));
          break;
        }
      }
      ::close(dfd);
    }
  };
  std::vector<std::thread> threads;
  const unsigned jobs = std::max(
      1u,
      std::min<unsigned>(o.jobs, static_cast<unsigned>(plan.leaves.size())));
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  if (failed.load()) {
    std::fprintf(stderr, "tidemark_gen_tree: %s\n", error.c_str());
    return 1;
  }
  // Creating entries stamped the directories with the wall clock; give them a
  // fixed mtime so that the whole tree, directories included, is reproducible.
  // The root was checked to be empty, so it is ours to stamp as well.
  std::vector<std::string> stamp = plan.dirs;
  stamp.emplace_back();
  for (const std::string& dir : stamp) {
    const std::string path = dir.empty() ? o.root : o.root + "/" + dir;
    const timespec times[2] = {plan.dir_mtime, plan.dir_mtime};
    if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
      std::fprintf(stderr, "tidemark_gen_tree: set mtime of %s: %s\n",
                   path.c_str(), ErrnoText(errno).c_str());
      return 1;
    }
  }

  if (!o.quiet) {
    double bytes = 0;
    for (const FilePlan& f : plan.files) bytes += static_cast<double>(f.size);
    const double secs = SecondsSince(start);
    std::printf("tidemark_gen_tree: wrote %" PRIu64 " files (%s) in %" PRIu64
                " directories under %s in %.1f s (%.0f files/s)\n",
                o.files, HumanBytes(bytes).c_str(),
                static_cast<std::uint64_t>(plan.dirs.size()), o.root.c_str(),
                secs, secs > 0 ? static_cast<double>(o.files) / secs : 0.0);
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Touching

bool ListFiles(const std::string& root, const std::string& rel,
               std::vector<std::string>* out, std::string* error) {
  const std::string path = rel.empty() ? root : root + "/" + rel;
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) {
    *error = "cannot list " + path + ": " + ErrnoText(errno);
    return false;
  }
  std::vector<std::string> subdirs;
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0)
      continue;
    const std::string child =
        rel.empty() ? std::string(e->d_name) : rel + "/" + e->d_name;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (::lstat((root + "/" + child).c_str(), &st) != 0) continue;
      type = S_ISDIR(st.st_mode)   ? DT_DIR
             : S_ISREG(st.st_mode) ? DT_REG
                                   : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
      subdirs.push_back(child);
    } else if (type == DT_REG) {
      out->push_back(child);
    }
  }
  ::closedir(d);
  for (const std::string& s : subdirs) {
    if (!ListFiles(root, s, out, error)) return false;
  }
  return true;
}

int Touch(const Options& o) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> files;
  std::string error;
  if (!ListFiles(o.root, "", &files, &error)) {
    std::fprintf(stderr, "tidemark_gen_tree: %s\n", error.c_str());
    return 1;
  }
  std::sort(files.begin(), files.end());
  const std::uint64_t total = files.size();
  const auto count = static_cast<std::uint64_t>(
      std::llround(static_cast<double>(total) * o.touch_percent / 100.0));

  std::mt19937_64 rng(o.seed ^ kTouchSalt);
  std::vector<std::uint64_t> order(total);
  for (std::uint64_t i = 0; i < total; ++i) order[i] = i;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::swap(order[i], order[i + Bounded(rng, total - i)]);
  }
  order.resize(count);
  std::sort(order.begin(), order.end());  // visit in path order

  const std::vector<unsigned char> pool = MakePool(o.seed);
  std::vector<unsigned char> buf(kChunkSize);
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::string path = o.root + "/" + files[order[k]];
    const std::uint64_t offset = Bounded(rng, kPoolSize);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(stderr, "tidemark_gen_tree: open %s: %s\n", path.c_str(),
                   ErrnoText(errno).c_str());
      return 1;
    }
    struct stat st;
    int err = ::fstat(fd, &st) == 0 ? 0 : errno;
    char header[64];
    const int hn = std::snprintf(
        header, sizeof header,
        "tidemark-touch seed=%" PRIu64 " file=%" PRIu64 "\n", o.seed, order[k]);
    if (err == 0) {
      err = WriteContent(fd, static_cast<std::uint64_t>(st.st_size), offset,
                         std::string_view(header, static_cast<std::size_t>(hn)),
                         pool, buf);
    }
    if (err == 0) {
      timespec times[2];
      times[0].tv_sec = 0;
      times[0].tv_nsec = UTIME_OMIT;
      times[1] = st.st_mtim;
      times[1].tv_sec += kTouchForwardSeconds;
      if (::futimens(fd, times) != 0) err = errno;
    }
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err != 0) {
      std::fprintf(stderr, "tidemark_gen_tree: touch %s: %s\n", path.c_str(),
                   ErrnoText(err).c_str());
      return 1;
    }
  }
  if (!o.quiet) {
    std::printf("tidemark_gen_tree: touched %" PRIu64 " of %" PRIu64
                " files under %s in %.1f s\n",
                count, total, o.root.c_str(), SecondsSince(start));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  return o.touch_percent >= 0 ? Touch(o) : Generate(o);
}
