// `tidemark reconcile NAME`: a full reconciliation now. When a daemon or
// worker holds the repository's lease, the request goes through the
// catalog's mailbox and that process runs it; this command waits for the
// result (unless --no-wait). When nobody holds the lease, it runs here.
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/scan_report.h"
#include "common/human_format.h"
#include "wire/catalog_json.h"
#include "wire/scan_json.h"

namespace tidemark::cli {
namespace {

struct ReconcileFlags {
  std::string name;
  bool no_wait = false;
  bool json = false;
  app::ScanSettings settings;
};

constexpr auto kPollEvery = std::chrono::milliseconds(200);

// The live lease of `repo`, if a worker other than this one holds it (not
// one whose process is gone: that one would never answer, and the scan
// here takes its lease over).
Result<std::optional<Lease>> LiveHolder(CatalogStore& store,
                                        const Gateway& gateway,
                                        const Repository& repo) {
  ASSIGN_OR_RETURN(auto leases, store.ListLeases());
  for (const Lease& lease : leases) {
    if (lease.repository_id == repo.id && lease.live() &&
        gateway.HolderFate(lease) != ProcessFate::kGone) {
      return std::optional<Lease>(lease);
    }
  }
  return std::optional<Lease>();
}

ExitCode RunHere(CliContext& ctx, Repository& repo,
                 const ReconcileFlags& flags) {
  ProgressLine progress(ctx.clock(), !flags.json && !ctx.options().quiet);
  const app::ScanResult result = app::ScanUnderLease(
      **ctx.App(), repo, flags.settings, ScanProgressTo(progress, repo.name));
  progress.Clear();
  const ExitCode code = ReportScan(ctx, result, flags.json);
  if (flags.json) {
    std::cout << wire::DumpJson(wire::ScanResultJson(result)) << "\n";
  }
  return code;
}

ExitCode RunReconcile(CliContext& ctx, const ReconcileFlags& flags) {
  const bool json = flags.json;
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), json);
  auto gateway = ctx.GetGateway();
  if (!gateway.ok()) return ctx.ReportError(gateway.status(), json);
  auto repo = ctx.FindRepository(flags.name);
  if (!repo.ok()) return ctx.ReportError(repo.status(), json);
  if (repo->detached) {
    return ctx.ReportError(
        Status::FailedPrecondition(
            "repository '" + repo->name +
            "' is detached: its records are kept but it is not synced; "
            "attach it again with 'tidemark repo add " +
            repo->name + " " + repo->url + "'"),
        json);
  }
  auto holder = LiveHolder(**store, **gateway, *repo);
  if (!holder.ok()) return ctx.ReportError(holder.status(), json);
  if (!holder->has_value()) return RunHere(ctx, *repo, flags);

  auto request = (*gateway)->RequestSync(
      repo->id, OperationType::kReconciliation, ctx.worker_id());
  if (!request.ok()) return ctx.ReportError(request.status(), json);
  const std::string who = (*holder)->holder;
  if (flags.no_wait) {
    if (json) {
      std::cout << wire::DumpJson({{"repository", repo->name},
                                   {"request", request->id},
                                   {"holder", who},
                                   {"status", "queued"}})
                << "\n";
    } else if (!ctx.options().quiet) {
      std::cout << "asked " << who << " to reconcile '" << repo->name
                << "' (request " << request->id << ")\n";
    }
    return ExitCode::kOk;
  }
  if (!json && !ctx.options().quiet) {
    std::cout << "asked " << who << " to reconcile '" << repo->name
              << "'; waiting for it (Ctrl-C stops waiting, not the "
                 "reconciliation)\n";
  }
  for (;;) {
    std::this_thread::sleep_for(kPollEvery);
    auto now = (*store)->FindRequest(request->id);
    if (!now.ok()) return ctx.ReportError(now.status(), json);
    if (!now->has_value()) {
      return ctx.ReportError(
          Status::NotFound("the request was dropped: repository '" +
                           repo->name + "' was removed meanwhile"),
          json);
    }
    const SyncRequest& r = **now;
    if (r.finished_at_ns != 0) {
      auto ops = (*store)->ListOperations(repo->id, 100);
      if (!ops.ok()) return ctx.ReportError(ops.status(), json);
      for (const SyncOperation& op : *ops) {
        if (op.id != r.operation_id) continue;
        if (json) {
          nlohmann::json out = wire::OperationJson(op);
          out["repository"] = repo->name;
          out["request"] = r.id;
          std::cout << wire::DumpJson(out) << "\n";
        } else if (!ctx.options().quiet) {
          const auto& c = op.counters;
          std::cout << repo->name << ": " << OperationStatusName(op.status)
                    << " — scanned " << FormatCount(c.scanned) << ", added "
                    << FormatCount(c.added) << ", updated "
                    << FormatCount(c.updated) << ", moved "
                    << FormatCount(c.moved) << ", removed "
                    << FormatCount(c.removed) << ", errors "
                    << FormatCount(c.errors) << " in "
                    << FormatDuration(op.duration_ms) << " (by " << r.taken_by
                    << ")\n";
          if (!op.error_message.empty()) {
            std::cout << "  note: " << op.error_message << "\n";
          }
        }
        return ExitCodeFor(op.status);
      }
      return ctx.ReportError(
          Status::Internal("request " + std::to_string(r.id) +
                           " finished without a recorded operation; see "
                           "'tidemark history " +
                           repo->name + "'"),
          json);
    }
    // The process serving it (or about to) may die or lose the lease; a
    // request taken by a dead holder is never finished.
    auto live = LiveHolder(**store, **gateway, *repo);
    if (!live.ok()) return ctx.ReportError(live.status(), json);
    const std::string serving = r.taken_at_ns != 0 ? r.taken_by : who;
    if (!live->has_value()) {
      if (!json && !ctx.options().quiet) {
        std::cout << serving << " let go of '" << repo->name
                  << "' before reconciling it; reconciling here\n";
      }
      return RunHere(ctx, *repo, flags);
    }
    if (r.taken_at_ns != 0 && (*live)->holder != r.taken_by) {
      // Taken over by another process: ask that one.
      auto again = (*gateway)->RequestSync(
          repo->id, OperationType::kReconciliation, ctx.worker_id());
      if (!again.ok()) return ctx.ReportError(again.status(), json);
      request = std::move(again);
    }
  }
}

}  // namespace

void RegisterReconcileCommand(CLI::App& app, CliContext& ctx,
                              Runners& runners) {
  auto flags = std::make_shared<ReconcileFlags>();
  flags->settings.type = OperationType::kReconciliation;
  CLI::App* reconcile = app.add_subcommand(
      "reconcile",
      "Run a full reconciliation now (through the daemon holding the "
      "repository, if one does)");
  reconcile->add_option("name", flags->name, "Repository name")->required();
  reconcile->add_flag("--no-wait", flags->no_wait,
                      "Only queue the request when a daemon holds the "
                      "repository");
  reconcile->add_flag("--allow-mass-removal",
                      flags->settings.allow_mass_removal,
                      "Confirm removals above the mass-removal threshold "
                      "(when it runs here)");
  reconcile->add_flag("--json", flags->json, "Print JSON");
  runners.emplace_back(reconcile,
                       [&ctx, flags] { return RunReconcile(ctx, *flags); });
}

}  // namespace tidemark::cli
