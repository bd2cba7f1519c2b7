// SyncThrottle: seed 000's "sync on read", without a sync per read. For
// each key (a region):
//  - a sync that ended less than max_age ago is not repeated: the read is
//    answered from the catalog;
//  - reads that arrive while a sync runs wait for that one and share its
//    result instead of starting another;
//  - with stale-while-revalidate, a stale read is answered at once and one
//    sync starts in the background.
// Time comes from the Clock, so tests drive it.
//
// Owns the background threads, joined by the destructor. Thread-safe.
#ifndef TIDEMARK_API_SYNC_THROTTLE_H_
#define TIDEMARK_API_SYNC_THROTTLE_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace tidemark::api {

class SyncThrottle {
 public:
  // Runs one sync and returns its result (seed 000's syncRegion JSON).
  using SyncFn = std::function<nlohmann::json()>;

  enum class How {
    kRan,     // this read ran the sync
    kShared,  // it waited for one that was running
    kFresh,   // the last sync was young enough: none ran
    kStale,   // stale-while-revalidate: answered at once, a sync started
  };
  static const char* HowName(How how);

  struct Outcome {
    How how = How::kFresh;
    nlohmann::json result;     // of the sync that ran or was shared, or last
    int64_t synced_at_ns = 0;  // when the sync it reflects ended (0: never)
  };

  explicit SyncThrottle(Clock& clock) : clock_(clock) {}
  ~SyncThrottle();

  // Blocks until the data for `key` is at most max_age_ms old.
  Outcome Fresh(const std::string& key, int64_t max_age_ms, const SyncFn& sync);
  // Returns at once; when stale, starts one background sync (unless one is
  // running).
  Outcome Revalidate(const std::string& key, int64_t max_age_ms, SyncFn sync);

  // {key: {running, last_sync_at, syncs, shared, skipped, last_result}}
  nlohmann::json Status() const;

 private:
  struct Slot {
    bool running = false;
    int64_t generation = 0;  // syncs ended
    int64_t last_end_ns = 0;
    nlohmann::json last;
    int64_t syncs = 0, shared = 0, skipped = 0;
  };
  bool Young(const Slot& slot, int64_t max_age_ms);
  // Runs `sync` for `key` whose slot this thread marked running.
  void RunSync(const std::string& key, const SyncFn& sync);

  Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable done_;
  std::map<std::string, Slot> slots_;
  // The last background sync of each key; a finished one is joined when
  // the key's next one starts.
  std::map<std::string, std::thread> background_;
};

}  // namespace tidemark::api

#endif  // TIDEMARK_API_SYNC_THROTTLE_H_
