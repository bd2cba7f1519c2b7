// tidemark_gen_cars: writes a deterministic seed-000 cars tree for the
// serve benchmark (bench/serve_bench.sh):
//
//   tidemark_gen_cars --root DIR --cars N [--regions R] [--seed 42] [--quiet]
//
// Car i lives in region i % R (MSK, SPB, KZN, EKB, NSK, ...) as
// "<Make> <Model> <VIN>/" with the 14 slot folders of the cars layout:
// "1. Дилер фото/<car>", "2. Выкуп фото/<i>. <car>" (i = 1..8) and
// "3. Муляги фото/<i>. <car>" (i = 1..5). Each slot holds 0 to 3 photos of 64
// to 1,087 bytes, and every fifth slot of the tree a _LOCK.json, so a car
// has about 21 photos and 3 locks. VINs (17 characters without I, O and Q),
// sizes and mtimes (within 2024) are a pure function of the seed and the
// index, so two runs write the same tree. Only the C++ standard library and
// POSIX are used.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

constexpr int64_t kEpoch = 1704067200;  // 2024-01-01T00:00:00Z
constexpr const char* kRegions[] = {"MSK", "SPB", "KZN", "EKB", "NSK",
                                    "RND", "KRD", "SAM", "VLG", "UFA"};
constexpr const char* kMakes[][2] = {
    {"Toyota", "Camry"}, {"BMW", "X5 M Sport"},  {"Lada", "Vesta"},
    {"Kia", "Rio"},      {"Hyundai", "Solaris"}, {"Skoda", "Octavia"}};
// The VIN alphabet: letters I, O and Q are never used.
constexpr std::string_view kVinChars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

// splitmix64: a stateless, portable mix of (seed, index).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "tidemark_gen_cars: %s: %s\n", what.c_str(),
               std::strerror(errno));
  std::exit(1);
}

void MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) Die("mkdir " + path);
}

void WriteFile(const std::string& path, const std::string& data, uint64_t r) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) Die("open " + path);
  if (write(fd, data.data(), data.size()) !=
      static_cast<ssize_t>(data.size())) {
    Die("write " + path);
  }
  const int64_t mtime = kEpoch + static_cast<int64_t>((r >> 20) % 31536000);
  struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
  if (futimens(fd, times) != 0) Die("futimens " + path);
  if (close(fd) != 0) Die("close " + path);
}

std::string Vin(uint64_t seed, uint64_t car) {
  std::string vin;
  for (int i = 0; i < 17; ++i) {
    vin.push_back(
        kVinChars[Mix(seed * 7919 + car * 17 + i) % kVinChars.size()]);
  }
  return vin;
}

}  // namespace

int main(int argc, char** argv) {
  std::string root;
  long long cars = -1;
  long long regions = 4;
  unsigned long long seed = 42;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "tidemark_gen_cars: %s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--root") {
      root = value();
    } else if (arg == "--cars") {
      cars = std::atoll(value());
    } else if (arg == "--regions") {
      regions = std::atoll(value());
    } else if (arg == "--seed") {
      seed = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--quiet") {
      quiet = true;
    } else {
      std::fprintf(stderr,
                   "usage: tidemark_gen_cars --root DIR --cars N "
                   "[--regions R] [--seed S] [--quiet]\n");
      return 2;
    }
  }
  const long long max_regions = sizeof(kRegions) / sizeof(kRegions[0]);
  if (root.empty() || cars <= 0 || regions <= 0 || regions > max_regions) {
    std::fprintf(stderr,
                 "tidemark_gen_cars: --root and a positive --cars are "
                 "required; --regions is 1..%lld\n",
                 max_regions);
    return 2;
  }
  MakeDir(root);
  for (long long r = 0; r < regions; ++r) MakeDir(root + "/" + kRegions[r]);
  uint64_t photos = 0, locks = 0, slot_index = 0;
  for (long long c = 0; c < cars; ++c) {
    const auto& make = kMakes[c % (sizeof(kMakes) / sizeof(kMakes[0]))];
    const std::string car =
        std::string(make[0]) + " " + make[1] + " " + Vin(seed, c);
    const std::string base = root + "/" + kRegions[c % regions] + "/" + car;
    MakeDir(base);
    const std::string groups[] = {base + "/1. Дилер фото",
                                  base + "/2. Выкуп фото",
                                  base + "/3. Муляги фото"};
    for (const std::string& g : groups) MakeDir(g);
    std::string slots[14];
    slots[0] = groups[0] + "/" + car;
    for (int i = 1; i <= 8; ++i) {
      slots[i] = groups[1] + "/" + std::to_string(i) + ". " + car;
    }
    for (int i = 1; i <= 5; ++i) {
      slots[8 + i] = groups[2] + "/" + std::to_string(i) + ". " + car;
    }
    for (const std::string& slot : slots) {
      MakeDir(slot);
      const uint64_t r = Mix(seed * 1000003 + slot_index);
      const int count = static_cast<int>(r % 4);
      for (int p = 1; p <= count; ++p) {
        const uint64_t rp = Mix(r + p);
        std::string data = "photo " + std::to_string(p) + " of " + car + "\n";
        const size_t size = 64 + rp % 1024;
        while (data.size() < size) data.push_back('a' + rp % 26);
        data.resize(size);
        WriteFile(slot + "/" + std::to_string(p) + ".jpg", data, rp);
        ++photos;
      }
      if (slot_index % 5 == 0) {
        WriteFile(slot + "/_LOCK.json",
                  "{\"by\": \"bench\", \"note\": \"locked by gen_cars\"}", r);
        ++locks;
      }
      ++slot_index;
    }
  }
  if (!quiet) {
    std::printf(
        "wrote %lld cars (%llu slots, %llu photos, %llu locks) under %s\n",
        cars, static_cast<unsigned long long>(slot_index),
        static_cast<unsigned long long>(photos),
        static_cast<unsigned long long>(locks), root.c_str());
  }
  return 0;
}
