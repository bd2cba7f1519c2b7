// The lease half of MemoryCatalog (memory_catalog.h): the rules are the
// shared ones in catalog/lease_rules.h; this file only keeps the row.
#include <chrono>
#include <string>

#include "catalog/lease_rules.h"
#include "fakes/memory_catalog.h"

namespace tidemark {

Status MemoryCatalog::CheckFenceLocked(const WriteFence& fence) const {
  auto it = state_.repositories.find(fence.repository_id);
  std::optional<Lease> current;
  if (it != state_.repositories.end()) current = it->second.lease;
  if (!current || current->token != fence.token || current->holder.empty()) {
    return LeaseLost(fence, current);
  }
  return Status::Ok();
}

Result<LeaseAcquisition> MemoryCatalog::ClaimLease(int64_t repository_id,
                                                   const LeaseClaim& claim,
                                                   int64_t ttl_ms) {
  RETURN_IF_ERROR(ValidateLeaseRequest(claim.holder, ttl_ms));
  // A takeover is a write: it waits for the open transaction, which may be
  // a fenced one of the holder it replaces.
  std::unique_lock<std::timed_mutex> writer(writer_mu_, std::defer_lock);
  if (!writer.try_lock_for(std::chrono::seconds(5))) {
    return Status::Unavailable(
        "memory catalog is locked by another transaction");
  }
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  auto it = state_.repositories.find(repository_id);
  if (it == state_.repositories.end()) {
    return Status::NotFound("no repository with id " +
                            std::to_string(repository_id));
  }
  const int64_t now = clock_.NowNanos();
  const int64_t token =
      Takeable(it->second.lease, claim, now) ? ++last_lease_token_ : 0;
  LeaseAcquisition out = DecideAcquisition(it->second.lease, repository_id,
                                           claim, ttl_ms, now, token);
  if (out.acquired) it->second.lease = out.lease;
  return out;
}

Result<Lease> MemoryCatalog::RenewLease(const WriteFence& fence,
                                        int64_t ttl_ms) {
  RETURN_IF_ERROR(ValidateLeaseRequest("renewal", ttl_ms));
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  RETURN_IF_ERROR(CheckFenceLocked(fence));
  std::optional<Lease>& lease = state_.repositories[fence.repository_id].lease;
  lease = Renewed(*lease, ttl_ms, clock_.NowNanos());
  return *lease;
}

Status MemoryCatalog::ReleaseLease(const WriteFence& fence) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  auto it = state_.repositories.find(fence.repository_id);
  if (it == state_.repositories.end() || !it->second.lease ||
      it->second.lease->token != fence.token) {
    return Status::Ok();
  }
  it->second.lease->holder.clear();
  it->second.lease->expires_at_ns = clock_.NowNanos();
  return Status::Ok();
}

Result<std::vector<Lease>> MemoryCatalog::ListLeases() {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckAvailable());
  const int64_t now = clock_.NowNanos();
  std::vector<Lease> out;
  for (const auto& [id, data] : state_.repositories) {
    if (!data.lease) continue;
    out.push_back(*data.lease);
    out.back().observed_at_ns = now;
  }
  return out;
}

}  // namespace tidemark
