// Running one scan from the CLI: the options a repository's settings, the
// config and the flags add up to, the Reconciler, and the printed result.
// Shared by `scan`, `worker` and `cars sync`; the caller holds the
// repository's lease. Single-threaded, like the CliContext it uses, except
// where ScanRepository says otherwise.
#ifndef TIDEMARK_CLI_SCAN_RUNNER_H_
#define TIDEMARK_CLI_SCAN_RUNNER_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "app/sync_settings.h"
#include "catalog/records.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "common/hash_algorithm.h"
#include "sync/path_filter.h"

namespace tidemark::cli {

// app::ScanSettings and how the result is shown.
struct ScanSettings : app::ScanSettings {
  bool json = false;     // print nothing; the caller prints `out`
  bool progress = true;  // a progress line on a terminal
  // false: errors go into `out` only (its "error"), not to stderr.
  bool report_errors = true;
};

// Scans `repo`, prints its result unless settings.json, and fills `out`
// with the JSON result (also for errors; "error" only for those). With
// json, !progress and !report_errors it prints nothing and is thread-safe
// once the CliContext's store and gateway are open.
ExitCode ScanRepository(CliContext& ctx, Repository& repo,
                        const ScanSettings& settings, nlohmann::json& out);

// Takes the repository's lease (failing, with the holder named, when
// another worker has it), re-reads the repository under it, and scans.
ExitCode ScanUnderLease(CliContext& ctx, Repository& repo,
                        const ScanSettings& settings, nlohmann::json& out);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_SCAN_RUNNER_H_
