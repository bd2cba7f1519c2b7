#include "server/event_hub.h"

namespace tidemark::server {

std::string SseMessage(const ServerEvent& event) {
  return "id: " + std::to_string(event.id) + "\nevent: " + event.type +
         "\ndata: " + event.data.dump() + "\n\n";
}

EventHub::EventHub(size_t capacity, int64_t first_id)
    : capacity_(capacity == 0 ? 1 : capacity),
      next_id_(first_id > 0
                   ? first_id
                   : std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()) {}

int64_t EventHub::Publish(std::string type, nlohmann::json data,
                          std::string at) {
  std::lock_guard<std::mutex> lock(mu_);
  ServerEvent e;
  e.id = next_id_++;
  e.type = std::move(type);
  e.data = std::move(data);
  e.at = std::move(at);
  bool counted = false;
  for (auto& [name, n] : counts_) {
    if (name == e.type) {
      ++n;
      counted = true;
    }
  }
  if (!counted) counts_.emplace_back(e.type, 1);
  events_.push_back(std::move(e));
  if (events_.size() > capacity_) events_.pop_front();
  cv_.notify_all();
  return next_id_ - 1;
}

EventHub::Batch EventHub::Read(int64_t after, size_t max,
                               std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, wait, [&] { return closed_ || next_id_ - 1 != after; });
  Batch batch;
  batch.closed = closed_;
  batch.next_after = after;
  const int64_t last = next_id_ - 1;
  if (after == last) return batch;
  // An id this process never gave (from before a restart), or one whose
  // successors fell out of the buffer: the client cannot be brought up to
  // date event by event, so it is told to reload and follows from now.
  const int64_t oldest = events_.empty() ? next_id_ : events_.front().id;
  if (after > last || after + 1 < oldest) {
    batch.reset = true;
    batch.next_after = last;
    return batch;
  }
  for (const ServerEvent& e : events_) {
    if (e.id <= after) continue;
    batch.events.push_back(e);
    batch.next_after = e.id;
    if (batch.events.size() >= max) break;
  }
  return batch;
}

int64_t EventHub::last_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_id_ - 1;
}

std::vector<std::pair<std::string, int64_t>> EventHub::Counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

void EventHub::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  cv_.notify_all();
}

}  // namespace tidemark::server
