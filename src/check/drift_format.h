// Rendering of checks and repairs for people: the rclone-style lines of
// `tidemark check` and `tidemark repair` (their JSON is wire/drift_json.h).
//
// Text uses DisplayPath (common/paths.h), so output is valid UTF-8 for any
// name. Pure functions; thread-safe.
#ifndef TIDEMARK_CHECK_DRIFT_FORMAT_H_
#define TIDEMARK_CHECK_DRIFT_FORMAT_H_

#include <string>

#include "check/drift.h"
#include "check/repair.h"

namespace tidemark {

// "+ path" (orphaned), "- path" (missing), "* path" (modified), "= path"
// (synced), "! path: why" (error).
std::string DriftLine(const DriftItem& item);

// "~ path: remove (why; who wrote it)": a leftover of an interrupted write
// and what settling it does ("restore to ORIGINAL", "keep").
std::string LeftoverLine(const Leftover& leftover);

// "product abc-123: 1 orphaned, 0 missing, 0 modified, 3 synced" (and the
// errors when there are some); the unparsed group is "paths no layout rule
// parses: ...".
std::string EntitySummary(const EntityDrift& entity);

// "12 differences found: 5 orphaned, 3 missing, 4 modified; 0 errors;
// 10,000 files (99,988 synced) in 1,000 entities" (and "; 2 leftovers of
// interrupted writes" when there are some).
std::string TotalsSummary(const DriftTotals& totals, bool with_layout);

// "adopt path", "remove object path", "drop record path", "refresh path".
std::string PlanLine(RepairAction action, const DriftItem& item);

}  // namespace tidemark

#endif  // TIDEMARK_CHECK_DRIFT_FORMAT_H_
