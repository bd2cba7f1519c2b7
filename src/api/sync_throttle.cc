#include "api/sync_throttle.h"

#include "common/time_format.h"

namespace tidemark::api {

const char* SyncThrottle::HowName(How how) {
  switch (how) {
    case How::kRan:
      return "ran";
    case How::kShared:
      return "shared";
    case How::kFresh:
      return "fresh";
    case How::kStale:
      return "stale";
  }
  return "fresh";
}

SyncThrottle::~SyncThrottle() {
  std::map<std::string, std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(background_);
  }
  for (auto& [key, t] : threads) t.join();
}

bool SyncThrottle::Young(const Slot& slot, int64_t max_age_ms) {
  return slot.generation > 0 &&
         clock_.NowNanos() - slot.last_end_ns < max_age_ms * 1'000'000;
}

void SyncThrottle::RunSync(const std::string& key, const SyncFn& sync) {
  nlohmann::json result = sync();
  std::lock_guard<std::mutex> lock(mu_);
  Slot& slot = slots_[key];
  slot.last = std::move(result);
  slot.last_end_ns = clock_.NowNanos();
  slot.running = false;
  ++slot.generation;
  ++slot.syncs;
  done_.notify_all();
}

SyncThrottle::Outcome SyncThrottle::Fresh(const std::string& key,
                                          int64_t max_age_ms,
                                          const SyncFn& sync) {
  std::unique_lock<std::mutex> lock(mu_);
  Slot& slot = slots_[key];
  if (!slot.running && max_age_ms > 0 && Young(slot, max_age_ms)) {
    ++slot.skipped;
    return {How::kFresh, slot.last, slot.last_end_ns};
  }
  if (slot.running) {
    // Share the sync in flight: it started after this read's data was
    // wanted, so its result is fresh enough.
    const int64_t running = slot.generation;
    ++slot.shared;
    done_.wait(lock, [&] { return slots_[key].generation != running; });
    const Slot& ended = slots_[key];
    return {How::kShared, ended.last, ended.last_end_ns};
  }
  slot.running = true;
  lock.unlock();
  RunSync(key, sync);
  lock.lock();
  const Slot& ended = slots_[key];
  return {How::kRan, ended.last, ended.last_end_ns};
}

SyncThrottle::Outcome SyncThrottle::Revalidate(const std::string& key,
                                               int64_t max_age_ms,
                                               SyncFn sync) {
  std::lock_guard<std::mutex> lock(mu_);
  Slot& slot = slots_[key];
  if (slot.running || (max_age_ms > 0 && Young(slot, max_age_ms))) {
    ++slot.skipped;
    return {slot.running ? How::kStale : How::kFresh, slot.last,
            slot.last_end_ns};
  }
  slot.running = true;
  // The key's previous sync has ended (slot.running was false) and holds
  // no lock any more: joining it here cannot wait for long.
  if (auto it = background_.find(key); it != background_.end()) {
    it->second.join();
  }
  background_[key] =
      std::thread([this, key, sync = std::move(sync)] { RunSync(key, sync); });
  return {How::kStale, slot.last, slot.last_end_ns};
}

nlohmann::json SyncThrottle::Status() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, slot] : slots_) {
    out[key.empty() ? "*" : key] = {
        {"running", slot.running},
        {"last_sync_at", slot.generation == 0
                             ? nlohmann::json(nullptr)
                             : nlohmann::json(FormatIsoTime(slot.last_end_ns))},
        {"syncs", slot.syncs},
        {"shared", slot.shared},
        {"skipped", slot.skipped},
        {"last_result", slot.last}};
  }
  return out;
}

}  // namespace tidemark::api
