// `tidemark entities` (any layout) and `tidemark cars` (the cars profile of
// seed 000): list and show cars with their 14 slots, sync one region, lock
// and unlock a slot through its _LOCK.json, mark a slot used.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/domain.h"
#include "cli/lease_scope.h"
#include "cli/output.h"
#include "cli/scan_runner.h"
#include "common/paths.h"
#include "entities/entity_json.h"
#include "entities/entity_ops.h"

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

// The repository, its domain, and a check that it has the wanted layout.
struct Target {
  Repository repo;
  RepositoryDomain domain;
};

Result<Target> OpenTarget(CliContext& ctx, const std::string& name,
                          bool need_cars) {
  Target t;
  ASSIGN_OR_RETURN(t.repo, ctx.FindRepository(name));
  ASSIGN_OR_RETURN(t.domain, ResolveDomain(ctx.config(), t.repo));
  if (t.domain.layout == nullptr) {
    return Status::FailedPrecondition(
        "repository '" + name +
        "' has no layout, so it has no entities; add it with 'repo add " +
        name + " URL --layout cars|products|NAME'");
  }
  if (need_cars && t.domain.layout_name != "cars") {
    return Status::FailedPrecondition("repository '" + name + "' has layout '" +
                                      t.domain.layout_name + "', not 'cars'");
  }
  return t;
}

Result<std::vector<Entity>> List(CatalogStore& store, EntityQuery q) {
  std::vector<Entity> all;
  q.limit = 4096;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<Entity> page, store.ListEntities(q));
    if (page.empty()) break;
    q.after_id = page.back().id;
    const bool last = page.size() < q.limit;
    std::move(page.begin(), page.end(), std::back_inserter(all));
    if (last) break;
  }
  return all;
}

std::string Attr(const Entity& e, const char* name) {
  auto j = nlohmann::json::parse(e.attrs_json, nullptr, false);
  if (j.is_object() && j.contains(name) && j[name].is_string()) {
    return j[name].get<std::string>();
  }
  return "";
}

// A car by id, by key (REGION/VIN) or by VIN alone (unique across regions).
Result<Entity> FindCar(CatalogStore& store, int64_t repository_id,
                       const std::string& ident) {
  auto direct = FindEntity(store, repository_id, "car", ident);
  if (direct.ok() || direct.status().code() != StatusCode::kNotFound) {
    return direct;
  }
  EntityQuery q;
  q.repository_id = repository_id;
  q.kind = "car";
  q.include_deleted = true;
  ASSIGN_OR_RETURN(std::vector<Entity> cars, List(store, q));
  std::vector<Entity> hits;
  for (Entity& c : cars) {
    if (Attr(c, "vin") == ident) hits.push_back(std::move(c));
  }
  if (hits.size() == 1) return hits.front();
  if (hits.empty()) {
    return Status::NotFound("no car with VIN, key or id '" + ident +
                            "'; list them with 'tidemark cars list NAME'");
  }
  std::string keys;
  for (const Entity& c : hits) keys += (keys.empty() ? "" : ", ") + c.key;
  return Status::InvalidArgument("VIN '" + ident + "' is in several regions (" +
                                 keys + "); name one as REGION/VIN");
}

// "buyout/3", "buyout:3", "buyout[3]" or "dealer" (index 1).
Result<std::pair<std::string, std::string>> ParseSlot(const std::string& s) {
  std::string type = s, index = "1";
  const size_t cut = s.find_first_of("/:[ ");
  if (cut != std::string::npos) {
    type = s.substr(0, cut);
    index = s.substr(cut + 1);
    if (!index.empty() && index.back() == ']') index.pop_back();
  }
  const bool digits =
      !index.empty() && std::all_of(index.begin(), index.end(), ::isdigit);
  if (type != "dealer" && type != "buyout" && type != "dummies") {
    return Status::InvalidArgument(
        "unknown slot '" + s +
        "': use dealer, buyout/1..8 or dummies/1..5 (e.g. buyout/3)");
  }
  if (!digits) {
    return Status::InvalidArgument(
        "slot '" + s + "' needs a number after the type, e.g. " + type + "/2");
  }
  return std::make_pair(type, index);
}

void SortSlots(std::vector<Entity>& slots);

Result<std::vector<Entity>> SlotsOf(CatalogStore& store, const Entity& car) {
  EntityQuery q;
  q.repository_id = car.repository_id;
  q.kind = "slot";
  q.parent_id = car.id;
  q.include_deleted = true;
  ASSIGN_OR_RETURN(std::vector<Entity> slots, List(store, q));
  SortSlots(slots);
  return slots;
}

// The seed's order: dealer, buyout 1..8, dummies 1..5.
void SortSlots(std::vector<Entity>& slots) {
  std::vector<std::pair<std::pair<int, int>, size_t>> order;
  order.reserve(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) {
    auto attrs = nlohmann::json::parse(slots[i].attrs_json, nullptr, false);
    const std::string type =
        attrs.is_object() ? attrs.value("slot_type", "") : std::string();
    const std::string index =
        attrs.is_object() ? attrs.value("slot_index", "0") : std::string("0");
    const int t = type == "dealer" ? 0 : type == "buyout" ? 1 : 2;
    order.push_back({{t, index.size() > 9 ? 0 : std::atoi(index.c_str())}, i});
  }
  std::sort(order.begin(), order.end());
  std::vector<Entity> sorted;
  sorted.reserve(slots.size());
  for (const auto& o : order) sorted.push_back(std::move(slots[o.second]));
  slots = std::move(sorted);
}

ExitCode RunEntities(CliContext& ctx, const EntitiesFlags& f) {
  auto target = OpenTarget(ctx, f.name, false);
  if (!target.ok()) return ctx.ReportError(target.status(), f.json);
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), f.json);
  if (f.rebuild) {
    auto keeper = TakeLease(ctx, target->repo);
    if (!keeper.ok()) return ctx.ReportError(keeper.status(), f.json);
    Status s = (*ctx.GetGateway())->RebuildEntities(target->repo.id);
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
  auto all = List(**store, q);
  if (!all.ok()) return ctx.ReportError(all.status(), f.json);
  if (f.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Entity& e : *all) out.push_back(EntityJson(e));
    std::cout << DumpJson(out) << "\n";
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
  auto region = ParseUserScope(f.region, "--region");
  if (!region.ok()) return ctx.ReportError(region.status(), f.json);
  auto target = OpenTarget(ctx, f.name, true);
  if (!target.ok()) return ctx.ReportError(target.status(), f.json);
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), f.json);
  std::vector<Entity> cars;
  if (one) {
    auto car = FindCar(**store, target->repo.id, f.car);
    if (!car.ok()) return ctx.ReportError(car.status(), f.json);
    cars.push_back(std::move(car).value());
  } else {
    EntityQuery q;
    q.repository_id = target->repo.id;
    q.kind = "car";
    q.include_deleted = f.include_deleted;
    q.path_scope = *region;
    auto all = List(**store, q);
    if (!all.ok()) return ctx.ReportError(all.status(), f.json);
    cars = std::move(all).value();
  }
  // Every slot in one read, grouped by car (one query per car is slow).
  std::map<int64_t, std::vector<Entity>> slots_of;
  if (one) {
    auto slots = SlotsOf(**store, cars.front());
    if (!slots.ok()) return ctx.ReportError(slots.status(), f.json);
    slots_of[cars.front().id] = std::move(slots).value();
  } else {
    EntityQuery q;
    q.repository_id = target->repo.id;
    q.kind = "slot";
    q.include_deleted = true;
    q.path_scope = *region;
    auto all = List(**store, q);
    if (!all.ok()) return ctx.ReportError(all.status(), f.json);
    for (Entity& s : *all) slots_of[s.parent_id].push_back(std::move(s));
    for (auto& [car_id, slots] : slots_of) SortSlots(slots);
  }
  // seed 000's last_sync_at: the last sync of the repository that
  // completed, or the entity's own last change if later.
  int64_t last_sync_ns = 0;
  if (auto ops = (*store)->ListOperations(target->repo.id, 1);
      ops.ok() && !ops->empty() &&
      ops->front().status != OperationStatus::kFailed) {
    last_sync_ns = ops->front().end_ns;
  }
  nlohmann::json out = nlohmann::json::array();
  for (Entity& car : cars) {
    std::vector<Entity>& slots = slots_of[car.id];
    car.updated_at_ns = std::max(car.updated_at_ns, last_sync_ns);
    for (Entity& s : slots) {
      s.updated_at_ns = std::max(s.updated_at_ns, last_sync_ns);
    }
    nlohmann::json j = CarJson(car, slots, target->domain.public_url);
    if (!f.json) {
      std::cout << car.id << "\t" << Attr(car, "region") << "\t"
                << Attr(car, "make") << " " << Attr(car, "model") << "\t"
                << Attr(car, "vin") << "\t" << car.file_count << " files\t"
                << j["total_size_mb"].dump() << " MB"
                << (car.deleted_at_ns != 0 ? "\tdeleted" : "") << "\n";
      if (one) {
        for (const auto& s : j["slots"]) {
          std::cout << "  " << s["slot_type"].get<std::string>() << "["
                    << s["slot_index"].dump() << "]\t"
                    << s["status"].get<std::string>()
                    << (s["is_used"].get<bool>() ? "\tused" : "") << "\t"
                    << s["file_count"].dump() << " files\t"
                    << s["total_size_mb"].dump() << " MB\n";
        }
      }
    }
    out.push_back(std::move(j));
  }
  if (f.json) std::cout << DumpJson(one ? out.at(0) : out) << "\n";
  return ExitCode::kOk;
}

// seed 000's syncRegion: {success, carsFound, slotsFound, error?}, plus why
// zero cars were found when the region folder is missing.
ExitCode RunCarsSync(CliContext& ctx, const CarsFlags& f) {
  auto parsed = ParseUserScope(f.region, "region");
  if (!parsed.ok()) return ctx.ReportError(parsed.status(), f.json);
  const std::string& region = *parsed;
  nlohmann::json out = {
      {"success", false}, {"carsFound", 0}, {"slotsFound", 0}};
  auto print = [&](ExitCode code) {
    if (f.json) {
      std::cout << DumpJson(out) << "\n";
    } else if (!ctx.options().quiet) {
      std::cout << "region " << (region.empty() ? "(all)" : DisplayPath(region))
                << ": " << out["carsFound"].dump() << " cars, "
                << out["slotsFound"].dump() << " slots"
                << (out.contains("reason")
                        ? " (" + out["reason"].get<std::string>() + ")"
                        : "")
                << "\n";
    }
    return code;
  };
  auto target = OpenTarget(ctx, f.name, true);
  if (!target.ok()) return ctx.ReportError(target.status(), f.json);
  if (target->domain.truth == Truth::kCatalog) {
    // Syncing applies storage to the catalog, which a catalog-truth
    // repository only takes through repair (DESIGN.md).
    out["error"] = "repository '" + f.name + "' has truth 'catalog': " +
                   CatalogTruthRefusal(f.name, "'cars sync'");
    std::cerr << "tidemark: error: " << out["error"].get<std::string>() << "\n";
    return print(ExitCode::kUsage);
  }
  auto backend = ctx.wiring().open_backend(target->repo.url);
  if (!backend.ok()) return ctx.ReportError(backend.status(), f.json);
  if (Status root = (*backend)->CheckRoot(); !root.ok()) {
    out["error"] = "storage unreachable: " + root.message();
    return print(ExitCode::kFailed);
  }
  if (!region.empty()) {
    ListOptions lo;
    lo.scope = region;
    auto listing = (*backend)->List(lo);
    if (!listing.ok() && listing.status().code() == StatusCode::kNotFound) {
      out["reason"] = "region_missing";
    } else if (!listing.ok()) {
      out["error"] = "cannot list region '" + DisplayPath(region) +
                     "': " + listing.status().message();
      return print(ExitCode::kFailed);
    }
  }
  auto keeper = TakeLease(ctx, target->repo);
  if (!keeper.ok()) return ctx.ReportError(keeper.status(), f.json);
  ScanSettings settings;
  settings.scope = region;
  settings.json = true;
  settings.progress = false;
  settings.allow_mass_removal = f.allow_mass_removal;
  nlohmann::json scan;
  const ExitCode code = ScanRepository(ctx, target->repo, settings, scan);
  out["scan"] = scan;
  if (code == ExitCode::kFailed) {
    out["error"] = scan.value("error_message", scan.value("error", ""));
    return print(code);
  }
  if (scan.value("removals_deferred", 0) > 0) {
    out["removals_paused"] = scan.value("error_message", "");
  }
  auto store = ctx.Store();
  EntityQuery q;
  q.repository_id = target->repo.id;
  q.kind = "car";
  q.path_scope = region;
  auto cars = List(**store, q);
  if (!cars.ok()) return ctx.ReportError(cars.status(), f.json);
  out["success"] = true;
  if (out.contains("reason")) {
    // Nothing was found on storage. Cars still listed are those whose
    // soft delete the mass-removal rule paused (see removals_paused).
    if (!cars->empty()) out["carsKept"] = cars->size();
    return print(code);
  }
  const bool paused = out.contains("removals_paused");
  int64_t found = 0;
  int64_t kept = 0;
  int64_t slots = 0;
  for (const Entity& car : *cars) {
    // With removals paused, a car whose folder is gone is still listed
    // (its records are kept); it was not found, so count it as kept.
    if (paused) {
      ListOptions lo;
      lo.scope = car.path;
      auto listing = (*backend)->List(lo);
      if (!listing.ok() && listing.status().code() == StatusCode::kNotFound) {
        ++kept;
        continue;
      }
    }
    auto s = SlotsOf(**store, car);
    if (!s.ok()) return ctx.ReportError(s.status(), f.json);
    ++found;
    slots += static_cast<int64_t>(s->size());
  }
  out["carsFound"] = found;
  out["slotsFound"] = slots;
  if (kept > 0) out["carsKept"] = kept;
  return print(code);
}

// lock, unlock, mark-used.
enum class SlotOp { kLock, kUnlock, kMarkUsed };

ExitCode RunSlotOp(CliContext& ctx, const CarsFlags& f, SlotOp op) {
  auto target = OpenTarget(ctx, f.name, true);
  if (!target.ok()) return ctx.ReportError(target.status(), f.json);
  auto slot_name = ParseSlot(f.slot);
  if (!slot_name.ok()) return ctx.ReportError(slot_name.status(), f.json);
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), f.json);
  auto car = FindCar(**store, target->repo.id, f.car);
  if (!car.ok()) return ctx.ReportError(car.status(), f.json);
  auto slot =
      FindEntity(**store, target->repo.id, "slot",
                 car->key + "/" + slot_name->first + "/" + slot_name->second);
  if (!slot.ok()) return ctx.ReportError(slot.status(), f.json);
  auto keeper = TakeLease(ctx, target->repo);
  if (!keeper.ok()) return ctx.ReportError(keeper.status(), f.json);
  auto backend = ctx.wiring().open_backend(target->repo.url);
  if (!backend.ok()) return ctx.ReportError(backend.status(), f.json);
  auto settings = ResolveSyncSettings(ctx, target->repo, ScanSettings{});
  if (!settings.ok()) return ctx.ReportError(settings.status(), f.json);
  PathSyncOptions sync;
  sync.type = OperationType::kOnDemand;
  sync.hash = settings->hash;
  sync.filter = &settings->filter;
  Gateway& gateway = **ctx.GetGateway();
  const int64_t now = ctx.clock().NowNanos();
  Result<Entity> done = Status::Ok();
  switch (op) {
    case SlotOp::kLock:
      done = LockEntity(**backend, **store, gateway, *target->domain.layout,
                        target->repo, *slot, {f.by, now, f.note}, sync);
      break;
    case SlotOp::kUnlock:
      done = UnlockEntity(**backend, **store, gateway, *target->domain.layout,
                          target->repo, *slot, sync);
      break;
    case SlotOp::kMarkUsed:
      done = MarkEntityUsed(**store, gateway, *slot, !f.unused, f.by, now);
      break;
  }
  if (!done.ok()) return ctx.ReportError(done.status(), f.json);
  nlohmann::json j = SlotJson(*done, target->domain.public_url);
  if (f.json) {
    std::cout << DumpJson(j) << "\n";
  } else if (!ctx.options().quiet) {
    std::cout << car->key << " " << j["slot_type"].get<std::string>() << "["
              << j["slot_index"].dump() << "]: " << done->status
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
  runners.emplace_back(entities, [&ctx, ef] { return RunEntities(ctx, *ef); });

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
    runners.emplace_back(sub,
                         [&ctx, f = f] { return RunCarsList(ctx, *f, false); });
  }
  {
    auto [sub, f] = add("show", "One car with its slots", true, false);
    runners.emplace_back(sub,
                         [&ctx, f = f] { return RunCarsList(ctx, *f, true); });
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
        sub, [&ctx, f = f] { return RunSlotOp(ctx, *f, SlotOp::kLock); });
  }
  {
    auto [sub, f] =
        add("unlock", "Unlock a slot: delete its _LOCK.json", true, true);
    runners.emplace_back(
        sub, [&ctx, f = f] { return RunSlotOp(ctx, *f, SlotOp::kUnlock); });
  }
  {
    auto [sub, f] = add("mark-used", "Mark a slot used (admin)", true, true);
    sub->add_option("--by", f->by, "Who marks it")->required();
    sub->add_flag("--unused", f->unused, "Mark it unused instead");
    runners.emplace_back(
        sub, [&ctx, f = f] { return RunSlotOp(ctx, *f, SlotOp::kMarkUsed); });
  }
}

}  // namespace tidemark::cli
