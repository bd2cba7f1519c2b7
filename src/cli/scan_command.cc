// `tidemark scan [NAME...]`: a reconciliation of each repository.
#include <iostream>
#include <memory>

#include "cli/command_options.h"
#include "cli/commands.h"
#include "cli/scan_report.h"
#include "wire/catalog_json.h"
#include "wire/scan_json.h"

namespace tidemark::cli {
namespace {

struct ScanFlags {
  std::vector<std::string> names;
  app::ScanSettings settings;
  bool json = false;
};

ExitCode RunScan(CliContext& ctx, const ScanFlags& flags) {
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), flags.json);
  std::vector<Repository> repos;
  if (flags.names.empty()) {
    auto all = (*store)->ListRepositories();
    if (!all.ok()) return ctx.ReportError(all.status(), flags.json);
    // Detached repositories keep their records as they were: a scan of
    // "everything" (cron) leaves them alone; naming one is refused.
    for (Repository& repo : *all) {
      if (!repo.detached) repos.push_back(std::move(repo));
    }
    if (repos.empty() && !all->empty()) {
      return ctx.ReportError(
          Status::NotFound("every repository in " + ctx.db_display() +
                           " is detached; attach one again with 'tidemark "
                           "repo add NAME PATH'"),
          flags.json);
    }
    if (repos.empty()) {
      return ctx.ReportError(
          Status::NotFound("no repositories to scan in " + ctx.db_display() +
                           "; add one with 'tidemark repo add NAME PATH'"),
          flags.json);
    }
  } else {
    for (const std::string& name : flags.names) {
      auto repo = ctx.FindRepository(name);
      if (!repo.ok()) return ctx.ReportError(repo.status(), flags.json);
      repos.push_back(std::move(repo).value());
    }
  }
  app::Context& app = **ctx.App();
  ExitCode code = ExitCode::kOk;
  nlohmann::json results = nlohmann::json::array();
  for (Repository& repo : repos) {
    ProgressLine progress(ctx.clock(), !flags.json && !ctx.options().quiet);
    const app::ScanResult result = app::ScanUnderLease(
        app, repo, flags.settings, ScanProgressTo(progress, repo.name));
    progress.Clear();
    code = Worse(code, ReportScan(ctx, result, flags.json));
    results.push_back(wire::ScanResultJson(result));
  }
  if (flags.json) std::cout << wire::DumpJson({{"results", results}}) << "\n";
  return code;
}

}  // namespace

void RegisterScanCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto flags = std::make_shared<ScanFlags>();
  CLI::App* scan = app.add_subcommand(
      "scan", "Reconcile repositories with storage (all when none are named)");
  scan->add_option("names", flags->names, "Repository names");
  scan->add_option("--hash", flags->settings.hash,
                   "Hash new and changed files with sha256, xxh3 or none");
  AddWholeNumberOption(scan, "--batch-size", &flags->settings.batch_size, 1,
                       app::kMaxBatchSize,
                       "Records per catalog transaction (default 5000)");
  AddWholeNumberOption(scan, "--threads", &flags->settings.threads, 1,
                       app::kMaxThreads,
                       "Walker and hashing threads (default 2)");
  scan->add_flag("--allow-mass-removal", flags->settings.allow_mass_removal,
                 "Confirm removing more than the mass-removal threshold");
  scan->add_flag("--json", flags->json, "Print the results as JSON");
  scan->add_option("--scope", flags->settings.scope,
                   "Scan only this directory below the root (its removals "
                   "still need a complete listing of it)");
  runners.emplace_back(scan, [&ctx, flags] { return RunScan(ctx, *flags); });
}

}  // namespace tidemark::cli
