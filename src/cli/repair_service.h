// The `repair` flow without its printing, shared by the CLI (`tidemark
// repair`, a thin printer over RunRepair) and the HTTP API (`tidemark
// serve`): a check, the plan the policy makes of it, and (unless dry_run)
// that plan carried out under the repository's lease, followed by a check
// of the result.
//
// Thread-safe once the store and gateway are open (ctx.Store() and
// ctx.GetGateway() called once first): RunRepair only reads the CliContext
// and prints nothing. Two repairs of one repository from one process are
// not kept apart by the lease (the process holds it once, see
// lease_scope.h): the caller serializes them.
#ifndef TIDEMARK_CLI_REPAIR_SERVICE_H_
#define TIDEMARK_CLI_REPAIR_SERVICE_H_

#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "check/drift.h"
#include "check/repair.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "common/result.h"

namespace tidemark::cli {

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
};

struct RepairResult {
  // Exactly `repair --json`'s document; {"error", "code"} (what the CLI
  // prints for an error) when `failure` is set.
  nlohmann::json json;
  // kOk converged (or a dry run), kPartial, kFailed (with `failure`).
  ExitCode code = ExitCode::kOk;
  RepairPlan plan;
  std::optional<RepairOutcome> outcome;  // set when the plan was carried out
  Status safety;  // CheckRepairSafety's verdict on the plan
  // Why the repair failed after planning: the safety rule refused it (the
  // same as `safety`; FailedPrecondition), or carrying it out failed. Ok
  // otherwise.
  Status failure;
  // The check after the repair: its totals (those of the check before when
  // there was nothing to do), or why it failed.
  std::optional<DriftTotals> after;
  Status after_error;
  bool with_layout = false;
  std::string repository;  // the repository's name
};

// Checks, plans and (unless request.dry_run) repairs one repository. An
// error is one that stopped the repair before a plan existed, and is the
// Status `repair` reports: NotFound / InvalidArgument for an unknown
// repository or entity and bad options, Unavailable when another process
// holds the lease (all with the exit code ExitCodeFor gives), and with
// *failed_repair set to true, failures of the check itself (storage
// unreachable, catalog error, Cancelled), whose exit code is kFailed.
// Does not validate that the policy asks for anything (the CLI requires a
// flag).
Result<RepairResult> RunRepair(CliContext& ctx, const RepairRequest& request,
                               bool* failed_repair = nullptr);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_REPAIR_SERVICE_H_
