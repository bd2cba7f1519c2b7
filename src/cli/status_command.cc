// `tidemark status [NAME]`: totals, bytes, state, the worker holding the
// repository's lease (and, on this host, whether its process still runs),
// and the last operation.
#include <iostream>
#include <map>
#include <memory>

#include "app/domain.h"
#include "cli/commands.h"
#include "common/human_format.h"
#include "sync/lease_keeper.h"
#include "wire/catalog_json.h"

namespace tidemark::cli {
namespace {

ExitCode RunStatus(CliContext& ctx, const std::string& name, bool json) {
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), json);
  std::vector<Repository> repos;
  if (name.empty()) {
    auto all = (*store)->ListRepositories();
    if (!all.ok()) return ctx.ReportError(all.status(), json);
    repos = std::move(all).value();
  } else {
    auto repo = ctx.FindRepository(name);
    if (!repo.ok()) return ctx.ReportError(repo.status(), json);
    repos.push_back(std::move(repo).value());
  }
  auto gateway = ctx.GetGateway();
  if (!gateway.ok()) return ctx.ReportError(gateway.status(), json);
  auto leases = (*store)->ListLeases();
  if (!leases.ok()) return ctx.ReportError(leases.status(), json);
  std::map<int64_t, Lease> lease_of;
  for (const Lease& lease : *leases) lease_of[lease.repository_id] = lease;
  auto watches = (*store)->ListWatchStatuses();
  if (!watches.ok()) return ctx.ReportError(watches.status(), json);
  std::map<int64_t, WatchStatus> watch_of;
  for (const WatchStatus& w : *watches) watch_of[w.repository_id] = w;
  nlohmann::json out = nlohmann::json::array();
  for (const Repository& repo : repos) {
    auto lease_it = lease_of.find(repo.id);
    const Lease* lease = lease_it != lease_of.end() && lease_it->second.live()
                             ? &lease_it->second
                             : nullptr;
    auto totals = (*store)->Totals(repo.id);
    if (!totals.ok()) return ctx.ReportError(totals.status(), json);
    auto ops = (*store)->ListOperations(repo.id, 1);
    if (!ops.ok()) return ctx.ReportError(ops.status(), json);
    const SyncOperation* last = ops->empty() ? nullptr : &ops->front();
    const ProcessFate fate = lease != nullptr ? (*gateway)->HolderFate(*lease)
                                              : ProcessFate::kUnknown;
    const std::string gone =
        "held by a process that is gone (process " +
        (lease != nullptr ? std::to_string(lease->process.pid) : "") +
        " on this host); the next scan, worker or daemon takes it over at "
        "once";
    // A daemon's watch state counts only while it still holds the lease:
    // a daemon that died leaves "watching" behind (and, killed with -9 on
    // this host, a lease that runs until it expires).
    WatchStatus watch;
    watch.repository_id = repo.id;
    auto watch_it = watch_of.find(repo.id);
    if (watch_it != watch_of.end() && lease != nullptr &&
        watch_it->second.lease_token == lease->token &&
        fate != ProcessFate::kGone) {
      watch = watch_it->second;
    }
    const std::string watching =
        repo.detached ? std::string("detached (records kept, not synced)")
        : fate == ProcessFate::kGone ? "no (" + gone + ")"
        : watch.mode == WatchMode::kStopped
            ? std::string("no (no daemon watches it; run 'tidemark watch')")
            : std::string(WatchModeName(watch.mode)) + " by " + watch.holder +
                  (watch.reason.empty() ? "" : " — " + watch.reason);
    // The domain: layout and truth (an unknown layout is shown, not fatal).
    auto domain = app::ResolveDomain(ctx.config(), repo);
    const std::string layout_name =
        domain.ok() ? domain->layout_name : domain.status().message();
    const std::string truth =
        domain.ok() ? std::string(app::TruthName(domain->truth)) : "";
    if (json) {
      nlohmann::json j = wire::RepositoryJson(repo);
      j["totals"] = wire::TotalsJson(*totals);
      j["layout"] = layout_name.empty() ? nlohmann::json(nullptr)
                                        : nlohmann::json(layout_name);
      j["truth"] = truth;
      j["last_operation"] = last != nullptr ? wire::OperationJson(*last)
                                            : nlohmann::json(nullptr);
      j["lease"] = lease != nullptr ? wire::LeaseJson(*lease, fate)
                                    : nlohmann::json(nullptr);
      j["watch"] = {{"mode", std::string(WatchModeName(watch.mode))},
                    {"watching", watch.mode == WatchMode::kWatching ||
                                     watch.mode == WatchMode::kDegraded},
                    {"degraded", watch.mode == WatchMode::kDegraded},
                    {"reason", watch.reason},
                    {"holder", watch.holder}};
      j["detached"] = repo.detached;
      out.push_back(std::move(j));
      continue;
    }
    std::cout << repo.name << " (" << repo.url << ")\n"
              << "  state:          " << RepositoryStateName(repo.state);
    if (!repo.state_reason.empty()) std::cout << " — " << repo.state_reason;
    std::cout << "\n  files:          " << FormatCount(totals->files) << " ("
              << FormatBytes(totals->bytes) << ")\n";
    if (totals->missing > 0 || totals->offline > 0) {
      std::cout << "  missing:        " << FormatCount(totals->missing)
                << ", offline: " << FormatCount(totals->offline) << "\n";
    }
    if (!layout_name.empty() || truth == "catalog") {
      std::cout << "  layout:         "
                << (layout_name.empty() ? "none" : layout_name)
                << ", truth: " << truth << "\n";
    }
    std::cout << "  watching:       " << watching << "\n";
    std::cout << "  worker:         ";
    if (lease == nullptr) {
      std::cout << "none holds it now\n";
    } else if (fate == ProcessFate::kGone) {
      std::cout << lease->holder << " (lease token " << lease->token << ") — "
                << gone << "\n";
    } else {
      const std::string process = DescribeHolderProcess(*lease, fate);
      std::cout << lease->holder << " (lease token " << lease->token << ", "
                << DescribeExpiry(*lease)
                << (process.empty() ? "" : "; " + process) << ")\n";
    }
    if (last != nullptr) {
      std::cout << "  last operation: " << OperationTypeName(last->type) << " "
                << OperationStatusName(last->status) << " at "
                << FormatTime(last->start_ns) << " ("
                << FormatDuration(last->duration_ms) << ")\n";
      if (!last->error_message.empty()) {
        std::cout << "                  " << last->error_message << "\n";
      }
    } else {
      std::cout << "  last operation: none yet; run 'tidemark scan "
                << repo.name << "'\n";
    }
  }
  if (json) {
    std::cout << wire::DumpJson(name.empty()
                                    ? nlohmann::json{{"repositories", out}}
                                    : out.front())
              << "\n";
  } else if (repos.empty() && !ctx.options().quiet) {
    std::cout << "no repositories in " << ctx.db_display()
              << "; add one with 'tidemark repo add NAME PATH'\n";
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterStatusCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto name = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* status =
      app.add_subcommand("status", "Show totals, state and last operation");
  status->add_option("name", *name, "Repository name (all when omitted)");
  status->add_flag("--json", *json, "Print JSON");
  runners.emplace_back(status, [&ctx, name, json] {
    ctx.OnlyReads();
    return RunStatus(ctx, *name, *json);
  });
}

}  // namespace tidemark::cli
