// A scan on the terminal, for `scan`, `reconcile` and `worker`: the progress
// line while it runs, and its outcome afterwards (app/scan_service.h runs
// it and prints nothing). Single-threaded, like the CliContext.
#ifndef TIDEMARK_CLI_SCAN_REPORT_H_
#define TIDEMARK_CLI_SCAN_REPORT_H_

#include <string>

#include "app/progress.h"
#include "app/scan_service.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"

namespace tidemark::cli {

// 0 completed or skipped, 2 refused (usage), 3 partial, 4 failed.
ExitCode ScanExitCode(const app::ScanResult& result);

// Draws the scan of repository `name` on `line`.
app::ProgressFn ScanProgressTo(ProgressLine& line, std::string name);

// Prints what a scan did: why it did not run or stopped on stderr; unless
// `json` or --quiet, why it was skipped or its summary on stdout (a failed
// operation on stderr, also with --quiet). Returns ScanExitCode.
ExitCode ReportScan(CliContext& ctx, const app::ScanResult& result, bool json);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_SCAN_REPORT_H_
