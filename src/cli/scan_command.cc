// `tidemark scan [NAME...]`: a reconciliation of each repository.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/scan_runner.h"
#include "sync/lease_keeper.h"

namespace tidemark::cli {
namespace {

struct ScanFlags {
  std::vector<std::string> names;
  ScanSettings settings;
};

// Scans one repository under its lease; fills `out` with its JSON result.
ExitCode ScanOne(CliContext& ctx, Repository& repo, const ScanFlags& flags,
                 nlohmann::json& out) {
  auto gateway = ctx.GetGateway();
  auto keeper = gateway.ok()
                    ? LeaseKeeper::Acquire(**gateway, repo, ctx.lease_timing())
                    : Result<std::unique_ptr<LeaseKeeper>>(gateway.status());
  if (!keeper.ok()) {
    out = {{"repository", repo.name},
           {"status", "failed"},
           {"error", keeper.status().message()},
           {"code", std::string(StatusCodeName(keeper.status().code()))}};
    return ctx.ReportError(keeper.status(), /*json=*/false);
  }
  // The row read before the lease may be stale (another worker scanned in
  // between) or, with SQLite's reused ids, another repository's by now.
  auto fresh = ctx.FindRepository(repo.name);
  if (!fresh.ok() || fresh->id != repo.id) {
    Status gone = Status::NotFound("repository '" + repo.name +
                                   "' was removed while this scan waited "
                                   "for it; nothing was scanned");
    out = {{"repository", repo.name},
           {"status", "failed"},
           {"error", gone.message()},
           {"code", std::string(StatusCodeName(gone.code()))}};
    return ctx.ReportError(gone, /*json=*/false);
  }
  repo = std::move(fresh).value();
  return ScanRepository(ctx, repo, flags.settings, out);
}

ExitCode RunScan(CliContext& ctx, const ScanFlags& flags) {
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), flags.settings.json);
  std::vector<Repository> repos;
  if (flags.names.empty()) {
    auto all = (*store)->ListRepositories();
    if (!all.ok()) return ctx.ReportError(all.status(), flags.settings.json);
    repos = std::move(all).value();
    if (repos.empty()) {
      return ctx.ReportError(
          Status::NotFound("no repositories to scan in " + ctx.db_display() +
                           "; add one with 'tidemark repo add NAME PATH'"),
          flags.settings.json);
    }
  } else {
    for (const std::string& name : flags.names) {
      auto repo = ctx.FindRepository(name);
      if (!repo.ok())
        return ctx.ReportError(repo.status(), flags.settings.json);
      repos.push_back(std::move(repo).value());
    }
  }
  ExitCode code = ExitCode::kOk;
  nlohmann::json results = nlohmann::json::array();
  for (Repository& repo : repos) {
    nlohmann::json result;
    code = Worse(code, ScanOne(ctx, repo, flags, result));
    if (!result.is_null()) results.push_back(std::move(result));
  }
  if (flags.settings.json)
    std::cout << DumpJson({{"results", results}}) << "\n";
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
  scan->add_option("--batch-size", flags->settings.batch_size,
                   "Records per catalog transaction (default 5000)")
      ->check(CLI::PositiveNumber);
  scan->add_option("--threads", flags->settings.threads,
                   "Walker and hashing threads (default 2)")
      ->check(CLI::PositiveNumber);
  scan->add_flag("--allow-mass-removal", flags->settings.allow_mass_removal,
                 "Confirm removing more than the mass-removal threshold");
  scan->add_flag("--json", flags->settings.json, "Print the results as JSON");
  runners.emplace_back(scan, [&ctx, flags] { return RunScan(ctx, *flags); });
}

}  // namespace tidemark::cli
