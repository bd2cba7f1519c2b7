// Content hashing of storage objects: SHA-256 (OpenSSL EVP) or XXH3-64.
//
// HashObject reads one object through the StorageBackend seam and returns its
// digest together with the metadata the object had while it was read, so the
// caller records a hash and a size/mtime that belong together; a
// ContentDigest hashes bytes as they pass. Free functions; thread-safe (each
// thread keeps its own digest context and buffer).
#ifndef TIDEMARK_SYNC_HASHER_H_
#define TIDEMARK_SYNC_HASHER_H_

#include <memory>
#include <string>
#include <string_view>

#include "common/hash_algorithm.h"
#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark {

struct HashedObject {
  std::string digest;  // raw bytes (32 for sha256, 8 for xxh3)
  StorageEntry entry;  // metadata observed around the read
};

// Hashes `path`. Errors:
//   NotFound          the object vanished;
//   Aborted           it changed while being read, even after `retries`
//                     further attempts;
//   PermissionDenied  it cannot be read;
//   others            as the backend reports them.
// `algo` must not be kNone.
Result<HashedObject> HashObject(StorageBackend& backend, std::string_view path,
                                HashAlgorithm algo, int retries = 2);

// The digest of bytes fed in order, such as an upload hashed on its way to
// storage. `algo` must not be kNone. One thread at a time.
class ContentDigest {
 public:
  explicit ContentDigest(HashAlgorithm algo);
  ~ContentDigest();
  ContentDigest(const ContentDigest&) = delete;
  ContentDigest& operator=(const ContentDigest&) = delete;

  void Update(std::string_view bytes);
  // The digest of everything fed (raw bytes); Internal when the crypto
  // library failed.
  Result<std::string> Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Digest of an in-memory buffer, for tests and small payloads ("" if the
// crypto library fails).
std::string HashBytes(std::string_view data, HashAlgorithm algo);

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_HASHER_H_
