#include "app/repair_service.h"

#include <memory>
#include <utility>

#include "app/check_service.h"
#include "app/lease_scope.h"

namespace tidemark::app {
namespace {

// A failure after planning.
RepairResult Failed(RepairResult result, Status failure) {
  result.status = RepairStatus::kFailed;
  result.failure = std::move(failure);
  return result;
}

int64_t Actions(const RepairPlan& plan) {
  return static_cast<int64_t>(plan.adopt.size() + plan.remove_objects.size() +
                              plan.drop_records.size() + plan.refresh.size() +
                              plan.leftovers.size());
}

}  // namespace

Result<RepairResult> RunRepair(const Context& ctx, const RepairRequest& request,
                               bool* failed_repair) {
  ASSIGN_OR_RETURN(CheckSubject subject,
                   OpenCheckSubject(ctx, request.repository, request.scope,
                                    request.entity, failed_repair));
  Repository& repo = subject.repo;
  const SyncSettings& settings = subject.settings;
  CatalogStore& store = ctx.store();
  StorageBackend& backend = *subject.backend;

  // A repair writes: it holds the lease from before its check to the end,
  // so nobody else changes the catalog between the plan and its execution
  // (no other process, and no other one-off writer of this one; the daemon
  // of `serve`, when it watches the repository, goes on following storage).
  std::unique_ptr<WriteLease> lease;
  if (!request.dry_run) {
    ASSIGN_OR_RETURN(lease, TakeLease(ctx, repo));
  }

  DriftOptions check_options = subject.DriftOptionsFor(request.cancel);
  ASSIGN_OR_RETURN(DriftReport before,
                   subject.Check(ctx, check_options, Step::kCheck,
                                 request.progress, failed_repair));

  RepairResult result;
  result.repository = repo.name;
  result.scope = subject.scope;
  result.policy = request.policy;
  result.dry_run = request.dry_run;
  result.with_layout = subject.domain.layout != nullptr;
  result.before = before.totals;
  result.plan = PlanRepair(before, request.policy);
  const RepairPlan& plan = result.plan;
  result.safety =
      CheckRepairSafety(plan, settings.mass_removal_threshold, request.force);
  if (request.dry_run) {
    result.status = RepairStatus::kDryRun;
    return result;
  }
  if (!result.safety.ok()) {
    Status refused = result.safety;
    return Failed(std::move(result), std::move(refused));
  }
  if (plan.empty()) {
    result.status = plan.deferred.empty() ? RepairStatus::kConverged
                                          : RepairStatus::kPartial;
    result.after = before.totals;
    return result;
  }

  RepairOptions options;
  options.hash = settings.hash;
  options.batch_size = settings.batch_size;
  options.hash_threads = settings.threads;
  options.filter = &settings.filter;
  options.mass_removal_threshold = settings.mass_removal_threshold;
  options.force = request.force;
  options.cancel = request.cancel;
  const int64_t actions = Actions(plan);
  Report(request.progress, Step::kRepair, 0, actions);
  auto outcome =
      ApplyRepair(backend, store, ctx.gateway(), repo, plan, options);
  if (!outcome.ok()) {
    return Failed(
        std::move(result),
        outcome.status().WithContext("repair of '" + repo.name + "' failed"));
  }
  Report(request.progress, Step::kRepair, actions, actions);
  result.status =
      outcome->converged() ? RepairStatus::kConverged : RepairStatus::kPartial;
  result.outcome = std::move(outcome).value();

  // The seed returns the sync status after a repair: check again.
  check_options.cancel = nullptr;
  auto after =
      subject.Check(ctx, check_options, Step::kRecheck, request.progress);
  if (after.ok()) {
    result.after = after->totals;
    result.clean_after = after->clean();
  } else {
    result.after_error = after.status();
  }
  return result;
}

}  // namespace tidemark::app
