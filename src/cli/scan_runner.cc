#include "cli/scan_runner.h"

#include <iostream>
#include <memory>

#include "cli/output.h"
#include "cli/progress.h"
#include "cli/repository_options.h"
#include "sync/reconciler.h"

namespace tidemark::cli {

ExitCode ScanRepository(CliContext& ctx, Repository& repo,
                        const ScanSettings& flags, nlohmann::json& out) {
  // Errors become this repository's result, so --json prints one document.
  auto fail = [&](const Status& s) {
    out = {{"repository", repo.name},
           {"status", "failed"},
           {"error", s.message()},
           {"code", std::string(StatusCodeName(s.code()))}};
    return ctx.ReportError(s, /*json=*/false);
  };
  auto options = ParseRepositoryOptions(repo.options_json, repo.name);
  if (!options.ok()) return fail(options.status());
  auto filters =
      PathFilterRules::Create(EffectiveFilters(ctx.config(), *options));
  if (!filters.ok()) return fail(filters.status());

  ReconcileOptions ro;
  ro.type = flags.type;
  ro.hash = options->hash.value_or(ctx.config().hash);
  if (!flags.hash.empty()) {
    auto algo = ParseHashAlgorithm(flags.hash);
    if (!algo.ok()) return fail(algo.status());
    ro.hash = *algo;
  }
  ro.batch_size =
      flags.batch_size > 0 ? flags.batch_size : ctx.config().batch_size;
  const int threads = flags.threads > 0 ? flags.threads : ctx.config().threads;
  ro.walker_threads = threads;
  ro.hash_threads = threads;
  ro.mass_removal_threshold = ctx.config().mass_removal_threshold;
  ro.allow_mass_removal = flags.allow_mass_removal;
  ro.filter = &*filters;
  ProgressLine progress(ctx.clock(),
                        flags.progress && !flags.json && !ctx.options().quiet);
  ro.progress = [&](const ScanProgress& p) {
    progress.Update(repo.name, p.scanned, p.expected);
  };

  auto backend = ctx.wiring().open_backend(repo.url);
  if (!backend.ok()) return fail(backend.status());
  auto store = ctx.Store();
  auto gateway = ctx.GetGateway();
  if (!gateway.ok()) return fail(gateway.status());
  Reconciler reconciler(**backend, **store, **gateway);
  auto report = reconciler.Run(repo, ro);
  progress.Clear();
  if (!report.ok()) {
    // Whatever the catalog said, a scan that stopped part-way has failed.
    fail(report.status().WithContext("scan of '" + repo.name + "' failed"));
    return ExitCode::kFailed;
  }
  const SyncOperation& op = report->operation;
  out = {{"repository", repo.name},
         {"status", std::string(OperationStatusName(op.status))},
         {"counters", OperationJson(op)["counters"]},
         {"rows_written", report->rows_written},
         {"duration_ms", op.duration_ms},
         {"hash_algorithm", std::string(HashAlgorithmName(ro.hash))},
         {"offline", report->offline},
         {"removals_deferred", report->removals_deferred},
         {"error_message", op.error_message},
         {"warnings", report->warnings}};
  if (!flags.json) {
    if (op.status == OperationStatus::kFailed) {
      std::cerr << "tidemark: error: scan of '" << repo.name
                << "' failed: " << op.error_message
                << (report->offline ? " (repository marked offline; no "
                                      "record was changed)"
                                    : "")
                << "\n";
    } else if (!ctx.options().quiet) {
      const auto& c = op.counters;
      const double seconds = static_cast<double>(op.duration_ms) / 1000.0;
      std::cout << repo.name << ": " << OperationStatusName(op.status)
                << " — scanned " << FormatCount(c.scanned) << ", added "
                << FormatCount(c.added) << ", updated "
                << FormatCount(c.updated) << ", moved " << FormatCount(c.moved)
                << ", removed " << FormatCount(c.removed) << ", errors "
                << FormatCount(c.errors) << " in "
                << FormatDuration(op.duration_ms);
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
  }
  return ExitCodeFor(op.status);
}

}  // namespace tidemark::cli
