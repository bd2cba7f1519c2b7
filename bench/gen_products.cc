// tidemark_gen_products: writes a deterministic seed-003 product tree for the
// check benchmark (bench/check_bench.sh):
//
//   tidemark_gen_products --root DIR --products N [--seed 42] [--quiet]
//
// Each product p<i> (i = 0..N-1, zero-padded to 5 digits) gets 10 small
// files: two variants (500ml, 1kg), each with hero-card/main.jpg,
// info-card/label.jpg and other-images/gallery{1,2,3}.jpg, so the tree is
// products/p<i>/<variant>/<imageType>/<file> with 10 * N files. Sizes (64 to
// 1,087 bytes) and mtimes (within 2024) are a pure function of the seed and
// the file's index. Only the C++ standard library and POSIX are used.
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
constexpr const char* kVariants[] = {"500ml", "1kg"};
constexpr const char* kFiles[] = {
    "hero-card/main.jpg", "info-card/label.jpg", "other-images/gallery1.jpg",
    "other-images/gallery2.jpg", "other-images/gallery3.jpg"};

// splitmix64: a stateless, portable mix of (seed, index).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "tidemark_gen_products: %s: %s\n", what.c_str(),
               std::strerror(errno));
  std::exit(1);
}

void MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) Die("mkdir " + path);
}

void WriteFile(const std::string& path, uint64_t index, uint64_t seed) {
  const uint64_t r = Mix(seed * 1000003 + index);
  const size_t size = 64 + r % 1024;
  std::string data = "tidemark product file " + std::to_string(index) + "\n";
  while (data.size() < size) data.push_back(static_cast<char>('a' + r % 26));
  data.resize(size);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) Die("open " + path);
  if (write(fd, data.data(), data.size()) != static_cast<ssize_t>(size)) {
    Die("write " + path);
  }
  const int64_t mtime = kEpoch + static_cast<int64_t>((r >> 20) % 31536000);
  struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
  if (futimens(fd, times) != 0) Die("futimens " + path);
  if (close(fd) != 0) Die("close " + path);
}

}  // namespace

int main(int argc, char** argv) {
  std::string root;
  long long products = -1;
  unsigned long long seed = 42;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "tidemark_gen_products: %s needs a value\n",
                     argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--root") {
      root = value();
    } else if (arg == "--products") {
      products = std::atoll(value());
    } else if (arg == "--seed") {
      seed = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--quiet") {
      quiet = true;
    } else {
      std::fprintf(stderr,
                   "usage: tidemark_gen_products --root DIR --products N "
                   "[--seed S] [--quiet]\n");
      return 2;
    }
  }
  if (root.empty() || products <= 0) {
    std::fprintf(stderr,
                 "tidemark_gen_products: --root and a positive "
                 "--products are required\n");
    return 2;
  }
  MakeDir(root);
  MakeDir(root + "/products");
  uint64_t index = 0;
  for (long long p = 0; p < products; ++p) {
    char name[32];
    std::snprintf(name, sizeof(name), "p%05lld", p);
    const std::string product = root + "/products/" + name;
    MakeDir(product);
    for (const char* variant : kVariants) {
      const std::string v = product + "/" + variant;
      MakeDir(v);
      MakeDir(v + "/hero-card");
      MakeDir(v + "/info-card");
      MakeDir(v + "/other-images");
      for (const char* file : kFiles) WriteFile(v + "/" + file, index++, seed);
    }
  }
  if (!quiet) {
    std::printf("wrote %llu files of %lld products under %s\n",
                static_cast<unsigned long long>(index), products, root.c_str());
  }
  return 0;
}
