#include "sync/hasher.h"

#include <openssl/evp.h>
#include <xxhash.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tidemark {
namespace {

constexpr size_t kBufferSize = 256 * 1024;

// The digest state for one algorithm; one per thread, reused across files.
class Digest {
 public:
  explicit Digest(HashAlgorithm algo) : algo_(algo) {
    if (algo_ == HashAlgorithm::kSha256) {
      // Fetching once avoids the implicit per-init fetch of OpenSSL 3.
      md_ = EVP_MD_fetch(nullptr, "SHA256", nullptr);
      ctx_ = EVP_MD_CTX_new();
    } else {
      xxh_ = XXH3_createState();
    }
  }
  ~Digest() {
    if (ctx_ != nullptr) EVP_MD_CTX_free(ctx_);
    if (md_ != nullptr) EVP_MD_free(md_);
    if (xxh_ != nullptr) XXH3_freeState(xxh_);
  }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  // Each returns false when the library failed; the digest is then void.
  bool Reset() {
    if (algo_ == HashAlgorithm::kSha256) {
      return md_ != nullptr && ctx_ != nullptr &&
             EVP_DigestInit_ex(ctx_, md_, nullptr) == 1;
    }
    return xxh_ != nullptr && XXH3_64bits_reset(xxh_) == XXH_OK;
  }
  bool Update(const char* data, size_t n) {
    if (algo_ == HashAlgorithm::kSha256) {
      return EVP_DigestUpdate(ctx_, data, n) == 1;
    }
    return XXH3_64bits_update(xxh_, data, n) == XXH_OK;
  }
  std::optional<std::string> Finish() {
    if (algo_ == HashAlgorithm::kSha256) {
      unsigned char out[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      if (EVP_DigestFinal_ex(ctx_, out, &len) != 1) return std::nullopt;
      return std::string(reinterpret_cast<char*>(out), len);
    }
    XXH64_canonical_t canonical;
    XXH64_canonicalFromHash(&canonical, XXH3_64bits_digest(xxh_));
    return std::string(reinterpret_cast<char*>(canonical.digest),
                       sizeof(canonical.digest));
  }

 private:
  HashAlgorithm algo_;
  EVP_MD* md_ = nullptr;
  EVP_MD_CTX* ctx_ = nullptr;
  XXH3_state_t* xxh_ = nullptr;
};

Digest& ThreadDigest(HashAlgorithm algo) {
  thread_local std::unique_ptr<Digest> sha;
  thread_local std::unique_ptr<Digest> xxh;
  auto& slot = algo == HashAlgorithm::kSha256 ? sha : xxh;
  if (!slot) slot = std::make_unique<Digest>(algo);
  return *slot;
}

char* ThreadBuffer() {
  thread_local std::unique_ptr<char[]> buffer(new char[kBufferSize]);
  return buffer.get();
}

Status DigestFailed(HashAlgorithm algo) {
  return Status::Internal("the " + std::string(HashAlgorithmName(algo)) +
                          " digest failed in the crypto library");
}

bool SameContentVersion(const StorageEntry& a, const StorageEntry& b) {
  return a.size == b.size && a.mtime_ns == b.mtime_ns && a.inode == b.inode;
}

}  // namespace

Result<HashedObject> HashObject(StorageBackend& backend, std::string_view path,
                                HashAlgorithm algo, int retries) {
  if (algo == HashAlgorithm::kNone) {
    return Status::InvalidArgument("HashObject called with algorithm none");
  }
  Digest& digest = ThreadDigest(algo);
  char* buffer = ThreadBuffer();
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(std::unique_ptr<ReadStream> stream, backend.Open(path));
    ASSIGN_OR_RETURN(StorageEntry before, stream->Stat());
    if (!digest.Reset()) return DigestFailed(algo);
    int64_t total = 0;
    for (;;) {
      ASSIGN_OR_RETURN(size_t n, stream->Read(buffer, kBufferSize));
      if (n == 0) break;
      if (!digest.Update(buffer, n)) return DigestFailed(algo);
      total += static_cast<int64_t>(n);
      // A short read that reaches the size seen at open is the end; the stat
      // below catches a file that grew meanwhile. Saves a read per file.
      if (n < kBufferSize && total == before.size) break;
    }
    ASSIGN_OR_RETURN(StorageEntry after, stream->Stat());
    if (SameContentVersion(before, after) && total == after.size) {
      after.path = std::string(path);
      std::optional<std::string> digest_bytes = digest.Finish();
      if (!digest_bytes) return DigestFailed(algo);
      return HashedObject{std::move(*digest_bytes), std::move(after)};
    }
    if (attempt >= retries) {
      return Status::Aborted("'" + std::string(path) +
                             "' kept changing while it was hashed");
    }
  }
}

struct ContentDigest::State {
  explicit State(HashAlgorithm algo) : digest(algo), algo(algo) {
    ok = digest.Reset();
  }
  Digest digest;
  HashAlgorithm algo;
  bool ok = false;
};

ContentDigest::ContentDigest(HashAlgorithm algo)
    : state_(std::make_unique<State>(algo)) {}

ContentDigest::~ContentDigest() = default;

void ContentDigest::Update(std::string_view bytes) {
  if (state_->ok)
    state_->ok = state_->digest.Update(bytes.data(), bytes.size());
}

Result<std::string> ContentDigest::Finish() {
  std::optional<std::string> out;
  if (state_->ok) out = state_->digest.Finish();
  if (!out.has_value()) return DigestFailed(state_->algo);
  return std::move(*out);
}

std::string HashBytes(std::string_view data, HashAlgorithm algo) {
  if (algo == HashAlgorithm::kNone) return "";
  Digest& digest = ThreadDigest(algo);
  if (!digest.Reset() || !digest.Update(data.data(), data.size())) return "";
  return digest.Finish().value_or("");
}

}  // namespace tidemark
