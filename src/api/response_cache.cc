#include "api/response_cache.h"

#include <utility>

namespace tidemark::api {

const char* ResponseCache::HowName(How how) {
  switch (how) {
    case How::kHit:
      return "hit";
    case How::kMiss:
      return "miss";
    case How::kShared:
      return "shared";
    case How::kOff:
      return "off";
  }
  return "miss";
}

ResponseCache::ResponseCache(StampFn stamp, size_t max_entries,
                             size_t max_bytes)
    : stamp_(std::move(stamp)),
      max_entries_(max_entries == 0 ? 1 : max_entries),
      max_bytes_(max_bytes) {}

ResponseCache::Ticket ResponseCache::Take() const {
  // The generation first: a commit moves the stamp before its notice moves
  // the generation, so a ticket can pair an old generation with a new
  // stamp (the body is then dropped or missed later: only wasted work),
  // never a new generation with a stamp from before that commit.
  Ticket t;
  t.generation = generation_.load();
  Result<int64_t> stamp =
      stamp_ ? stamp_() : Result<int64_t>(Status::Unavailable("no stamp"));
  if (stamp.ok()) {
    t.has_stamp = true;
    t.stamp = *stamp;
  }
  return t;
}

void ResponseCache::Invalidate() { ++generation_; }

void ResponseCache::MakeRoom(const std::string& keep, size_t incoming) {
  while (entries_.size() > max_entries_ || bytes_ + incoming > max_bytes_) {
    auto victim = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      // A key being computed keeps its entry: its readers wait on it.
      if (it->first == keep || it->second.in_flight) continue;
      if (victim == entries_.end() ||
          it->second.last_use < victim->second.last_use) {
        victim = it;
      }
    }
    if (victim == entries_.end()) return;
    if (victim->second.body) bytes_ -= victim->second.body->size();
    entries_.erase(victim);
  }
}

Result<ResponseCache::Reply> ResponseCache::Get(const std::string& key,
                                                const ComputeFn& compute) {
  const Ticket ticket = Take();
  if (!ticket.has_stamp) {
    ASSIGN_OR_RETURN(std::string body, compute());
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.off;
    return Reply{std::make_shared<const std::string>(std::move(body)),
                 How::kOff};
  }
  std::unique_lock<std::mutex> lock(mu_);
  bool waited = false;
  while (true) {
    auto [it, added] = entries_.try_emplace(key);
    if (added) MakeRoom(key, 0);
    Entry& entry = it->second;
    entry.last_use = ++uses_;
    if (entry.body && Same(entry.ticket, ticket)) {
      ++(waited ? stats_.shared : stats_.hits);
      return Reply{entry.body, waited ? How::kShared : How::kHit};
    }
    if (!entry.in_flight || !Same(*entry.in_flight, ticket)) break;
    // The same computation is running: wait for its body. (The entry is
    // not evicted meanwhile: MakeRoom skips keys in flight.)
    computed_.wait(lock);
    waited = true;
  }
  entries_[key].in_flight = ticket;
  ++stats_.misses;
  lock.unlock();
  Result<std::string> body = compute();
  lock.lock();
  Entry& entry = entries_[key];
  if (entry.in_flight && Same(*entry.in_flight, ticket)) {
    entry.in_flight.reset();
  }
  computed_.notify_all();
  if (!body.ok()) return body.status();
  auto shared = std::make_shared<const std::string>(std::move(body).value());
  // Keep it only if no notice came meanwhile (the stamp is compared at
  // each lookup) and it fits.
  if (generation_.load() == ticket.generation && shared->size() <= max_bytes_) {
    if (entry.body) bytes_ -= entry.body->size();
    entry.body = nullptr;
    MakeRoom(key, shared->size());
    entry.body = shared;
    entry.ticket = ticket;
    bytes_ += shared->size();
  }
  return Reply{shared, How::kMiss};
}

ResponseCache::Stats ResponseCache::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  Stats s = stats_;
  s.entries = static_cast<int64_t>(entries_.size());
  s.bytes = static_cast<int64_t>(bytes_);
  return s;
}

}  // namespace tidemark::api
