#include "cli/scan_report.h"

#include <iostream>

#include "common/human_format.h"

namespace tidemark::cli {

ExitCode ScanExitCode(const app::ScanResult& result) {
  switch (result.status) {
    case app::ScanStatus::kCompleted:
    case app::ScanStatus::kSkipped:
      return ExitCode::kOk;
    case app::ScanStatus::kPartial:
      return ExitCode::kPartial;
    case app::ScanStatus::kRefused:
      return ExitCode::kUsage;
    case app::ScanStatus::kFailed:
      return ExitCode::kFailed;
  }
  return ExitCode::kFailed;
}

app::ProgressFn ScanProgressTo(ProgressLine& line, std::string name) {
  return [&line, name = std::move(name)](const app::Progress& p) {
    line.Update(name, p.done, p.total);
  };
}

ExitCode ReportScan(CliContext& ctx, const app::ScanResult& result, bool json) {
  if (result.status == app::ScanStatus::kSkipped) {
    if (!json && !ctx.options().quiet) {
      std::cout << result.skip_reason << "\n";
    }
    return ExitCode::kOk;
  }
  if (!result.report.has_value()) {
    ctx.ReportError(result.error, /*json=*/false);
    return ScanExitCode(result);
  }
  if (json) return ScanExitCode(result);
  const ReconcileReport& report = *result.report;
  const SyncOperation& op = report.operation;
  if (op.status == OperationStatus::kFailed) {
    std::cerr << "tidemark: error: scan of '" << result.repository
              << "' failed: " << op.error_message
              << (report.offline ? " (repository marked offline; no "
                                   "record was changed)"
                                 : "")
              << "\n";
  } else if (!ctx.options().quiet) {
    const auto& c = op.counters;
    const double seconds = static_cast<double>(op.duration_ms) / 1000.0;
    std::cout << result.repository << ": " << OperationStatusName(op.status)
              << " — scanned " << FormatCount(c.scanned) << ", added "
              << FormatCount(c.added) << ", updated " << FormatCount(c.updated)
              << ", moved " << FormatCount(c.moved) << ", removed "
              << FormatCount(c.removed) << ", errors " << FormatCount(c.errors)
              << " in " << FormatDuration(op.duration_ms);
    if (seconds > 0) {
      std::cout << " ("
                << FormatCount(static_cast<int64_t>(
                       static_cast<double>(c.scanned) / seconds))
                << " files/s)";
    }
    std::cout << "\n";
    if (!op.error_message.empty()) {
      std::cout << "  note: " << op.error_message << "\n";
    }
  }
  return ScanExitCode(result);
}

}  // namespace tidemark::cli
