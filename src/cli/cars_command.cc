// `tidemark entities` (any layout) and `tidemark cars` (the cars profile of
// seed 000): list and show cars with their 14 slots, sync one region, lock
// and unlock a slot through its _LOCK.json, mark a slot used.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cars_lookup.h"
#include "app/cars_service.h"
#include "app/lease_scope.h"
#include "cli/commands.h"
#include "cli/scan_report.h"
#include "common/human_format.h"
#include "common/paths.h"
#include "wire/cars_json.h"
#include "wire/catalog_json.h"
#include "wire/entity_json.h"

namespace tidemark::cli {
namespace {

struct EntitiesFlags {
  std::string name;
  std::string kind;
  std::string key;
  std::string scope;
  bool include_deleted = false;
  bool rebuild = false;
  bool json = false;
};

struct CarsFlags {
  std::string name;
  std::string car;     // VIN, region/VIN key, or id
  std::string slot;    // "buyout/3", "buyout:3", "buyout[3]", "dealer"
  std::string region;  // list filter / sync scope
  std::string by;
  std::string note;
  bool unused = false;
  bool include_deleted = false;
  bool allow_mass_removal = false;
  bool json = false;
};

ExitCode RunEntities(CliContext& ctx, const EntitiesFlags& f) {
  auto opened = ctx.App();
  if (!opened.ok()) return ctx.ReportError(opened.status(), f.json);
  const app::Context& app = **opened;
  auto target = app::OpenLayoutTarget(app, f.name, false);
  if (!target.ok()) return ctx.ReportError(target.status(), f.json);
  if (f.rebuild) {
    auto keeper = app::TakeLease(app, target->repo);
    if (!keeper.ok()) return ctx.ReportError(keeper.status(), f.json);
    Status s = app.gateway().RebuildEntities(target->repo.id);
    if (!s.ok()) return ctx.ReportError(s, f.json);
  }
  auto scope = ParseUserScope(f.scope, "--scope");
  if (!scope.ok()) return ctx.ReportError(scope.status(), f.json);
  EntityQuery q;
  q.repository_id = target->repo.id;
  q.kind = f.kind;
  if (!f.key.empty()) q.key = f.key;
  q.path_scope = *scope;
  q.include_deleted = f.include_deleted;
  auto all = app::ListAllEntities(app.store(), q);
  if (!all.ok()) return ctx.ReportError(all.status(), f.json);
  if (f.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Entity& e : *all) out.push_back(wire::EntityJson(e));
    std::cout << wire::DumpJson(out) << "\n";
    return ExitCode::kOk;
  }
  for (const Entity& e : *all) {
    std::cout << e.id << "\t" << e.kind << "\t" << DisplayPath(e.key) << "\t"
              << (e.status.empty() ? "-" : e.status) << "\t" << e.file_count
              << " files\t" << FormatBytes(e.total_bytes)
              << (e.deleted_at_ns != 0 ? "\tdeleted" : "") << "\n";
  }
  return ExitCode::kOk;
}

ExitCode RunCarsList(CliContext& ctx, const CarsFlags& f, bool one) {
  auto opened = ctx.App();
  if (!opened.ok()) return ctx.ReportError(opened.status(), f.json);
  auto listing =
      one ? app::ShowCar(**opened, f.name, f.car)
          : app::ListCars(**opened, f.name, f.region, f.include_deleted);
  if (!listing.ok()) return ctx.ReportError(listing.status(), f.json);
  const nlohmann::json cars = wire::CarListingJson(*listing);
  if (f.json) {
    std::cout << wire::DumpJson(one ? cars.at(0) : cars) << "\n";
    return ExitCode::kOk;
  }
  for (size_t i = 0; i < listing->cars.size(); ++i) {
    const Entity& car = listing->cars[i].car;
    const nlohmann::json& j = cars[i];
    std::cout << car.id << "\t" << app::EntityAttr(car, "region") << "\t"
              << app::EntityAttr(car, "make") << " "
              << app::EntityAttr(car, "model") << "\t"
              << app::EntityAttr(car, "vin") << "\t" << car.file_count
              << " files\t" << j["total_size_mb"].dump() << " MB"
              << (car.deleted_at_ns != 0 ? "\tdeleted" : "") << "\n";
    if (!one) continue;
    for (const auto& s : j["slots"]) {
      std::cout << "  " << s["slot_type"].get<std::string>() << "["
                << s["slot_index"].dump() << "]\t"
                << s["status"].get<std::string>()
                << (s["is_used"].get<bool>() ? "\tused" : "") << "\t"
                << s["file_count"].dump() << " files\t"
                << s["total_size_mb"].dump() << " MB\n";
    }
  }
  return ExitCode::kOk;
}

// seed 000's syncRegion: {success, carsFound, slotsFound, error?}, plus why
// zero cars were found when the region folder is missing.
ExitCode RunCarsSync(CliContext& ctx, const CarsFlags& f) {
  auto opened = ctx.App();
  if (!opened.ok()) return ctx.ReportError(opened.status(), f.json);
  auto result = app::SyncCars(**opened, f.name, f.region, f.allow_mass_removal);
  if (!result.ok()) return ctx.ReportError(result.status(), f.json);
  // Why nothing was synced, or why the scan did not run.
  if (result->catalog_truth) {
    std::cerr << "tidemark: error: " << *result->error << "\n";
  } else if (const auto& scan = result->scan;
             scan && !scan->report &&
             scan->status != app::ScanStatus::kSkipped) {
    std::cerr << "tidemark: error: " << scan->error.message() << "\n";
  }
  if (f.json) {
    std::cout << wire::DumpJson(wire::CarsSyncJson(*result)) << "\n";
  } else if (!ctx.options().quiet) {
    const std::string& region = result->region;
    std::cout << "region " << (region.empty() ? "(all)" : DisplayPath(region))
              << ": " << result->cars_found << " cars, " << result->slots_found
              << " slots" << (result->region_missing ? " (region_missing)" : "")
              << "\n";
  }
  if (result->catalog_truth) return ExitCode::kUsage;
  return result->scan ? ScanExitCode(*result->scan) : ExitCode::kFailed;
}

ExitCode RunSlotOp(CliContext& ctx, const CarsFlags& f, app::SlotOp op) {
  auto opened = ctx.App();
  if (!opened.ok()) return ctx.ReportError(opened.status(), f.json);
  app::SlotChange change;
  change.car = f.car;
  change.slot = f.slot;
  change.op = op;
  change.by = f.by;
  change.note = f.note;
  change.used = !f.unused;
  auto changed = app::ApplySlotChange(**opened, f.name, change);
  if (!changed.ok()) return ctx.ReportError(changed.status(), f.json);
  const nlohmann::json j = wire::ChangedSlotJson(*changed);
  if (f.json) {
    std::cout << wire::DumpJson(j) << "\n";
  } else if (!ctx.options().quiet) {
    std::cout << changed->car.key << " " << j["slot_type"].get<std::string>()
              << "[" << j["slot_index"].dump() << "]: " << changed->slot.status
              << (j["is_used"].get<bool>() ? ", used" : "") << "\n";
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterCarsCommands(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto ef = std::make_shared<EntitiesFlags>();
  CLI::App* entities =
      app.add_subcommand("entities",
                         "List a repository's layout entities (cars and slots, "
                         "products and images, ...)");
  entities->add_option("name", ef->name, "Repository name")->required();
  entities->add_option("--kind", ef->kind, "Only this kind (e.g. car, slot)");
  entities->add_option("--key", ef->key, "Only the entity with this key");
  entities->add_option("--scope", ef->scope, "Only entities below this path");
  entities->add_flag("--include-deleted", ef->include_deleted,
                     "Show soft-deleted entities too");
  entities->add_flag("--rebuild", ef->rebuild,
                     "Recompute every entity from the records first (after "
                     "a layout was set in tidemark.toml)");
  entities->add_flag("--json", ef->json, "Print JSON");
  runners.emplace_back(entities, [&ctx, ef] {
    if (!ef->rebuild) ctx.OnlyReads();
    return RunEntities(ctx, *ef);
  });

  CLI::App* cars = app.add_subcommand(
      "cars",
      "Cars and their 14 photo slots (a repository with --layout "
      "cars)");
  cars->require_subcommand(1);
  auto add = [&](const char* name, const char* help, bool car, bool slot) {
    auto f = std::make_shared<CarsFlags>();
    CLI::App* sub = cars->add_subcommand(name, help);
    sub->add_option("name", f->name, "Repository name")->required();
    if (car) {
      sub->add_option("car", f->car, "VIN, REGION/VIN or car id")->required();
    }
    if (slot) {
      sub->add_option("slot", f->slot, "dealer, buyout/1..8 or dummies/1..5")
          ->required();
    }
    sub->add_flag("--json", f->json, "Print JSON");
    return std::make_pair(sub, f);
  };
  {
    auto [sub, f] = add("list", "List cars with their totals", false, false);
    sub->add_option("--region", f->region, "Only cars of this region");
    sub->add_flag("--include-deleted", f->include_deleted,
                  "Show soft-deleted cars too");
    runners.emplace_back(sub, [&ctx, f = f] {
      ctx.OnlyReads();
      return RunCarsList(ctx, *f, false);
    });
  }
  {
    auto [sub, f] = add("show", "One car with its slots", true, false);
    runners.emplace_back(sub, [&ctx, f = f] {
      ctx.OnlyReads();
      return RunCarsList(ctx, *f, true);
    });
  }
  {
    auto [sub, f] =
        add("sync", "Sync one region (or all) from storage now", false, false);
    sub->add_option("region", f->region, "Region folder (default: all)");
    sub->add_flag("--allow-mass-removal", f->allow_mass_removal,
                  "Apply a disappearance of most files (a deleted region)");
    runners.emplace_back(sub, [&ctx, f = f] { return RunCarsSync(ctx, *f); });
  }
  {
    auto [sub, f] =
        add("lock", "Lock a slot: write its _LOCK.json", true, true);
    sub->add_option("--by", f->by, "Who locks it")->required();
    sub->add_option("--note", f->note, "A note kept in the lock file");
    runners.emplace_back(
        sub, [&ctx, f = f] { return RunSlotOp(ctx, *f, app::SlotOp::kLock); });
  }
  {
    auto [sub, f] =
        add("unlock", "Unlock a slot: delete its _LOCK.json", true, true);
    runners.emplace_back(sub, [&ctx, f = f] {
      return RunSlotOp(ctx, *f, app::SlotOp::kUnlock);
    });
  }
  {
    auto [sub, f] = add("mark-used", "Mark a slot used (admin)", true, true);
    sub->add_option("--by", f->by, "Who marks it")->required();
    sub->add_flag("--unused", f->unused, "Mark it unused instead");
    runners.emplace_back(sub, [&ctx, f = f] {
      return RunSlotOp(ctx, *f, app::SlotOp::kMarkUsed);
    });
  }
}

}  // namespace tidemark::cli
