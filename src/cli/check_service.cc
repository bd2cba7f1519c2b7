#include "cli/check_service.h"

#include <utility>

#include "check/drift_format.h"
#include "cli/domain.h"
#include "cli/scan_runner.h"

namespace tidemark::cli {

Result<CheckResult> RunCheck(CliContext& ctx, const CheckRequest& request,
                             bool* failed_check) {
  if (failed_check != nullptr) *failed_check = false;
  auto failed = [failed_check](Status s) {
    if (failed_check != nullptr) *failed_check = true;
    return s;
  };
  CheckResult result;
  ASSIGN_OR_RETURN(result.repo, ctx.FindRepository(request.repository));
  ASSIGN_OR_RETURN(RepositoryDomain domain,
                   ResolveDomain(ctx.config(), result.repo));
  ASSIGN_OR_RETURN(SyncSettings settings,
                   ResolveSyncSettings(ctx, result.repo, ScanSettings{}));
  ASSIGN_OR_RETURN(CatalogStore * store, ctx.Store());
  ASSIGN_OR_RETURN(result.scope,
                   ResolveCheckScope(*store, result.repo, domain.layout.get(),
                                     request.scope, request.entity));
  auto backend = ctx.wiring().open_backend(result.repo.url);
  if (!backend.ok()) return failed(backend.status());

  DriftOptions options;
  options.scope = result.scope;
  options.filter = &settings.filter;
  options.layout = domain.layout.get();
  options.list_synced = request.list_synced;
  options.cancel = request.cancel;
  options.walker_threads = settings.threads;
  auto report = CheckDrift(**backend, *store, result.repo, options);
  if (!report.ok()) return failed(report.status());
  result.report = std::move(report).value();

  result.with_layout = domain.layout != nullptr;
  result.json = {
      {"repository", result.repo.name},
      {"scope", JsonPath(result.scope)},
      {"layout", result.with_layout ? nlohmann::json(domain.layout_name)
                                    : nlohmann::json(nullptr)},
      {"truth", std::string(TruthName(domain.truth))}};
  result.json.update(DriftReportJson(result.report, request.list_synced));
  return result;
}

}  // namespace tidemark::cli
