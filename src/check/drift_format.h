// Rendering of checks and repairs: the rclone-style lines for people and the
// JSON documents for scripts (`tidemark check` and `tidemark repair`).
//
// Text uses DisplayPath (common/paths.h), so output is valid UTF-8 for any
// name. JSON carries the raw path whenever it is valid UTF-8 (the display
// form otherwise). Pure functions; thread-safe.
#ifndef TIDEMARK_CHECK_DRIFT_FORMAT_H_
#define TIDEMARK_CHECK_DRIFT_FORMAT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "check/drift.h"
#include "check/repair.h"

namespace tidemark {

// A path for JSON: raw bytes when they are valid UTF-8, else DisplayPath.
std::string JsonPath(std::string_view raw);

// "+ path" (orphaned), "- path" (missing), "* path" (modified), "= path"
// (synced), "! path: why" (error).
std::string DriftLine(const DriftItem& item);

// "~ path: remove (why; who wrote it)": a leftover of an interrupted write
// and what settling it does ("restore to ORIGINAL", "keep").
std::string LeftoverLine(const Leftover& leftover);

// {path, kind, original (old copies), writer_gone, writer, size, action,
// reason}.
nlohmann::json LeftoverJson(const Leftover& leftover);

// {removed: [path], restored: [{path, original}], kept: [LeftoverJson]}.
nlohmann::json LeftoverOutcomeJson(const LeftoverOutcome& outcome);

// "product abc-123: 1 orphaned, 0 missing, 0 modified, 3 synced" (and the
// errors when there are some); the unparsed group is "paths no layout rule
// parses: ...".
std::string EntitySummary(const EntityDrift& entity);

// "12 differences found: 5 orphaned, 3 missing, 4 modified; 0 errors;
// 10,000 files (99,988 synced) in 1,000 entities" (and "; 2 leftovers of
// interrupted writes" when there are some).
std::string TotalsSummary(const DriftTotals& totals, bool with_layout);

nlohmann::json DriftTotalsJson(const DriftTotals& totals);

// {clean, totals, orphaned, missing, modified (paths), differences ({path,
// detail} of each modified path), errors, unparsed, leftovers
// (LeftoverJson), results} (and synced with `list_synced`); results is one
// object per entity.
nlohmann::json DriftReportJson(const DriftReport& report, bool list_synced);

// "adopt path", "remove object path", "drop record path", "refresh path".
std::string PlanLine(RepairAction action, const DriftItem& item);

// {adopt, remove_objects, drop_records, refresh, leftovers (LeftoverJson),
// deferred, deferred_reason}.
nlohmann::json RepairPlanJson(const RepairPlan& plan);

// {adopted, refreshed, objects_removed, records_dropped, errors, skipped,
// leftovers (LeftoverOutcomeJson), warnings}; the operations are rendered by
// the caller.
nlohmann::json RepairOutcomeJson(const RepairOutcome& outcome);

}  // namespace tidemark

#endif  // TIDEMARK_CHECK_DRIFT_FORMAT_H_
