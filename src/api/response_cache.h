// ResponseCache: whole reply bodies of read routes whose answer is a pure
// function of the catalog (GET /api/cars), kept until the catalog may have
// changed, so that a burst of identical reads costs one catalog read and
// one serialization instead of one each.
//
// When a body is stale. Each body is stored with the ticket taken before
// it was computed: the cache's generation, which Invalidate() advances
// (its owner calls it from the Gateway's change batches and notices, on
// the writing thread right after each commit), and the catalog's
// change stamp (CatalogStore::ChangeStamp, which also moves on commits by
// other processes). A lookup serves a body only when both still equal the
// ones its own ticket reads now: nothing was committed between the start
// of the computation and this request, so the body is what a fresh read
// would return. A write acknowledged to a client was committed, and its
// stamp and notice came before the acknowledgement, so the client's next
// read misses. When the stamp is unavailable (a store that cannot tell),
// nothing is cached: every read computes.
//
// Concurrent misses of one key with the same ticket share one computation
// (the first computes, the others wait for its body). At most `max_entries`
// keys and `max_bytes` of bodies are kept; the least recently used go first,
// and a body larger than max_bytes is returned but not kept.
//
// Owns its bodies (shared with the replies that use them); borrows nothing
// but the stamp function, which must stay callable for the cache's life.
// Thread-safe.
#ifndef TIDEMARK_API_RESPONSE_CACHE_H_
#define TIDEMARK_API_RESPONSE_CACHE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.h"

namespace tidemark::api {

class ResponseCache {
 public:
  // The catalog's change stamp now; an error means "cannot tell".
  using StampFn = std::function<Result<int64_t>()>;
  // Computes the body of one key from the catalog.
  using ComputeFn = std::function<Result<std::string>()>;

  enum class How {
    kHit,     // served from the cache
    kMiss,    // computed here (and kept)
    kShared,  // waited for another request's computation of the same ticket
    kOff,     // no stamp: computed and not kept
  };
  static const char* HowName(How how);

  struct Reply {
    std::shared_ptr<const std::string> body;
    How how = How::kMiss;
  };

  explicit ResponseCache(StampFn stamp, size_t max_entries = 32,
                         size_t max_bytes = 64 << 20);

  // The body of `key`: a kept one that is still current, or compute()'s.
  // compute's error is returned as is (and nothing is kept).
  Result<Reply> Get(const std::string& key, const ComputeFn& compute);

  // Everything kept may be stale: the next lookups compute.
  void Invalidate();

  struct Stats {
    int64_t hits = 0, misses = 0, shared = 0, off = 0, entries = 0, bytes = 0;
  };
  Stats stats() const;

 private:
  struct Ticket {
    uint64_t generation = 0;
    bool has_stamp = false;
    int64_t stamp = 0;
  };
  struct Entry {
    std::shared_ptr<const std::string> body;  // null until computed
    Ticket ticket;                            // of `body`
    // The ticket of the computation running for this key, if any: reads
    // with the same ticket wait for it instead of computing too.
    std::optional<Ticket> in_flight;
    uint64_t last_use = 0;
  };
  Ticket Take() const;
  static bool Same(const Ticket& a, const Ticket& b) {
    return a.generation == b.generation && a.stamp == b.stamp;
  }
  // Drops least recently used bodies until one of `incoming` bytes fits.
  void MakeRoom(const std::string& keep, size_t incoming);

  StampFn stamp_;
  const size_t max_entries_;
  const size_t max_bytes_;
  std::atomic<uint64_t> generation_{1};

  mutable std::mutex mu_;
  std::condition_variable computed_;
  std::map<std::string, Entry> entries_;
  size_t bytes_ = 0;
  uint64_t uses_ = 0;
  Stats stats_;
};

}  // namespace tidemark::api

#endif  // TIDEMARK_API_RESPONSE_CACHE_H_
