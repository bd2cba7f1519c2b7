// The repair service (`tidemark repair`, the API's repair jobs and seed
// 003's sync routes): a check, the plan the policy makes of it, and (unless
// dry_run) that plan carried out under the repository's lease, followed by
// a check of the result. It never prints: the result is a RepairResult,
// and progress goes to the request's callback: Step::kCheck as a check
// reports it, Step::kRepair before the plan is carried out (done 0, total
// = planned actions) and after (done = total), and Step::kRecheck like
// kCheck for the check after.
//
// Thread-safe, like the Context it uses. Two repairs of one repository
// from one process take turns (lease_scope.h).
#ifndef TIDEMARK_APP_REPAIR_SERVICE_H_
#define TIDEMARK_APP_REPAIR_SERVICE_H_

#include <atomic>
#include <optional>
#include <string>

#include "app/context.h"
#include "app/progress.h"
#include "check/drift.h"
#include "check/repair.h"
#include "common/result.h"

namespace tidemark::app {

struct RepairRequest {
  std::string repository;  // name
  std::string scope;       // a directory in display form; "" = everything
  std::string entity;      // a top-level entity's key (exclusive with scope)
  RepairPolicy policy;
  bool dry_run = false;  // plan only: no lease, nothing changed
  bool force = false;    // confirm removals above the mass-removal threshold
  // Set: the check stops with Cancelled, the repair after the batch in
  // flight.
  const std::atomic<bool>* cancel = nullptr;
  ProgressFn progress;
};

enum class RepairStatus {
  kDryRun,     // planned only
  kConverged,  // everything planned was done (or nothing was to do)
  kPartial,    // done, with items skipped or failed, or deferred
  kFailed,     // refused by the safety rule or stopped: see `failure`
};

struct RepairResult {
  std::string repository;  // the repository's name
  std::string scope;       // the resolved scope ("" = the whole root)
  RepairPolicy policy;
  bool dry_run = false;
  bool with_layout = false;
  RepairStatus status = RepairStatus::kConverged;
  DriftTotals before;  // the check's totals before the repair
  RepairPlan plan;
  Status safety;  // CheckRepairSafety's verdict on the plan
  // Why the repair failed after planning: the safety rule refused it (the
  // same as `safety`; FailedPrecondition), or carrying it out failed. Ok
  // otherwise.
  Status failure;
  std::optional<RepairOutcome> outcome;  // set when the plan was carried out
  // The check after the repair: its totals (those of the check before when
  // there was nothing to do), whether it was clean (only when the plan was
  // carried out), or why it failed.
  std::optional<DriftTotals> after;
  std::optional<bool> clean_after;
  Status after_error;
};

// Checks, plans and (unless request.dry_run) repairs one repository. An
// error is one that stopped the repair before a plan existed: NotFound /
// InvalidArgument for an unknown repository or entity and bad options,
// Unavailable when another process holds the lease, and with
// *failed_repair set to true, failures of the check itself (storage
// unreachable, catalog error, Cancelled). Does not validate that the
// policy asks for anything (the front ends require it).
Result<RepairResult> RunRepair(const Context& ctx, const RepairRequest& request,
                               bool* failed_repair = nullptr);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_REPAIR_SERVICE_H_
