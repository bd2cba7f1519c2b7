// `tidemark repair NAME [--scope P | --entity ID] (--adopt-orphaned |
// --remove-orphaned) (--drop-missing | --keep-missing) [--update-modified]
// [--remove-leftovers [--any-writer]] [--dry-run] [--force] [--json]`: a check,
// the plan the chosen policy makes of it, and (unless --dry-run) that plan
// carried out under the repository's lease, followed by a check of the result.
//
// Exit codes: 0 the repair converged (or the dry run was shown), 2 usage,
// 3 partially done (items skipped or failed), 4 failed (refused above the
// mass-removal threshold, storage unreachable, catalog error).
#include <atomic>
#include <iostream>
#include <memory>

#include "app/domain.h"
#include "app/repair_service.h"
#include "check/drift.h"
#include "check/drift_format.h"
#include "check/repair.h"
#include "cli/command_options.h"
#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "common/human_format.h"
#include "common/paths.h"
#include "wire/catalog_json.h"
#include "wire/check_json.h"

namespace tidemark::cli {
namespace {

struct RepairFlags {
  std::string name;
  std::string scope;
  std::string entity;
  bool adopt_orphaned = false;
  bool remove_orphaned = false;
  bool drop_missing = false;
  bool keep_missing = false;
  bool update_modified = false;
  bool remove_leftovers = false;
  bool any_writer = false;
  bool dry_run = false;
  bool force = false;
  bool json = false;
};

RepairPolicy PolicyOf(const RepairFlags& f) {
  RepairPolicy p;
  if (f.adopt_orphaned) p.orphaned = OrphanPolicy::kAdopt;
  if (f.remove_orphaned) p.orphaned = OrphanPolicy::kRemove;
  if (f.drop_missing) p.missing = MissingPolicy::kDrop;
  p.update_modified = f.update_modified;
  p.remove_leftovers = f.remove_leftovers;
  p.any_writer = f.any_writer;
  return p;
}

// "remove leftover P", "restore leftover P to O", "keep leftover P: why".
std::string LeftoverPlanLine(const Leftover& l, bool any_writer) {
  const std::string path = DisplayPath(l.path);
  if (!l.writer_gone && !any_writer) {
    return "keep leftover " + path + ": its writer may still run (" + l.writer +
           "); --any-writer settles it";
  }
  switch (l.action) {
    case LeftoverAction::kRemove:
      return "remove leftover " + path;
    case LeftoverAction::kRestore:
      return "restore leftover " + path + " to " + DisplayPath(l.original);
    case LeftoverAction::kKeep:
      break;
  }
  return "keep leftover " + path + ": " + l.reason;
}

// 0 converged or dry run, 3 partial, 4 failed.
ExitCode RepairExitCode(app::RepairStatus status) {
  switch (status) {
    case app::RepairStatus::kDryRun:
    case app::RepairStatus::kConverged:
      return ExitCode::kOk;
    case app::RepairStatus::kPartial:
      return ExitCode::kPartial;
    case app::RepairStatus::kFailed:
      return ExitCode::kFailed;
  }
  return ExitCode::kFailed;
}

void PrintPlan(const RepairPlan& plan) {
  std::string lines;
  auto add = [&](RepairAction action, const std::vector<DriftItem>& items) {
    for (const DriftItem& item : items) lines += PlanLine(action, item) + "\n";
  };
  add(RepairAction::kAdopt, plan.adopt);
  add(RepairAction::kRemoveObject, plan.remove_objects);
  add(RepairAction::kDropRecord, plan.drop_records);
  add(RepairAction::kRefresh, plan.refresh);
  for (const Leftover& l : plan.leftovers) {
    lines += LeftoverPlanLine(l, plan.any_writer) + "\n";
  }
  std::cout << lines;
  if (!plan.deferred.empty()) {
    std::cerr << "tidemark: note: " << plan.deferred_reason << "\n";
  }
}

ExitCode RunRepairCommand(CliContext& ctx, const RepairFlags& flags) {
  if (!flags.adopt_orphaned && !flags.remove_orphaned && !flags.drop_missing &&
      !flags.keep_missing && !flags.update_modified &&
      !flags.remove_leftovers) {
    return ctx.ReportError(
        Status::InvalidArgument(
            "repair needs to be told what to do: --adopt-orphaned (catalog "
            "files found only on storage) or --remove-orphaned (delete them "
            "from storage), --drop-missing (remove records whose files are "
            "gone) or --keep-missing, --update-modified (rewrite records "
            "whose files changed), and/or --remove-leftovers (settle what "
            "interrupted writes left); add --dry-run to see the plan first"),
        flags.json);
  }
  app::RepairRequest request;
  request.repository = flags.name;
  request.scope = flags.scope;
  request.entity = flags.entity;
  request.policy = PolicyOf(flags);
  request.dry_run = flags.dry_run;
  request.force = flags.force;
  // Before any thread starts (the lease's heartbeat, the walker), so they
  // all leave SIGINT/SIGTERM to it: a stop finishes the batch in flight.
  std::atomic<bool> cancel{false};
  StopSignals stop([&cancel] { cancel = true; });
  request.cancel = &cancel;
  auto app = ctx.App();
  if (!app.ok()) return ctx.ReportError(app.status(), flags.json);
  bool failed_repair = false;
  auto result = app::RunRepair(**app, request, &failed_repair);
  if (!result.ok()) {
    const ExitCode code = ctx.ReportError(result.status(), flags.json);
    return failed_repair ? ExitCode::kFailed : code;
  }
  const RepairPlan& plan = result->plan;
  const Status& safety = result->safety;
  const bool chatty = !flags.json && !ctx.options().quiet;
  if (!flags.json) PrintPlan(plan);
  if (!result->failure.ok()) {
    ctx.ReportError(result->failure, flags.json);
    return ExitCode::kFailed;
  }
  if (flags.json)
    std::cout << wire::DumpJson(wire::RepairJson(*result)) << "\n";
  const ExitCode code = RepairExitCode(result->status);
  if (flags.dry_run) {
    if (!flags.json && !ctx.options().quiet) {
      if (!safety.ok())
        std::cerr << "tidemark: note: " << safety.message() << "\n";
      std::cerr << "tidemark: dry run: nothing was changed ("
                << (plan.empty()
                        ? std::string("nothing to repair")
                        : FormatCount(static_cast<int64_t>(
                              plan.adopt.size() + plan.remove_objects.size() +
                              plan.drop_records.size() + plan.refresh.size() +
                              plan.leftovers.size())) +
                              " actions planned")
                << ")\n";
    }
    return code;
  }
  if (!result->outcome.has_value()) {
    if (chatty) std::cerr << "tidemark: nothing to repair\n";
    return code;
  }
  const RepairOutcome& outcome = *result->outcome;
  if (chatty) {
    for (const RepairSkip& s : outcome.skipped) {
      std::cerr << "tidemark: skipped " << RepairActionName(s.action)
                << (s.path.empty() ? "" : " " + DisplayPath(s.path)) << ": "
                << s.reason << "\n";
    }
    for (const std::string& w : outcome.warnings) {
      std::cerr << "tidemark: warning: " << w << "\n";
    }
    std::cerr << "tidemark: repaired " << result->repository << ": adopted "
              << FormatCount(outcome.adopted) << ", refreshed "
              << FormatCount(outcome.refreshed) << ", removed "
              << FormatCount(outcome.objects_removed)
              << " objects from storage, dropped "
              << FormatCount(outcome.records_dropped) << " records, skipped "
              << FormatCount(static_cast<int64_t>(outcome.skipped.size()))
              << "\n";
    const LeftoverOutcome& left = outcome.leftovers;
    for (const Leftover& l : left.kept) {
      std::cerr << "tidemark: kept the leftover " << DisplayPath(l.path) << ": "
                << l.reason << "\n";
    }
    if (!left.empty()) {
      std::cerr << "tidemark: leftovers of interrupted writes: removed "
                << FormatCount(static_cast<int64_t>(left.removed.size()))
                << ", restored "
                << FormatCount(static_cast<int64_t>(left.restored.size()))
                << ", kept "
                << FormatCount(static_cast<int64_t>(left.kept.size())) << "\n";
    }
  }
  if (result->after.has_value()) {
    if (chatty) {
      std::cerr << "tidemark: after the repair: "
                << TotalsSummary(*result->after, result->with_layout) << "\n";
    }
  } else if (!flags.json) {
    std::cerr << "tidemark: warning: the check after the repair failed: "
              << result->after_error.message() << "\n";
  }
  return code;
}

}  // namespace

void RegisterRepairCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto flags = std::make_shared<RepairFlags>();
  CLI::App* repair = app.add_subcommand(
      "repair",
      "Check, then bring storage and the catalog back in step under a "
      "policy: what to do with orphaned files (only on storage), missing "
      "files (only in the catalog) and modified ones. Exit 0 converged, "
      "3 partial, 4 failed");
  repair->add_option("name", flags->name, "Repository name")->required();
  AddScopeOptions(repair, &flags->scope, &flags->entity);
  CLI::Option* adopt = repair->add_flag(
      "--adopt-orphaned", flags->adopt_orphaned,
      "Catalog orphaned files (on storage, not in the catalog)");
  CLI::Option* remove = repair->add_flag(
      "--remove-orphaned", flags->remove_orphaned,
      "Delete orphaned files from storage (each checked again first)");
  adopt->excludes(remove);
  remove->excludes(adopt);
  CLI::Option* drop = repair->add_flag(
      "--drop-missing", flags->drop_missing,
      "Remove the records of files that are gone from storage");
  CLI::Option* keep = repair->add_flag("--keep-missing", flags->keep_missing,
                                       "Keep the records of missing files");
  drop->excludes(keep);
  keep->excludes(drop);
  repair->add_flag("--update-modified", flags->update_modified,
                   "Rewrite the records of modified files from storage");
  CLI::Option* leftovers = repair->add_flag(
      "--remove-leftovers", flags->remove_leftovers,
      "Settle what interrupted writes left (partial uploads, old copies) "
      "once their writer is gone: remove, or put an old copy back");
  repair
      ->add_flag("--any-writer", flags->any_writer,
                 "With --remove-leftovers: also those whose writer cannot be "
                 "identified (a previous boot, another host or container, an "
                 "older tidemark); only when nothing else writes there")
      ->needs(leftovers);
  repair->add_flag("--dry-run", flags->dry_run,
                   "Show the plan and change nothing (no lease needed)");
  repair->add_flag("--force", flags->force,
                   "Confirm removals above the mass-removal threshold");
  repair->add_flag("--json", flags->json, "Print one JSON document");
  runners.emplace_back(repair,
                       [&ctx, flags] { return RunRepairCommand(ctx, *flags); });
}

}  // namespace tidemark::cli
