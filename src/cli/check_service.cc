#include "cli/check_service.h"

#include <utility>

#include "wire/drift_json.h"

namespace tidemark::cli {

DriftOptions CheckSubject::DriftOptionsFor(
    const std::atomic<bool>* cancel) const {
  DriftOptions options;
  options.scope = scope;
  options.filter = &settings.filter;
  options.layout = domain.layout.get();
  options.walker_threads = settings.threads;
  options.cancel = cancel;
  return options;
}

Result<CheckSubject> OpenCheckSubject(CliContext& ctx,
                                      const std::string& repository,
                                      const std::string& scope,
                                      const std::string& entity, bool* failed) {
  if (failed != nullptr) *failed = false;
  ASSIGN_OR_RETURN(Repository repo, ctx.FindRepository(repository));
  ASSIGN_OR_RETURN(app::RepositoryDomain domain,
                   app::ResolveDomain(ctx.config(), repo));
  ASSIGN_OR_RETURN(app::Context * app, ctx.App());
  ASSIGN_OR_RETURN(app::SyncSettings settings,
                   app::ResolveSyncSettings(*app, repo, app::ScanSettings{}));
  ASSIGN_OR_RETURN(CatalogStore * store, ctx.Store());
  ASSIGN_OR_RETURN(
      std::string resolved,
      ResolveCheckScope(*store, repo, domain.layout.get(), scope, entity));
  auto backend = ctx.wiring().open_backend(repo.url);
  if (!backend.ok()) {
    if (failed != nullptr) *failed = true;
    return backend.status();
  }
  return CheckSubject{.repo = std::move(repo),
                      .domain = std::move(domain),
                      .settings = std::move(settings),
                      .store = store,
                      .scope = std::move(resolved),
                      .backend = std::move(backend).value()};
}

Result<CheckResult> RunCheck(CliContext& ctx, const CheckRequest& request,
                             bool* failed_check) {
  ASSIGN_OR_RETURN(CheckSubject subject,
                   OpenCheckSubject(ctx, request.repository, request.scope,
                                    request.entity, failed_check));
  DriftOptions options = subject.DriftOptionsFor(request.cancel);
  options.list_synced = request.list_synced;
  auto report =
      CheckDrift(*subject.backend, *subject.store, subject.repo, options);
  if (!report.ok()) {
    if (failed_check != nullptr) *failed_check = true;
    return report.status();
  }
  CheckResult result;
  result.report = std::move(report).value();
  result.with_layout = subject.domain.layout != nullptr;
  result.json = {
      {"repository", subject.repo.name},
      {"scope", wire::JsonPath(subject.scope)},
      {"layout", result.with_layout ? nlohmann::json(subject.domain.layout_name)
                                    : nlohmann::json(nullptr)},
      {"truth", std::string(app::TruthName(subject.domain.truth))}};
  result.json.update(wire::DriftReportJson(result.report, request.list_synced));
  result.repo = std::move(subject.repo);
  result.scope = std::move(subject.scope);
  return result;
}

}  // namespace tidemark::cli
