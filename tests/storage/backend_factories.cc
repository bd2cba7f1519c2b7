#include "storage/backend_factories.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "fakes/memory_storage.h"
#include "storage/local/local_backend.h"

namespace tidemark {
namespace {

// Opens directories up so that nftw can descend and remove them.
int MakeTraversable(const char* path, const struct stat* st, int type,
                    struct FTW*) {
  if (type == FTW_D || type == FTW_DNR) chmod(path, 0700);
  (void)st;
  return 0;
}

int RemoveOne(const char* path, const struct stat*, int type, struct FTW*) {
  if (type == FTW_DP) {
    rmdir(path);
  } else {
    unlink(path);
  }
  return 0;
}

}  // namespace

std::vector<BackendFactory> AllBackendFactories() {
  return {
      {"local",
       [](const std::string& temp_dir) { return OpenLocalBackend(temp_dir); }},
      {"memory",
       [](const std::string&) -> Result<std::unique_ptr<StorageBackend>> {
         return std::unique_ptr<StorageBackend>(
             std::make_unique<MemoryStorage>());
       }},
  };
}

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = (base != nullptr && base[0] == '/') ? base : "/tmp";
  templ += "/tidemark-test-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  return templ;
}

void RemoveTree(const std::string& path) {
  // Pre-order pass to restore permissions, then a depth-first removal.
  nftw(path.c_str(), MakeTraversable, 64, FTW_PHYS);
  nftw(path.c_str(), RemoveOne, 64, FTW_PHYS | FTW_DEPTH);
}

}  // namespace tidemark
