// The JSON of a scan's result: one element of `tidemark scan --json`'s
// "results", what `reconcile --json` prints when it scans here, and the
// "scan" of a cars sync (`cars sync --json`, POST /api/cars/sync). Pure;
// thread-safe.
#ifndef TIDEMARK_WIRE_SCAN_JSON_H_
#define TIDEMARK_WIRE_SCAN_JSON_H_

#include <nlohmann/json.hpp>

#include "app/scan_service.h"

namespace tidemark::wire {

// A scan that ran: {repository, status, counters, rows_written,
// duration_ms, hash_algorithm, offline, removals_deferred, error_message,
// leftovers, warnings}. One that was skipped: {repository, status:
// "skipped", reason}. One that did not run or stopped: {repository,
// status: "failed", error, code}.
nlohmann::json ScanResultJson(const app::ScanResult& result);

}  // namespace tidemark::wire

#endif  // TIDEMARK_WIRE_SCAN_JSON_H_
