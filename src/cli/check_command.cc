// `tidemark check NAME [--scope P | --entity ID] [--json] [--combined]
// [--list-synced]`: how storage and the catalog differ, in rclone check's
// combined style. Read-only: it takes no lease and writes nothing, so it
// runs while a daemon watches the repository.
//
// Exit codes (like rclone check): 0 clean, 1 drift or error items found,
// 2 usage, 4 the check itself failed (root unreachable, catalog error).
#include <iostream>
#include <memory>

#include "check/drift.h"
#include "check/drift_format.h"
#include "cli/commands.h"
#include "cli/domain.h"
#include "cli/output.h"
#include "cli/scan_runner.h"
#include "common/paths.h"

namespace tidemark::cli {
namespace {

// rclone check's "differences found".

struct CheckFlags {
  std::string name;
  std::string scope;
  std::string entity;
  bool json = false;
  bool combined = false;
  bool list_synced = false;
};

ExitCode RunCheck(CliContext& ctx, const CheckFlags& flags) {
  auto repo = ctx.FindRepository(flags.name);
  if (!repo.ok()) return ctx.ReportError(repo.status(), flags.json);
  auto domain = ResolveDomain(ctx.config(), *repo);
  if (!domain.ok()) return ctx.ReportError(domain.status(), flags.json);
  auto settings = ResolveSyncSettings(ctx, *repo, ScanSettings{});
  if (!settings.ok()) return ctx.ReportError(settings.status(), flags.json);
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), flags.json);
  auto scope = ResolveCheckScope(**store, *repo, domain->layout.get(),
                                 flags.scope, flags.entity);
  if (!scope.ok()) return ctx.ReportError(scope.status(), flags.json);
  auto backend = ctx.wiring().open_backend(repo->url);
  if (!backend.ok()) {
    ctx.ReportError(backend.status(), flags.json);
    return ExitCode::kFailed;
  }

  DriftOptions options;
  options.scope = *scope;
  options.filter = &settings->filter;
  options.layout = domain->layout.get();
  options.list_synced = flags.list_synced || (flags.combined && !flags.json);
  options.walker_threads = settings->threads;
  auto report = CheckDrift(**backend, **store, *repo, options);
  if (!report.ok()) {
    ctx.ReportError(report.status(), flags.json);
    return ExitCode::kFailed;
  }

  const bool with_layout = domain->layout != nullptr;
  if (flags.json) {
    nlohmann::json out = {
        {"repository", repo->name},
        {"scope", JsonPath(*scope)},
        {"layout", with_layout ? nlohmann::json(domain->layout_name)
                               : nlohmann::json(nullptr)},
        {"truth", std::string(TruthName(domain->truth))}};
    out.update(DriftReportJson(*report, flags.list_synced));
    std::cout << DumpJson(out) << "\n";
  } else {
    std::string lines;
    for (const DriftItem& item : report->items) {
      if (item.kind == DriftKind::kSynced && !flags.combined) continue;
      lines += DriftLine(item);
      lines += '\n';
    }
    std::cout << lines << std::flush;
    if (!ctx.options().quiet) {
      for (const EntityDrift& e : report->entities) {
        if (flags.combined || !e.clean()) {
          std::cerr << "tidemark: " << EntitySummary(e) << "\n";
        }
      }
      std::cerr << "tidemark: " << repo->name
                << (scope->empty() ? "" : " (" + DisplayPath(*scope) + ")")
                << ": " << TotalsSummary(report->totals, with_layout) << "\n";
    }
  }
  return report->clean() ? ExitCode::kOk : ExitCode::kDrift;
}

}  // namespace

void RegisterCheckCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto flags = std::make_shared<CheckFlags>();
  CLI::App* check = app.add_subcommand(
      "check",
      "Report how storage and the catalog differ (read-only). Lines: "
      "'+ path' only on storage (orphaned), '- path' only in the catalog "
      "(missing), '* path' differs (modified), '! path: error', and with "
      "--combined '= path' (synced). Exit 0 clean, 1 drift found, 4 failed");
  check->add_option("name", flags->name, "Repository name")->required();
  AddScopeOptions(check, &flags->scope, &flags->entity);
  check->add_flag("--json", flags->json, "Print one JSON document");
  check->add_flag("--combined", flags->combined,
                  "Also list synced paths ('= path') and every entity");
  check->add_flag("--list-synced", flags->list_synced,
                  "Keep synced paths in the result (JSON: synced, "
                  "synced_files)");
  runners.emplace_back(check, [&ctx, flags] { return RunCheck(ctx, *flags); });
}

}  // namespace tidemark::cli
