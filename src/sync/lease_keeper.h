// LeaseKeeper: holds one repository's lease for as long as it lives.
//
// Acquire takes the lease through the Gateway (which then fences every write
// to the repository) and starts a heartbeat thread that renews it every
// `heartbeat`, each time for `timeout` more (a failed renewal is retried
// after a quarter heartbeat). If a renewal finds the lease
// taken, the keeper marks itself lost and stops; the Gateway keeps the stale
// fence, so the owner's writes fail from then on. If the catalog cannot be
// reached, the heartbeat keeps trying: once the lease expires, another worker
// may take it, and the fence stops this one. Destruction stops the heartbeat
// and releases the lease if it is still held.
//
// The keeper borrows the Gateway, which must outlive it. Thread-safe: lost()
// may be read from any thread.
#ifndef TIDEMARK_SYNC_LEASE_KEEPER_H_
#define TIDEMARK_SYNC_LEASE_KEEPER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "catalog/records.h"
#include "common/result.h"
#include "sync/gateway.h"

namespace tidemark {

struct LeaseTiming {
  std::chrono::milliseconds heartbeat{30'000};
  std::chrono::milliseconds timeout{60'000};
};

// InvalidArgument unless 0 < heartbeat <= timeout / 2 and timeout <= 1 day.
Status ValidateLeaseTiming(const LeaseTiming& timing);

class LeaseKeeper {
 public:
  // Unavailable, naming the holder and when its lease ends, when another
  // worker holds the repository. A live lease whose holder's process is
  // gone from this host is taken over at once (Gateway::AcquireLease); a
  // warning says so.
  static Result<std::unique_ptr<LeaseKeeper>> Acquire(
      Gateway& gateway, const Repository& repo, const LeaseTiming& timing);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  const Lease& lease() const { return lease_; }
  // The lease of a holder whose process was gone, taken over by Acquire.
  const std::optional<Lease>& taken_from_gone() const {
    return taken_from_gone_;
  }
  // True once a renewal found the lease taken by another worker.
  bool lost() const;
  // Why it was lost; ok while held.
  Status lost_status() const;

 private:
  LeaseKeeper(Gateway& gateway, Repository repo, LeaseTiming timing,
              LeaseAcquisition got);
  void Heartbeat();

  Gateway& gateway_;
  const Repository repo_;
  const LeaseTiming timing_;
  const Lease lease_;
  const std::optional<Lease> taken_from_gone_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  Status lost_;            // guarded by mu_
  std::thread heartbeat_;
};

// "expires in 42 s" / "expired 3 s ago", from the lease's own observation.
std::string DescribeExpiry(const Lease& lease);

// What is known of the process holding `lease`, for messages: "process 812
// on this host, running" / "process 812 on this host, gone", or "" when
// nothing is known (another host, or no identity).
std::string DescribeHolderProcess(const Lease& lease, ProcessFate fate);

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_LEASE_KEEPER_H_
