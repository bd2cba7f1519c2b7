// `tidemark repo add|list|remove`. Removing detaches a repository (no
// longer synced, records kept) unless --purge; adding a detached one at the
// same root attaches it again.
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "app/domain.h"
#include "app/repository_options.h"
#include "cli/commands.h"
#include "common/human_format.h"
#include "sync/lease_keeper.h"
#include "sync/reconciler.h"
#include "wire/catalog_json.h"

namespace tidemark::cli {
namespace {

struct AddFlags {
  std::string name;
  std::string url;
  std::string hash;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool no_default_ignores = false;
  bool allow_offline = false;
  bool json = false;
  std::string layout;      // --layout
  std::string truth;       // --truth
  std::string public_url;  // --public-url
};

ExitCode RunAdd(CliContext& ctx, const AddFlags& flags) {
  app::RepositoryOptions options;
  if (!flags.hash.empty()) {
    auto algo = ParseHashAlgorithm(flags.hash);
    if (!algo.ok()) return ctx.ReportError(algo.status(), flags.json);
    options.hash = *algo;
  }
  options.include = flags.include;
  options.exclude = flags.exclude;
  if (flags.no_default_ignores) options.default_ignores = false;
  auto filters =
      PathFilterRules::Create(app::EffectiveFilters(ctx.config(), options));
  if (!filters.ok()) return ctx.ReportError(filters.status(), flags.json);
  if (!flags.layout.empty()) {
    auto profile = app::FindProfile(ctx.config(), flags.layout);
    if (!profile.ok()) {
      return ctx.ReportError(
          Status::InvalidArgument("--layout: " + profile.status().message()),
          flags.json);
    }
    options.layout = flags.layout;
  }
  if (!flags.truth.empty()) {
    auto truth = app::ParseTruth(flags.truth);
    if (!truth.ok()) {
      return ctx.ReportError(truth.status().WithContext("--truth"), flags.json);
    }
    options.truth = flags.truth;
  }
  if (!flags.public_url.empty()) options.public_url = flags.public_url;

  auto url = ctx.wiring().canonical_url(flags.url);
  if (!url.ok()) return ctx.ReportError(url.status(), flags.json);
  auto backend = ctx.wiring().open_backend(*url);
  if (!backend.ok()) return ctx.ReportError(backend.status(), flags.json);
  if (Status root = (*backend)->CheckRoot();
      !root.ok() && !flags.allow_offline) {
    return ctx.ReportError(
        Status::InvalidArgument(
            "cannot use '" + *url +
            "' as a repository root: " + root.message() +
            "; fix the path, or pass --allow-offline to add it anyway"),
        flags.json);
  }
  auto gateway = ctx.GetGateway();
  if (!gateway.ok()) return ctx.ReportError(gateway.status(), flags.json);
  auto repo = (*gateway)->AddRepository(flags.name, *url,
                                        app::RepositoryOptionsToJson(options));
  if (repo.status().code() == StatusCode::kAlreadyExists) {
    // A detached repository at the same root is attached again, with its
    // records; anything else keeps the error.
    auto existing = ctx.FindRepository(flags.name);
    if (existing.ok() && existing->detached && existing->url == *url) {
      // Its records were made under its stored options (layout, filters,
      // truth): options given now that differ are refused, not dropped.
      const std::string given = app::RepositoryOptionsToJson(options);
      if (given != app::RepositoryOptionsToJson(app::RepositoryOptions{}) &&
          nlohmann::json::parse(given, nullptr, false) !=
              nlohmann::json::parse(existing->options_json, nullptr, false)) {
        return ctx.ReportError(
            Status::InvalidArgument(
                "repository '" + existing->name +
                "' is detached with other options (" + existing->options_json +
                ") than those given (" + given + "); run 'tidemark repo add " +
                existing->name + " " + flags.url +
                "' without options to attach it as it was, or 'tidemark "
                "repo remove " +
                existing->name +
                " --purge' first to start over with new options"),
            flags.json);
      }
      auto keeper =
          LeaseKeeper::Acquire(**gateway, *existing, ctx.lease_timing());
      if (!keeper.ok()) return ctx.ReportError(keeper.status(), flags.json);
      if (Status s = (*gateway)->SetDetached(*existing, false); !s.ok()) {
        return ctx.ReportError(s, flags.json);
      }
      if (flags.json) {
        std::cout << wire::DumpJson(wire::RepositoryJson(*existing)) << "\n";
      } else if (!ctx.options().quiet) {
        std::cout << "attached repository '" << existing->name
                  << "' again, with its records; a running 'tidemark watch' "
                     "picks it up, or run 'tidemark scan "
                  << existing->name << "'\n";
      }
      return ExitCode::kOk;
    }
  }
  if (!repo.ok()) return ctx.ReportError(repo.status(), flags.json);
  if (flags.json) {
    std::cout << wire::DumpJson(wire::RepositoryJson(*repo)) << "\n";
  } else if (!ctx.options().quiet) {
    std::cout << "added repository '" << repo->name << "' at " << repo->url
              << "\nrun 'tidemark scan " << repo->name << "' to catalog it\n";
  }
  return ExitCode::kOk;
}

ExitCode RunList(CliContext& ctx, bool json) {
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), json);
  auto repos = (*store)->ListRepositories();
  if (!repos.ok()) return ctx.ReportError(repos.status(), json);
  nlohmann::json out = nlohmann::json::array();
  for (const Repository& repo : *repos) {
    auto totals = (*store)->Totals(repo.id);
    if (!totals.ok()) return ctx.ReportError(totals.status(), json);
    if (json) {
      nlohmann::json j = wire::RepositoryJson(repo);
      j["totals"] = wire::TotalsJson(*totals);
      out.push_back(std::move(j));
    } else {
      std::cout << repo.name << "\t" << repo.url << "\t"
                << (repo.detached ? std::string_view("detached")
                                  : RepositoryStateName(repo.state))
                << "\t" << FormatCount(totals->files) << " files\t"
                << FormatBytes(totals->bytes) << "\n";
    }
  }
  if (json) std::cout << wire::DumpJson(out) << "\n";
  if (!json && repos->empty() && !ctx.options().quiet) {
    std::cout
        << "no repositories; add one with 'tidemark repo add NAME PATH'\n";
  }
  return ExitCode::kOk;
}

// Takes the lease of a repository that was just detached: a daemon or
// worker holding it lets go on its next look at the catalog (about a
// second), a dead one when its lease runs out.
Result<std::unique_ptr<LeaseKeeper>> AwaitLease(CliContext& ctx,
                                                Gateway& gateway,
                                                const Repository& repo,
                                                bool json) {
  const auto timing = ctx.lease_timing();
  const auto deadline = std::chrono::steady_clock::now() + timing.timeout +
                        std::chrono::seconds(5);
  bool said = false;
  for (;;) {
    auto keeper = LeaseKeeper::Acquire(gateway, repo, timing);
    if (keeper.ok() || !keeper.status().IsUnavailable() ||
        std::chrono::steady_clock::now() > deadline) {
      return keeper;
    }
    if (!said && !json && !ctx.options().quiet) {
      std::cout << "waiting for the worker holding '" << repo.name
                << "' to let go of it\n";
      said = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

ExitCode RunRemove(CliContext& ctx, const std::string& name, bool purge,
                   bool json) {
  auto repo = ctx.FindRepository(name);
  if (!repo.ok()) return ctx.ReportError(repo.status(), json);
  auto store = ctx.Store();
  auto totals = (*store)->Totals(repo->id);
  if (!totals.ok()) return ctx.ReportError(totals.status(), json);
  auto gateway = ctx.GetGateway();
  if (!gateway.ok()) return ctx.ReportError(gateway.status(), json);
  // Detaching needs no lease: it is what tells the holder to let go.
  const bool was_detached = repo->detached;
  if (Status s = (*gateway)->SetDetached(*repo, true); !s.ok()) {
    return ctx.ReportError(s, json);
  }
  if (!purge) {
    if (json) {
      std::cout << wire::DumpJson(
                       {{"detached", name}, {"records_kept", totals->files}})
                << "\n";
    } else if (!ctx.options().quiet) {
      std::cout << (was_detached
                        ? "repository '" + name + "' was already detached"
                        : "detached repository '" + name + "'")
                << ": it is no longer synced or watched, and its "
                << FormatCount(totals->files)
                << " catalog records are kept; 'tidemark repo remove " << name
                << " --purge' deletes them, 'tidemark repo add " << name << " "
                << repo->url << "' attaches it again\n";
    }
    return ExitCode::kOk;
  }
  // Purging writes the records: not while anyone syncs them.
  auto keeper = AwaitLease(ctx, **gateway, *repo, json);
  if (!keeper.ok()) return ctx.ReportError(keeper.status(), json);
  // Under the lease, make sure the id still names this repository.
  auto still = ctx.FindRepository(name);
  if (!still.ok()) return ctx.ReportError(still.status(), json);
  if (still->id != repo->id) {
    return ctx.ReportError(
        Status::Aborted("repository '" + name +
                        "' was replaced while waiting; run the command again"),
        json);
  }
  auto final_totals = (*store)->Totals(repo->id);
  if (!final_totals.ok()) return ctx.ReportError(final_totals.status(), json);
  if (Status s = (*gateway)->RemoveRepository(*still); !s.ok()) {
    return ctx.ReportError(s, json);
  }
  if (json) {
    std::cout << wire::DumpJson({{"removed", name},
                                 {"records_removed", final_totals->files}})
              << "\n";
  } else if (!ctx.options().quiet) {
    std::cout << "removed repository '" << name << "' and its "
              << FormatCount(final_totals->files)
              << " catalog records (files on storage were not touched)\n";
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterRepoCommands(CLI::App& app, CliContext& ctx, Runners& runners) {
  CLI::App* repo = app.add_subcommand("repo", "Manage repositories");
  repo->require_subcommand(1);

  auto add_flags = std::make_shared<AddFlags>();
  CLI::App* add = repo->add_subcommand(
      "add", "Register a storage root (file:///abs/path or a plain path)");
  add->add_option("name", add_flags->name, "Repository name")->required();
  add->add_option("url", add_flags->url, "file:///absolute/path or a path")
      ->required();
  add->add_option("--hash", add_flags->hash,
                  "Content hash: sha256 (default), xxh3 or none");
  add->add_option("--include", add_flags->include,
                  "Only catalog files matching this glob (repeatable)");
  add->add_option("--exclude", add_flags->exclude,
                  "Skip paths matching this glob (repeatable)");
  add->add_flag("--no-default-ignores", add_flags->no_default_ignores,
                "Also catalog hidden, temporary, system and backup files");
  add->add_option("--layout", add_flags->layout,
                  "Layout profile mapping paths to entities: cars, products, "
                  "or one from [layouts.NAME] (default: none)");
  add->add_option("--truth", add_flags->truth,
                  "Which side wins: storage (the catalog follows it; "
                  "default) or catalog (drift is only reported)");
  add->add_option("--public-url", add_flags->public_url,
                  "Base URL of entity links (default: the repository URL)");
  add->add_flag("--allow-offline", add_flags->allow_offline,
                "Add even if the root cannot be reached now");
  add->add_flag("--json", add_flags->json, "Print the repository as JSON");
  runners.emplace_back(add,
                       [&ctx, add_flags] { return RunAdd(ctx, *add_flags); });

  auto list_json = std::make_shared<bool>(false);
  CLI::App* list = repo->add_subcommand("list", "List repositories");
  list->add_flag("--json", *list_json, "Print JSON");
  runners.emplace_back(list, [&ctx, list_json] {
    ctx.OnlyReads();
    return RunList(ctx, *list_json);
  });

  auto remove_name = std::make_shared<std::string>();
  auto remove_purge = std::make_shared<bool>(false);
  auto remove_json = std::make_shared<bool>(false);
  CLI::App* remove = repo->add_subcommand(
      "remove",
      "Stop syncing and watching a repository, keeping its catalog records "
      "(--purge deletes them; files on storage are never touched)");
  remove->add_option("name", *remove_name, "Repository name")->required();
  remove->add_flag("--purge", *remove_purge,
                   "Also delete the repository's catalog records");
  remove->add_flag("--json", *remove_json, "Print JSON");
  runners.emplace_back(remove, [&ctx, remove_name, remove_purge, remove_json] {
    return RunRemove(ctx, *remove_name, *remove_purge, *remove_json);
  });
}

}  // namespace tidemark::cli
