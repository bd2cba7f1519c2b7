#include "sync/lease_keeper.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace tidemark {

Status ValidateLeaseTiming(const LeaseTiming& timing) {
  if (timing.heartbeat.count() <= 0 || timing.timeout < 2 * timing.heartbeat ||
      timing.timeout > std::chrono::hours(24)) {
    return Status::InvalidArgument(
        "lease heartbeat (" + std::to_string(timing.heartbeat.count()) +
        " ms) must be positive and at most half the lease timeout (" +
        std::to_string(timing.timeout.count()) +
        " ms), which must not exceed a day; set [lease] heartbeat_ms and "
        "timeout_ms, e.g. 30000 and 60000");
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

std::string DescribeHolderProcess(const Lease& lease, ProcessFate fate) {
  if (fate == ProcessFate::kUnknown) return "";
  return "process " + std::to_string(lease.process.pid) + " on this host, " +
         std::string(ProcessFateName(fate));
}

Result<std::unique_ptr<LeaseKeeper>> LeaseKeeper::Acquire(
    Gateway& gateway, const Repository& repo, const LeaseTiming& timing) {
  RETURN_IF_ERROR(ValidateLeaseTiming(timing));
  ASSIGN_OR_RETURN(LeaseAcquisition got,
                   gateway.AcquireLease(repo, timing.timeout.count()));
  if (!got.acquired) {
    std::string process =
        DescribeHolderProcess(got.lease, gateway.HolderFate(got.lease));
    if (!process.empty()) process += "; ";
    return Status::Unavailable("repository '" + repo.name +
                               "' is being synced by worker '" +
                               got.lease.holder + "' (" + process +
                               "its lease " + DescribeExpiry(got.lease) +
                               "); wait for it to finish, or stop that worker");
  }
  if (got.taken_from_gone.has_value()) {
    const Lease& gone = *got.taken_from_gone;
    spdlog::warn(
        "took over repository '{}' from worker '{}' at once: its process {} "
        "on this host is gone, so its lease (token {}, which {}) was not "
        "waited for",
        repo.name, gone.holder, gone.process.pid, gone.token,
        DescribeExpiry(gone));
  }
  spdlog::debug("{}: lease taken (token {}, for {} ms)", repo.name,
                got.lease.token, timing.timeout.count());
  return std::unique_ptr<LeaseKeeper>(
      new LeaseKeeper(gateway, repo, timing, std::move(got)));
}

LeaseKeeper::LeaseKeeper(Gateway& gateway, Repository repo, LeaseTiming timing,
                         LeaseAcquisition got)
    : gateway_(gateway),
      repo_(std::move(repo)),
      timing_(timing),
      lease_(std::move(got.lease)),
      taken_from_gone_(std::move(got.taken_from_gone)),
      heartbeat_([this] { Heartbeat(); }) {}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  heartbeat_.join();
  // Best effort: if the catalog is unreachable the lease simply expires.
  if (Status s = gateway_.ReleaseLease(repo_.id); s.ok()) {
    spdlog::debug("{}: lease released", repo_.name);
  } else {
    spdlog::debug("{}: lease not released ({}); it expires", repo_.name,
                  s.message());
  }
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
  // After a failed renewal (catalog unreachable) the next try comes sooner,
  // so one bad moment does not cost the lease.
  const auto retry = std::max(timing_.heartbeat / 4,
                              std::chrono::milliseconds(std::min<int64_t>(
                                  50, timing_.heartbeat.count())));
  auto wait = timing_.heartbeat;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (wake_.wait_for(lock, wait, [this] { return stopping_; })) return;
    lock.unlock();
    auto renewed = gateway_.RenewLease(repo_.id, timing_.timeout.count());
    lock.lock();
    if (!renewed.ok() && renewed.status().code() == StatusCode::kAborted) {
      lost_ = renewed.status();
      spdlog::debug("{}: lease lost: {}", repo_.name, lost_.message());
      return;
    }
    wait = renewed.ok() ? timing_.heartbeat : retry;
    if (renewed.ok()) {
      spdlog::debug("{}: lease renewed (token {}, for {} ms)", repo_.name,
                    renewed->token, timing_.timeout.count());
    } else {
      spdlog::debug("{}: lease renewal failed ({}); trying again in {} ms",
                    repo_.name, renewed.status().message(), wait.count());
    }
  }
}

}  // namespace tidemark
