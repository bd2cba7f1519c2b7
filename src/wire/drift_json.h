// The JSON of checks and repairs, the one shape both front ends print:
// `tidemark check --json` and `tidemark repair --json` on the command line,
// the check and repair jobs and the seed-003 routes of the HTTP API. (The
// lines for people are check/drift_format.h.)
//
// JSON carries the raw path whenever it is valid UTF-8 (the display form
// otherwise). Pure functions; thread-safe.
#ifndef TIDEMARK_WIRE_DRIFT_JSON_H_
#define TIDEMARK_WIRE_DRIFT_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "check/drift.h"
#include "check/repair.h"

namespace tidemark::wire {

// A path for JSON: raw bytes when they are valid UTF-8, else DisplayPath.
std::string JsonPath(std::string_view raw);

// {path, kind, original (old copies), writer_gone, writer, size, action,
// reason}.
nlohmann::json LeftoverJson(const Leftover& leftover);

// {removed: [path], restored: [{path, original}], kept: [LeftoverJson]}.
nlohmann::json LeftoverOutcomeJson(const LeftoverOutcome& outcome);

nlohmann::json DriftTotalsJson(const DriftTotals& totals);

// {clean, totals, orphaned, missing, modified (paths), differences ({path,
// detail} of each modified path), errors, unparsed, leftovers
// (LeftoverJson), results} (and synced with `list_synced`); results is one
// object per entity.
nlohmann::json DriftReportJson(const DriftReport& report, bool list_synced);

// {adopt, remove_objects, drop_records, refresh, leftovers (LeftoverJson),
// deferred, deferred_reason}.
nlohmann::json RepairPlanJson(const RepairPlan& plan);

// {adopted, refreshed, objects_removed, records_dropped, errors, skipped,
// leftovers (LeftoverOutcomeJson), warnings}; the operations are rendered by
// the caller.
nlohmann::json RepairOutcomeJson(const RepairOutcome& outcome);

}  // namespace tidemark::wire

#endif  // TIDEMARK_WIRE_DRIFT_JSON_H_
