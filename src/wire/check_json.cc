#include "wire/check_json.h"

#include <string>

#include "wire/catalog_json.h"
#include "wire/drift_json.h"
#include "wire/error_json.h"

namespace tidemark::wire {

nlohmann::json CheckJson(const app::CheckResult& result, bool list_synced) {
  nlohmann::json json = {
      {"repository", result.repo.name},
      {"scope", JsonPath(result.scope)},
      {"layout", result.with_layout ? nlohmann::json(result.layout_name)
                                    : nlohmann::json(nullptr)},
      {"truth", std::string(app::TruthName(result.truth))}};
  json.update(DriftReportJson(result.report, list_synced));
  return json;
}

nlohmann::json RepairPolicyJson(const RepairPolicy& p) {
  return {{"orphaned", p.orphaned == OrphanPolicy::kAdopt    ? "adopt"
                       : p.orphaned == OrphanPolicy::kRemove ? "remove"
                                                             : "leave"},
          {"missing", p.missing == MissingPolicy::kDrop ? "drop" : "keep"},
          {"update_modified", p.update_modified},
          {"remove_leftovers", p.remove_leftovers},
          {"any_writer", p.any_writer}};
}

nlohmann::json RepairJson(const app::RepairResult& result) {
  if (result.status == app::RepairStatus::kFailed) {
    return ErrorJson(result.failure);
  }
  nlohmann::json out = {{"repository", result.repository},
                        {"scope", JsonPath(result.scope)},
                        {"dry_run", result.dry_run},
                        {"policy", RepairPolicyJson(result.policy)},
                        {"before", DriftTotalsJson(result.before)},
                        {"plan", RepairPlanJson(result.plan)}};
  if (result.status == app::RepairStatus::kDryRun) {
    out["status"] = "dry-run";
    if (!result.safety.ok()) out["refused"] = result.safety.message();
    return out;
  }
  out["status"] =
      result.status == app::RepairStatus::kConverged ? "converged" : "partial";
  if (!result.outcome.has_value()) {
    // Nothing was to do: the totals before are those after.
    out["after"] = DriftTotalsJson(result.before);
    return out;
  }
  out.update(RepairOutcomeJson(*result.outcome));
  nlohmann::json operations = nlohmann::json::array();
  for (const SyncOperation& op : result.outcome->operations) {
    operations.push_back(OperationJson(op));
  }
  out["operations"] = std::move(operations);
  if (result.after.has_value()) {
    out["after"] = DriftTotalsJson(*result.after);
    out["clean_after"] = result.clean_after.value_or(false);
  } else {
    out["after"] = nullptr;
    out["after_error"] = result.after_error.message();
  }
  return out;
}

}  // namespace tidemark::wire
