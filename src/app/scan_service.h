// The scan service: one reconciliation of a repository with storage
// (`tidemark scan`, `reconcile`, `worker`, `cars sync`), from the settings
// the repository, the config and the caller add up to (sync_settings.h).
// It never prints: what happened is a ScanResult, and progress goes to a
// callback (Step::kScan, every few thousand files, done = files scanned,
// total = the files of the last complete scan or 0).
//
// Thread-safe, like the Context it uses; the caller holds the repository's
// lease (ScanUnderLease takes it).
#ifndef TIDEMARK_APP_SCAN_SERVICE_H_
#define TIDEMARK_APP_SCAN_SERVICE_H_

#include <optional>
#include <string>

#include "app/context.h"
#include "app/progress.h"
#include "app/sync_settings.h"
#include "catalog/records.h"
#include "common/hash_algorithm.h"
#include "common/status.h"
#include "sync/reconciler.h"

namespace tidemark::app {

// How a scan ended.
enum class ScanStatus {
  kCompleted,
  kPartial,  // finished with errors, unreadable directories or paused
             // removals (the operation says which)
  kSkipped,  // a catalog-truth repository: scans leave it alone
  kRefused,  // not started: what it was asked is wrong (InvalidArgument,
             // NotFound, AlreadyExists in `error`)
  kFailed,   // not started for another reason (storage, lease), stopped
             // by the catalog failing, or the operation failed (offline)
};

struct ScanResult {
  std::string repository;
  ScanStatus status = ScanStatus::kFailed;
  // Why the scan did not run or stopped part-way; ok when `report` is set
  // or the repository was skipped.
  Status error;
  std::string skip_reason;  // why a kSkipped repository was skipped
  HashAlgorithm hash = HashAlgorithm::kSha256;  // what the scan hashed with
  std::optional<ReconcileReport> report;        // set when the scan ran
};

// Scans `repo` (refreshed by the scan) under the lease the caller holds.
ScanResult ScanRepository(const Context& ctx, Repository& repo,
                          const ScanSettings& settings,
                          const ProgressFn& progress = nullptr);

// Takes the repository's lease (kFailed or kRefused with the lease's error
// when that fails: another worker has it, the repository was removed),
// re-reads the repository under it, and scans.
ScanResult ScanUnderLease(const Context& ctx, Repository& repo,
                          const ScanSettings& settings,
                          const ProgressFn& progress = nullptr);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_SCAN_SERVICE_H_
