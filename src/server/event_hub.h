// EventHub: the server's resource events (seed 004: ResourceChanged,
// ResourceBatchChanged, BulkOperationCompleted) in one sequence. Each event
// gets the next id; the last `capacity` events are kept so that a client
// that reconnects with Last-Event-ID gets what it missed, and learns (reset)
// when it missed more than is kept. SSE streams and the webhook sender read
// from here; the gateway's subscribers write.
//
// Thread-safe: Publish and Read may be called from any thread; Read blocks
// until an event arrives, the wait ends, or Close.
#ifndef TIDEMARK_SERVER_EVENT_HUB_H_
#define TIDEMARK_SERVER_EVENT_HUB_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tidemark::server {

struct ServerEvent {
  int64_t id = 0;
  std::string type;  // "ResourceChanged", ...
  nlohmann::json data;
  std::string at;  // RFC 3339
};

// One SSE message: "id: N\nevent: TYPE\ndata: JSON\n\n".
std::string SseMessage(const ServerEvent& event);

class EventHub {
 public:
  // Ids start at `first_id`; 0 takes the wall clock's microseconds since
  // the epoch, so ids only grow across restarts too: a client that comes
  // back with an id of an earlier run of the server gets a reset, never
  // this run's events as if they followed it (as long as a run publishes
  // under one event per microsecond on average). Below 2^53, so clients
  // in JavaScript read them exactly.
  explicit EventHub(size_t capacity = 10000, int64_t first_id = 0);

  // Appends an event and wakes the readers. Returns its id.
  int64_t Publish(std::string type, nlohmann::json data, std::string at);

  struct Batch {
    std::vector<ServerEvent> events;
    bool reset = false;   // events after `after` were dropped from the buffer
    bool closed = false;  // the hub is closing: stop reading
    int64_t next_after = 0;  // where the next Read should start
  };
  // The events after id `after` (at most `max`), waiting up to `wait` for
  // one when there are none yet. With `reset`, no events: `after` is not
  // one this hub can continue from, and next_after is the newest id.
  Batch Read(int64_t after, size_t max, std::chrono::milliseconds wait);

  int64_t last_id() const;
  // Counts by type, for /metrics.
  std::vector<std::pair<std::string, int64_t>> Counts() const;

  // Wakes every reader for good.
  void Close();

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ServerEvent> events_;
  int64_t next_id_;
  bool closed_ = false;
  std::vector<std::pair<std::string, int64_t>> counts_;
};

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_EVENT_HUB_H_
