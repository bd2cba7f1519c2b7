// The reads of the daemon's watch status and sync requests in MemoryCatalog
// (memory_catalog.h); the transaction writes them with everything else.
#include <algorithm>

#include "fakes/memory_catalog.h"

namespace tidemark {

Result<std::vector<WatchStatus>> MemoryCatalog::ListWatchStatuses() {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  std::vector<WatchStatus> out;
  for (const auto& [id, data] : state_.repositories) {
    if (data.watch) out.push_back(*data.watch);
  }
  return out;
}

Result<std::vector<SyncRequest>> MemoryCatalog::ListRequests(
    int64_t repository_id, bool pending_only) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  std::vector<SyncRequest> out;
  for (const auto& [id, data] : state_.repositories) {
    if (repository_id != 0 && id != repository_id) continue;
    for (const auto& [request_id, request] : data.requests) {
      if (!pending_only || request.pending()) out.push_back(request);
    }
  }
  // Ids are catalog-wide: across repositories they interleave.
  std::sort(
      out.begin(), out.end(),
      [](const SyncRequest& a, const SyncRequest& b) { return a.id < b.id; });
  return out;
}

Result<std::optional<SyncRequest>> MemoryCatalog::FindRequest(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  auto where = state_.request_ids.find(id);
  if (where == state_.request_ids.end()) return std::optional<SyncRequest>();
  return std::optional<SyncRequest>(
      state_.repositories.at(where->second).requests.at(id));
}

}  // namespace tidemark
