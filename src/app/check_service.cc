#include "app/check_service.h"

#include <utility>

namespace tidemark::app {

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

Result<DriftReport> CheckSubject::Check(const Context& ctx,
                                        const DriftOptions& options, Step step,
                                        const ProgressFn& progress,
                                        bool* failed) const {
  Report(progress, step, 0, 0);
  auto report = CheckDrift(*backend, ctx.store(), repo, options);
  if (!report.ok()) {
    if (failed != nullptr) *failed = true;
    return report.status();
  }
  Report(progress, step, report->totals.files, report->totals.files);
  return report;
}

Result<CheckSubject> OpenCheckSubject(const Context& ctx,
                                      const std::string& repository,
                                      const std::string& scope,
                                      const std::string& entity, bool* failed) {
  if (failed != nullptr) *failed = false;
  ASSIGN_OR_RETURN(Repository repo, ctx.FindRepository(repository));
  ASSIGN_OR_RETURN(RepositoryDomain domain, ResolveDomain(ctx.config(), repo));
  ASSIGN_OR_RETURN(SyncSettings settings,
                   ResolveSyncSettings(ctx, repo, ScanSettings{}));
  ASSIGN_OR_RETURN(
      std::string resolved,
      ResolveCheckScope(ctx.store(), repo, domain.layout.get(), scope, entity));
  auto backend = ctx.wiring().open_backend(repo.url);
  if (!backend.ok()) {
    if (failed != nullptr) *failed = true;
    return backend.status();
  }
  return CheckSubject{.repo = std::move(repo),
                      .domain = std::move(domain),
                      .settings = std::move(settings),
                      .scope = std::move(resolved),
                      .backend = std::move(backend).value()};
}

Result<CheckResult> RunCheck(const Context& ctx, const CheckRequest& request,
                             bool* failed_check) {
  ASSIGN_OR_RETURN(CheckSubject subject,
                   OpenCheckSubject(ctx, request.repository, request.scope,
                                    request.entity, failed_check));
  DriftOptions options = subject.DriftOptionsFor(request.cancel);
  options.list_synced = request.list_synced;
  ASSIGN_OR_RETURN(DriftReport report,
                   subject.Check(ctx, options, Step::kCheck, request.progress,
                                 failed_check));
  CheckResult result;
  result.report = std::move(report);
  result.with_layout = subject.domain.layout != nullptr;
  result.layout_name = subject.domain.layout_name;
  result.truth = subject.domain.truth;
  result.repo = std::move(subject.repo);
  result.scope = std::move(subject.scope);
  return result;
}

}  // namespace tidemark::app
