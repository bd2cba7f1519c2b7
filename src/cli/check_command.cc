// `tidemark check NAME [--scope P | --entity ID] [--json] [--combined]
// [--list-synced]`: how storage and the catalog differ, in rclone check's
// combined style. Read-only: it takes no lease and writes nothing, so it
// runs while a daemon watches the repository.
//
// Exit codes (like rclone check): 0 clean, 1 drift, error items or
// leftovers of interrupted writes found, 2 usage, 4 the check itself failed
// (root unreachable, catalog error).
#include <iostream>
#include <memory>

#include "app/check_service.h"
#include "app/domain.h"
#include "check/drift.h"
#include "check/drift_format.h"
#include "cli/command_options.h"
#include "cli/commands.h"
#include "common/paths.h"
#include "wire/catalog_json.h"
#include "wire/check_json.h"

namespace tidemark::cli {
namespace {

struct CheckFlags {
  std::string name;
  std::string scope;
  std::string entity;
  bool json = false;
  bool combined = false;
  bool list_synced = false;
};

ExitCode RunCheckCommand(CliContext& ctx, const CheckFlags& flags) {
  auto app = ctx.App();
  if (!app.ok()) return ctx.ReportError(app.status(), flags.json);
  app::CheckRequest request;
  request.repository = flags.name;
  request.scope = flags.scope;
  request.entity = flags.entity;
  // --combined lists synced paths on the terminal, not in the JSON.
  request.list_synced = flags.list_synced || (flags.combined && !flags.json);
  bool failed_check = false;
  auto result = app::RunCheck(**app, request, &failed_check);
  if (!result.ok()) {
    const ExitCode code = ctx.ReportError(result.status(), flags.json);
    return failed_check ? ExitCode::kFailed : code;
  }
  const DriftReport& report = result->report;
  if (flags.json) {
    std::cout << wire::DumpJson(wire::CheckJson(*result, request.list_synced))
              << "\n";
  } else {
    std::string lines;
    for (const DriftItem& item : report.items) {
      if (item.kind == DriftKind::kSynced && !flags.combined) continue;
      lines += DriftLine(item);
      lines += '\n';
    }
    for (const Leftover& l : report.leftovers) {
      lines += LeftoverLine(l);
      lines += '\n';
    }
    std::cout << lines << std::flush;
    if (!ctx.options().quiet) {
      for (const EntityDrift& e : report.entities) {
        if (flags.combined || !e.clean()) {
          std::cerr << "tidemark: " << EntitySummary(e) << "\n";
        }
      }
      std::cerr << "tidemark: " << result->repo.name
                << (result->scope.empty()
                        ? ""
                        : " (" + DisplayPath(result->scope) + ")")
                << ": " << TotalsSummary(report.totals, result->with_layout)
                << "\n";
    }
  }
  return report.clean() ? ExitCode::kOk : ExitCode::kDrift;
}

}  // namespace

void RegisterCheckCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto flags = std::make_shared<CheckFlags>();
  CLI::App* check = app.add_subcommand(
      "check",
      "Report how storage and the catalog differ (read-only). Lines: "
      "'+ path' only on storage (orphaned), '- path' only in the catalog "
      "(missing), '* path' differs (modified), '! path: error', '~ path: "
      "action' a leftover of an interrupted write, and with --combined "
      "'= path' (synced). Exit 0 clean, 1 drift found, 4 failed");
  check->add_option("name", flags->name, "Repository name")->required();
  AddScopeOptions(check, &flags->scope, &flags->entity);
  check->add_flag("--json", flags->json, "Print one JSON document");
  check->add_flag("--combined", flags->combined,
                  "Also list synced paths ('= path') and every entity");
  check->add_flag("--list-synced", flags->list_synced,
                  "Keep synced paths in the result (JSON: synced, "
                  "synced_files)");
  runners.emplace_back(check, [&ctx, flags] {
    ctx.OnlyReads();
    return RunCheckCommand(ctx, *flags);
  });
}

}  // namespace tidemark::cli
