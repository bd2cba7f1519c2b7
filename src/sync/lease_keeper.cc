#include "sync/lease_keeper.h"

#include <utility>

namespace tidemark {

Status ValidateLeaseTiming(const LeaseTiming& timing) {
  if (timing.heartbeat.count() <= 0 || timing.timeout <= timing.heartbeat) {
    return Status::InvalidArgument(
        "lease heartbeat (" + std::to_string(timing.heartbeat.count()) +
        " ms) must be positive and shorter than the lease timeout (" +
        std::to_string(timing.timeout.count()) +
        " ms); set [lease] heartbeat_ms and timeout_ms, e.g. 30000 and 60000");
  }
  return Status::Ok();
}

std::string DescribeExpiry(const Lease& lease) {
  const int64_t left_ms =
      (lease.expires_at_ns - lease.observed_at_ns) / 1'000'000;
  auto seconds = [](int64_t ms) {
    return std::to_string((ms + 999) / 1000) + " s";
  };
  return left_ms >= 0 ? "expires in " + seconds(left_ms)
                      : "expired " + seconds(-left_ms) + " ago";
}

Result<std::unique_ptr<LeaseKeeper>> LeaseKeeper::Acquire(
    Gateway& gateway, const Repository& repo, const LeaseTiming& timing) {
  RETURN_IF_ERROR(ValidateLeaseTiming(timing));
  ASSIGN_OR_RETURN(LeaseAcquisition got,
                   gateway.AcquireLease(repo, timing.timeout.count()));
  if (!got.acquired) {
    return Status::Unavailable(
        "repository '" + repo.name + "' is being synced by worker '" +
        got.lease.holder + "' (its lease " + DescribeExpiry(got.lease) +
        "); wait for it to finish, or stop that worker");
  }
  return std::unique_ptr<LeaseKeeper>(
      new LeaseKeeper(gateway, repo, timing, got.lease));
}

LeaseKeeper::LeaseKeeper(Gateway& gateway, Repository repo, LeaseTiming timing,
                         Lease lease)
    : gateway_(gateway),
      repo_(std::move(repo)),
      timing_(timing),
      lease_(std::move(lease)),
      heartbeat_([this] { Heartbeat(); }) {}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  heartbeat_.join();
  // Best effort: if the catalog is unreachable the lease simply expires.
  (void)gateway_.ReleaseLease(repo_.id);
}

bool LeaseKeeper::lost() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !lost_.ok();
}

Status LeaseKeeper::lost_status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lost_;
}

void LeaseKeeper::Heartbeat() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (wake_.wait_for(lock, timing_.heartbeat, [this] { return stopping_; })) {
      return;
    }
    lock.unlock();
    auto renewed = gateway_.RenewLease(repo_.id, timing_.timeout.count());
    lock.lock();
    if (!renewed.ok() && renewed.status().code() == StatusCode::kAborted) {
      lost_ = renewed.status();
      return;
    }
    // Any other failure (catalog unreachable): try again next beat.
  }
}

}  // namespace tidemark
