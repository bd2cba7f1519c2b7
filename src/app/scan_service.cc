#include "app/scan_service.h"

#include <memory>

#include "app/domain.h"
#include "app/errors.h"
#include "app/lease_scope.h"
#include "common/paths.h"

namespace tidemark::app {
namespace {

// The result of a scan that did not run: refused when the error is the
// caller's (a usage error), failed otherwise.
ScanResult NotRun(const Repository& repo, Status error) {
  ScanResult result;
  result.repository = repo.name;
  result.status =
      IsCallerError(error) ? ScanStatus::kRefused : ScanStatus::kFailed;
  result.error = std::move(error);
  return result;
}

ScanStatus StatusOf(OperationStatus status) {
  switch (status) {
    case OperationStatus::kCompleted:
      return ScanStatus::kCompleted;
    case OperationStatus::kPartial:
      return ScanStatus::kPartial;
    case OperationStatus::kRunning:
    case OperationStatus::kFailed:
      return ScanStatus::kFailed;
  }
  return ScanStatus::kFailed;
}

}  // namespace

ScanResult ScanRepository(const Context& ctx, Repository& repo,
                          const ScanSettings& settings,
                          const ProgressFn& progress) {
  auto scope = ParseUserScope(settings.scope, "--scope");
  if (!scope.ok()) return NotRun(repo, scope.status());
  auto resolved = ResolveSyncSettings(ctx, repo, settings);
  if (!resolved.ok()) return NotRun(repo, resolved.status());
  auto domain = ResolveDomain(ctx.config(), repo);
  if (!domain.ok()) return NotRun(repo, domain.status());
  if (domain->truth == Truth::kCatalog) {
    // DESIGN.md: storage drift of a catalog-truth repository is reported
    // and repaired on request only, never applied by a sync.
    ScanResult skipped;
    skipped.repository = repo.name;
    skipped.status = ScanStatus::kSkipped;
    skipped.skip_reason =
        "repository '" + repo.name +
        "' has truth 'catalog': " + CatalogTruthRefusal(repo.name, "a scan");
    return skipped;
  }
  ReconcileOptions ro;
  ro.scope = *scope;
  ro.type = settings.type;
  ro.hash = resolved->hash;
  ro.batch_size = resolved->batch_size;
  ro.walker_threads = resolved->threads;
  ro.hash_threads = resolved->threads;
  ro.mass_removal_threshold = resolved->mass_removal_threshold;
  ro.allow_mass_removal = settings.allow_mass_removal;
  ro.filter = &resolved->filter;
  if (progress) {
    ro.progress = [&progress](const ScanProgress& p) {
      progress(Progress{Step::kScan, p.scanned, p.expected});
    };
  }

  auto backend = ctx.wiring().open_backend(repo.url);
  if (!backend.ok()) return NotRun(repo, backend.status());
  Reconciler reconciler(**backend, ctx.store(), ctx.gateway());
  auto report = reconciler.Run(repo, ro);
  ScanResult result;
  result.repository = repo.name;
  result.hash = ro.hash;
  if (!report.ok()) {
    // Whatever the catalog said, a scan that stopped part-way has failed.
    result.status = ScanStatus::kFailed;
    result.error =
        report.status().WithContext("scan of '" + repo.name + "' failed");
    return result;
  }
  result.status = StatusOf(report->operation.status);
  result.report = std::move(report).value();
  return result;
}

ScanResult ScanUnderLease(const Context& ctx, Repository& repo,
                          const ScanSettings& settings,
                          const ProgressFn& progress) {
  auto lease = TakeLease(ctx, repo);
  if (!lease.ok()) return NotRun(repo, lease.status());
  return ScanRepository(ctx, repo, settings, progress);
}

}  // namespace tidemark::app
