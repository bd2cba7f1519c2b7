#include "wire/scan_json.h"

#include <string>

#include "wire/catalog_json.h"
#include "wire/error_json.h"

namespace tidemark::wire {

nlohmann::json ScanResultJson(const app::ScanResult& result) {
  if (result.status == app::ScanStatus::kSkipped) {
    return {{"repository", result.repository},
            {"status", "skipped"},
            {"reason", result.skip_reason}};
  }
  if (!result.report.has_value()) {
    nlohmann::json out = ErrorJson(result.error);
    out["repository"] = result.repository;
    out["status"] = "failed";
    return out;
  }
  const ReconcileReport& report = *result.report;
  const SyncOperation& op = report.operation;
  return {{"repository", result.repository},
          {"status", std::string(OperationStatusName(op.status))},
          {"counters", OperationJson(op)["counters"]},
          {"rows_written", report.rows_written},
          {"duration_ms", op.duration_ms},
          {"hash_algorithm", std::string(HashAlgorithmName(result.hash))},
          {"offline", report.offline},
          {"removals_deferred", report.removals_deferred},
          {"error_message", op.error_message},
          {"leftovers", report.leftovers},
          {"warnings", report.warnings}};
}

}  // namespace tidemark::wire
