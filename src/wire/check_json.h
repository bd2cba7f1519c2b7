// The JSON documents of a check and a repair: what `tidemark check --json`
// and `tidemark repair --json` print, and the results of the API's check
// and repair jobs (the same documents, by decision: docs/API.md). Pure;
// thread-safe.
#ifndef TIDEMARK_WIRE_CHECK_JSON_H_
#define TIDEMARK_WIRE_CHECK_JSON_H_

#include <nlohmann/json.hpp>

#include "app/check_service.h"
#include "app/repair_service.h"
#include "check/repair.h"

namespace tidemark::wire {

// {repository, scope, layout (null without one), truth} and the report
// (DriftReportJson; synced and synced_files with `list_synced`).
nlohmann::json CheckJson(const app::CheckResult& result, bool list_synced);

// {orphaned: leave|adopt|remove, missing: keep|drop, update_modified,
// remove_leftovers, any_writer}.
nlohmann::json RepairPolicyJson(const RepairPolicy& policy);

// {repository, scope, dry_run, policy, before, plan, status} and: for a
// dry run "refused" when the safety rule would refuse it; when nothing was
// to do, "after" (the totals before); when it was carried out, its outcome
// (RepairOutcomeJson), "operations", and "after" with "clean_after", or
// "after": null with "after_error". A repair that failed after planning
// is the command line's error document {error, code}.
nlohmann::json RepairJson(const app::RepairResult& result);

}  // namespace tidemark::wire

#endif  // TIDEMARK_WIRE_CHECK_JSON_H_
