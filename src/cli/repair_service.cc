#include "cli/repair_service.h"

#include <memory>
#include <utility>

#include "app/lease_scope.h"
#include "cli/check_service.h"
#include "wire/catalog_json.h"
#include "wire/drift_json.h"

namespace tidemark::cli {
namespace {

nlohmann::json PolicyJson(const RepairPolicy& p) {
  return {{"orphaned", p.orphaned == OrphanPolicy::kAdopt    ? "adopt"
                       : p.orphaned == OrphanPolicy::kRemove ? "remove"
                                                             : "leave"},
          {"missing", p.missing == MissingPolicy::kDrop ? "drop" : "keep"},
          {"update_modified", p.update_modified},
          {"remove_leftovers", p.remove_leftovers},
          {"any_writer", p.any_writer}};
}

// A failure after planning: the document is the CLI's error document.
RepairResult Failed(RepairResult result, Status failure) {
  result.json = {{"error", failure.message()},
                 {"code", std::string(StatusCodeName(failure.code()))}};
  result.code = ExitCode::kFailed;
  result.failure = std::move(failure);
  return result;
}

}  // namespace

Result<RepairResult> RunRepair(CliContext& ctx, const RepairRequest& request,
                               bool* failed_repair) {
  ASSIGN_OR_RETURN(CheckSubject subject,
                   OpenCheckSubject(ctx, request.repository, request.scope,
                                    request.entity, failed_repair));
  Repository& repo = subject.repo;
  const app::SyncSettings& settings = subject.settings;
  CatalogStore* store = subject.store;
  StorageBackend& backend = *subject.backend;

  // A repair writes: it holds the lease from before its check to the end,
  // so nobody else changes the catalog between the plan and its execution
  // (no other process, and no other one-off writer of this one; the daemon
  // of `serve`, when it watches the repository, goes on following storage).
  ASSIGN_OR_RETURN(app::Context * app, ctx.App());
  std::unique_ptr<app::WriteLease> lease;
  if (!request.dry_run) {
    ASSIGN_OR_RETURN(lease, app::TakeLease(*app, repo));
  }

  DriftOptions check_options = subject.DriftOptionsFor(request.cancel);
  auto before = CheckDrift(backend, *store, repo, check_options);
  if (!before.ok()) {
    if (failed_repair != nullptr) *failed_repair = true;
    return before.status();
  }

  RepairResult result;
  result.repository = repo.name;
  result.with_layout = subject.domain.layout != nullptr;
  result.plan = PlanRepair(*before, request.policy);
  const RepairPlan& plan = result.plan;
  result.safety =
      CheckRepairSafety(plan, settings.mass_removal_threshold, request.force);
  nlohmann::json& out = result.json;
  out = {{"repository", repo.name},
         {"scope", wire::JsonPath(subject.scope)},
         {"dry_run", request.dry_run},
         {"policy", PolicyJson(request.policy)},
         {"before", wire::DriftTotalsJson(before->totals)},
         {"plan", wire::RepairPlanJson(plan)}};
  if (request.dry_run) {
    out["status"] = "dry-run";
    if (!result.safety.ok()) out["refused"] = result.safety.message();
    result.code = ExitCode::kOk;
    return result;
  }
  if (!result.safety.ok()) {
    Status refused = result.safety;
    return Failed(std::move(result), std::move(refused));
  }
  if (plan.empty()) {
    result.code = plan.deferred.empty() ? ExitCode::kOk : ExitCode::kPartial;
    out["status"] = plan.deferred.empty() ? "converged" : "partial";
    out["after"] = wire::DriftTotalsJson(before->totals);
    result.after = before->totals;
    return result;
  }

  auto gateway = ctx.GetGateway();
  if (!gateway.ok()) return Failed(std::move(result), gateway.status());
  RepairOptions options;
  options.hash = settings.hash;
  options.batch_size = settings.batch_size;
  options.hash_threads = settings.threads;
  options.filter = &settings.filter;
  options.mass_removal_threshold = settings.mass_removal_threshold;
  options.force = request.force;
  options.cancel = request.cancel;
  auto outcome = ApplyRepair(backend, *store, **gateway, repo, plan, options);
  if (!outcome.ok()) {
    return Failed(
        std::move(result),
        outcome.status().WithContext("repair of '" + repo.name + "' failed"));
  }
  out.update(wire::RepairOutcomeJson(*outcome));
  nlohmann::json operations = nlohmann::json::array();
  for (const SyncOperation& op : outcome->operations) {
    operations.push_back(wire::OperationJson(op));
  }
  out["operations"] = std::move(operations);
  result.code = outcome->converged() ? ExitCode::kOk : ExitCode::kPartial;
  result.outcome = std::move(outcome).value();

  // The seed returns the sync status after a repair: check again.
  check_options.cancel = nullptr;
  auto after = CheckDrift(backend, *store, repo, check_options);
  out["status"] = result.code == ExitCode::kOk ? "converged" : "partial";
  if (after.ok()) {
    out["after"] = wire::DriftTotalsJson(after->totals);
    out["clean_after"] = after->clean();
    result.after = after->totals;
  } else {
    out["after"] = nullptr;
    out["after_error"] = after.status().message();
    result.after_error = after.status();
  }
  return result;
}

}  // namespace tidemark::cli
