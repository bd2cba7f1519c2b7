// Hashing throughput: SHA-256 and XXH3 on large buffers (GB/s per core), and
// on many small files read through the local backend (files/s on 1 and 2
// threads). Run: build/bench/tidemark_hash_bench
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/local/local_backend.h"
#include "sync/hasher.h"

namespace tidemark {
namespace {

constexpr int kSmallFiles = 20000;

// A directory of small files, made once and removed at exit.
struct SmallFileTree {
  SmallFileTree() {
    char tmpl[] = "/tmp/tidemark-hash-bench-XXXXXX";
    root = mkdtemp(tmpl);
    std::mt19937_64 rng(42);
    std::string buf(4096, '\0');
    for (int i = 0; i < kSmallFiles; ++i) {
      const std::string dir = root + "/d" + std::to_string(i % 100);
      mkdir(dir.c_str(), 0755);
      const std::string name = "f" + std::to_string(i);
      const size_t size = rng() % 4096;
      for (size_t k = 0; k < size; ++k) buf[k] = static_cast<char>(rng());
      int fd = open((dir + "/" + name).c_str(), O_WRONLY | O_CREAT, 0644);
      if (fd < 0 || write(fd, buf.data(), size) != static_cast<ssize_t>(size)) {
        std::abort();
      }
      close(fd);
      paths.push_back("d" + std::to_string(i % 100) + "/" + name);
    }
    auto opened = OpenLocalBackend(root);
    if (!opened.ok()) std::abort();
    backend = std::move(opened).value();
  }
  ~SmallFileTree() {
    std::string cmd = "rm -rf '" + root + "'";
    if (std::system(cmd.c_str()) != 0) {
      // Best effort: a leftover temp dir is harmless.
    }
  }
  std::string root;
  std::vector<std::string> paths;
  std::unique_ptr<StorageBackend> backend;
};

SmallFileTree& Tree() {
  static SmallFileTree* tree = new SmallFileTree();
  return *tree;
}

void BM_LargeBuffer(benchmark::State& state, HashAlgorithm algo) {
  std::string data(64 << 20, 'x');
  for (auto _ : state) {
    benchmark::DoNotOptimize(HashBytes(data, algo));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
}
BENCHMARK_CAPTURE(BM_LargeBuffer, sha256, HashAlgorithm::kSha256)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LargeBuffer, xxh3, HashAlgorithm::kXxh3)
    ->Unit(benchmark::kMillisecond);

// Each thread hashes its own slice of the small files, through the backend,
// with the same open/fstat/read/fstat sequence a scan uses.
void BM_SmallFiles(benchmark::State& state, HashAlgorithm algo) {
  SmallFileTree& tree = Tree();
  const size_t n = tree.paths.size();
  size_t i = static_cast<size_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    auto hashed = HashObject(*tree.backend, tree.paths[i % n], algo);
    if (!hashed.ok()) state.SkipWithError("hash failed");
    i += static_cast<size_t>(state.threads());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_SmallFiles, sha256, HashAlgorithm::kSha256)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_SmallFiles, xxh3, HashAlgorithm::kXxh3)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

}  // namespace
}  // namespace tidemark

BENCHMARK_MAIN();
