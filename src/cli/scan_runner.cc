#include "cli/scan_runner.h"

#include <iostream>
#include <memory>

#include "app/domain.h"
#include "app/lease_scope.h"
#include "cli/progress.h"
#include "common/human_format.h"
#include "common/paths.h"
#include "sync/lease_keeper.h"
#include "sync/reconciler.h"
#include "wire/catalog_json.h"

namespace tidemark::cli {

ExitCode ScanRepository(CliContext& ctx, Repository& repo,
                        const ScanSettings& flags, nlohmann::json& out) {
  // Errors become this repository's result, so --json prints one document.
  auto fail = [&](const Status& s) {
    out = {{"repository", repo.name},
           {"status", "failed"},
           {"error", s.message()},
           {"code", std::string(StatusCodeName(s.code()))}};
    return flags.report_errors ? ctx.ReportError(s, /*json=*/false)
                               : ExitCodeFor(s);
  };
  auto scope = ParseUserScope(flags.scope, "--scope");
  if (!scope.ok()) return fail(scope.status());
  auto app = ctx.App();
  if (!app.ok()) return fail(app.status());
  auto resolved = app::ResolveSyncSettings(**app, repo, flags);
  if (!resolved.ok()) return fail(resolved.status());
  auto domain = app::ResolveDomain(ctx.config(), repo);
  if (!domain.ok()) return fail(domain.status());
  if (domain->truth == app::Truth::kCatalog) {
    // DESIGN.md: storage drift of a catalog-truth repository is reported
    // and repaired on request only, never applied by a sync.
    const std::string why = "repository '" + repo.name +
                            "' has truth 'catalog': " +
                            app::CatalogTruthRefusal(repo.name, "a scan");
    out = {{"repository", repo.name}, {"status", "skipped"}, {"reason", why}};
    if (!flags.json && !ctx.options().quiet) std::cout << why << "\n";
    return ExitCode::kOk;
  }
  ReconcileOptions ro;
  ro.scope = *scope;
  ro.type = flags.type;
  ro.hash = resolved->hash;
  ro.batch_size = resolved->batch_size;
  ro.walker_threads = resolved->threads;
  ro.hash_threads = resolved->threads;
  ro.mass_removal_threshold = resolved->mass_removal_threshold;
  ro.allow_mass_removal = flags.allow_mass_removal;
  ro.filter = &resolved->filter;
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
         {"counters", wire::OperationJson(op)["counters"]},
         {"rows_written", report->rows_written},
         {"duration_ms", op.duration_ms},
         {"hash_algorithm", std::string(HashAlgorithmName(ro.hash))},
         {"offline", report->offline},
         {"removals_deferred", report->removals_deferred},
         {"error_message", op.error_message},
         {"leftovers", report->leftovers},
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

// Scans one repository under its lease; fills `out` with its JSON result.
ExitCode ScanUnderLease(CliContext& ctx, Repository& repo,
                        const ScanSettings& settings, nlohmann::json& out) {
  auto app = ctx.App();
  auto keeper = app.ok()
                    ? app::TakeLease(**app, repo)
                    : Result<std::unique_ptr<app::WriteLease>>(app.status());
  if (!keeper.ok()) {
    out = {{"repository", repo.name},
           {"status", "failed"},
           {"error", keeper.status().message()},
           {"code", std::string(StatusCodeName(keeper.status().code()))}};
    return ctx.ReportError(keeper.status(), /*json=*/false);
  }
  return ScanRepository(ctx, repo, settings, out);
}

}  // namespace tidemark::cli
