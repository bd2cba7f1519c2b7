#include "catalog/lease_rules.h"

#include <string>

namespace tidemark {

namespace {
constexpr size_t kMaxHolderLength = 200;
constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr int64_t kMaxTtlMs = 86'400'000;
}  // namespace

Status ValidateLeaseRequest(std::string_view holder, int64_t ttl_ms) {
  if (holder.empty() || holder.size() > kMaxHolderLength) {
    return Status::InvalidArgument(
        "a lease holder (worker id) must be 1 to 200 characters long");
  }
  if (ttl_ms < 1 || ttl_ms > kMaxTtlMs) {
    return Status::InvalidArgument(
        "a lease must last from 1 ms to a day (86400000 ms), not " +
        std::to_string(ttl_ms) + " ms");
  }
  return Status::Ok();
}

Lease Renewed(Lease lease, int64_t ttl_ms, int64_t now_ns) {
  lease.renewed_at_ns = now_ns;
  lease.expires_at_ns = now_ns + ttl_ms * kNanosPerMilli;
  lease.observed_at_ns = now_ns;
  return lease;
}

namespace {

bool LiveAt(Lease lease, int64_t now_ns) {
  lease.observed_at_ns = now_ns;
  return lease.live();
}

}  // namespace

bool Takeable(const std::optional<Lease>& current, const LeaseClaim& claim,
              int64_t now_ns) {
  if (!current.has_value() || !LiveAt(*current, now_ns)) return true;
  return claim.gone_holder_token != 0 &&
         current->token == claim.gone_holder_token;
}

LeaseAcquisition DecideAcquisition(const std::optional<Lease>& current,
                                   int64_t repository_id,
                                   const LeaseClaim& claim, int64_t ttl_ms,
                                   int64_t now_ns, int64_t next_token) {
  LeaseAcquisition out;
  if (current.has_value()) {
    out.lease = *current;
    out.lease.observed_at_ns = now_ns;
    if (!Takeable(current, claim, now_ns)) return out;
    if (out.lease.live()) out.taken_from_gone = out.lease;
  }
  out.acquired = true;
  out.lease.repository_id = repository_id;
  out.lease.holder = claim.holder;
  out.lease.process = claim.process;
  out.lease.token = next_token;
  out.lease.acquired_at_ns = now_ns;
  out.lease = Renewed(std::move(out.lease), ttl_ms, now_ns);
  return out;
}

Status LeaseLost(const WriteFence& fence, const std::optional<Lease>& current) {
  std::string now = "no lease";
  if (current.has_value()) {
    now = current->holder.empty()
              ? "released (token " + std::to_string(current->token) + ")"
              : "held by '" + current->holder + "' with token " +
                    std::to_string(current->token);
  }
  return Status::Aborted(
      "lease on repository " + std::to_string(fence.repository_id) +
      " was lost: this worker has token " + std::to_string(fence.token) +
      ", the lease is now " + now +
      "; this worker must stop writing to the repository");
}

}  // namespace tidemark
