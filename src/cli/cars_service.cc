#include "cli/cars_service.h"

#include <algorithm>
#include <map>
#include <utility>

#include "app/domain.h"
#include "app/lease_scope.h"
#include "cli/cars_lookup.h"
#include "cli/scan_report.h"
#include "common/paths.h"
#include "entities/entity_ops.h"
#include "wire/entity_json.h"
#include "wire/scan_json.h"

namespace tidemark::cli {
namespace {

// `cars` (all of `region`, or `one` car) with their slots, as CarJson.
Result<CarListing> LoadCars(CliContext& ctx, const std::string& repository,
                            const std::string& region_flag,
                            bool include_deleted, const std::string* one) {
  ASSIGN_OR_RETURN(std::string region, ParseUserScope(region_flag, "--region"));
  ASSIGN_OR_RETURN(LayoutTarget target,
                   OpenLayoutTarget(ctx, repository, true));
  ASSIGN_OR_RETURN(CatalogStore * store, ctx.Store());
  CarListing listing;
  std::vector<Entity>& cars = listing.cars;
  // Every slot in one read, grouped by car (one query per car is slow).
  std::map<int64_t, std::vector<Entity>> slots_of;
  if (one != nullptr) {
    ASSIGN_OR_RETURN(Entity car, FindCar(*store, target.repo.id, *one));
    ASSIGN_OR_RETURN(slots_of[car.id], SlotsOf(*store, car));
    cars.push_back(std::move(car));
  } else {
    EntityQuery q;
    q.repository_id = target.repo.id;
    q.kind = "car";
    q.include_deleted = include_deleted;
    q.path_scope = region;
    ASSIGN_OR_RETURN(cars, ListAllEntities(*store, q));
    q.kind = "slot";
    q.include_deleted = true;
    ASSIGN_OR_RETURN(std::vector<Entity> slots, ListAllEntities(*store, q));
    for (Entity& s : slots) slots_of[s.parent_id].push_back(std::move(s));
    for (auto& [car_id, car_slots] : slots_of) SortSlots(car_slots);
  }
  // seed 000's last_sync_at: the last sync of the repository that
  // completed, or the entity's own last change if later.
  int64_t last_sync_ns = 0;
  if (auto ops = store->ListOperations(target.repo.id, 1);
      ops.ok() && !ops->empty() &&
      ops->front().status != OperationStatus::kFailed) {
    last_sync_ns = ops->front().end_ns;
  }
  for (Entity& car : cars) {
    std::vector<Entity>& slots = slots_of[car.id];
    car.updated_at_ns = std::max(car.updated_at_ns, last_sync_ns);
    for (Entity& s : slots) {
      s.updated_at_ns = std::max(s.updated_at_ns, last_sync_ns);
    }
    listing.json.push_back(wire::CarJson(car, slots, target.domain.public_url));
  }
  return listing;
}

}  // namespace

Result<CarListing> ListCars(CliContext& ctx, const std::string& repository,
                            const std::string& region, bool include_deleted) {
  return LoadCars(ctx, repository, region, include_deleted, nullptr);
}

Result<CarListing> ShowCar(CliContext& ctx, const std::string& repository,
                           const std::string& car) {
  return LoadCars(ctx, repository, "", false, &car);
}

Result<nlohmann::json> ListCarsJson(CliContext& ctx,
                                    const std::string& repository,
                                    const std::string& region,
                                    bool include_deleted) {
  ASSIGN_OR_RETURN(CarListing listing,
                   ListCars(ctx, repository, region, include_deleted));
  return std::move(listing.json);
}

Result<nlohmann::json> ShowCarJson(CliContext& ctx,
                                   const std::string& repository,
                                   const std::string& car) {
  ASSIGN_OR_RETURN(CarListing listing, ShowCar(ctx, repository, car));
  return std::move(listing.json.at(0));
}

Result<CarsSyncResult> SyncCars(CliContext& ctx, const std::string& repository,
                                const std::string& region_flag,
                                bool allow_mass_removal) {
  CarsSyncResult result;
  ASSIGN_OR_RETURN(result.region, ParseUserScope(region_flag, "region"));
  const std::string& region = result.region;
  nlohmann::json& out = result.json;
  out = {{"success", false}, {"carsFound", 0}, {"slotsFound", 0}};
  auto done = [&](ExitCode code) {
    result.code = code;
    return std::move(result);
  };
  ASSIGN_OR_RETURN(LayoutTarget target,
                   OpenLayoutTarget(ctx, repository, true));
  if (target.domain.truth == app::Truth::kCatalog) {
    // Syncing applies storage to the catalog, which a catalog-truth
    // repository only takes through repair (DESIGN.md).
    result.error_message = "repository '" + repository +
                           "' has truth 'catalog': " +
                           app::CatalogTruthRefusal(repository, "'cars sync'");
    out["error"] = result.error_message;
    return done(ExitCode::kUsage);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<StorageBackend> backend,
                   ctx.wiring().open_backend(target.repo.url));
  if (Status root = backend->CheckRoot(); !root.ok()) {
    out["error"] = "storage unreachable: " + root.message();
    return done(ExitCode::kFailed);
  }
  if (!region.empty()) {
    ListOptions lo;
    lo.scope = region;
    auto listing = backend->List(lo);
    if (!listing.ok() && listing.status().code() == StatusCode::kNotFound) {
      out["reason"] = "region_missing";
    } else if (!listing.ok()) {
      out["error"] = "cannot list region '" + DisplayPath(region) +
                     "': " + listing.status().message();
      return done(ExitCode::kFailed);
    }
  }
  ASSIGN_OR_RETURN(app::Context * app, ctx.App());
  ASSIGN_OR_RETURN(std::unique_ptr<app::WriteLease> lease,
                   app::TakeLease(*app, target.repo));
  app::ScanSettings settings;
  settings.scope = region;
  settings.allow_mass_removal = allow_mass_removal;
  const app::ScanResult scanned =
      app::ScanRepository(*app, target.repo, settings);
  nlohmann::json scan = wire::ScanResultJson(scanned);
  const ExitCode code = ScanExitCode(scanned);
  if (scan.contains("error")) {
    result.error_message = scan["error"].get<std::string>();
  }
  out["scan"] = scan;
  if (code == ExitCode::kFailed) {
    out["error"] = scan.value("error_message", scan.value("error", ""));
    return done(code);
  }
  if (scan.value("removals_deferred", 0) > 0) {
    out["removals_paused"] = scan.value("error_message", "");
  }
  ASSIGN_OR_RETURN(CatalogStore * store, ctx.Store());
  EntityQuery q;
  q.repository_id = target.repo.id;
  q.kind = "car";
  q.path_scope = region;
  ASSIGN_OR_RETURN(std::vector<Entity> cars, ListAllEntities(*store, q));
  out["success"] = true;
  if (out.contains("reason")) {
    // Nothing was found on storage. Cars still listed are those whose
    // soft delete the mass-removal rule paused (see removals_paused).
    if (!cars.empty()) out["carsKept"] = cars.size();
    return done(code);
  }
  const bool paused = out.contains("removals_paused");
  int64_t found = 0;
  int64_t kept = 0;
  int64_t slots = 0;
  for (const Entity& car : cars) {
    // With removals paused, a car whose folder is gone is still listed
    // (its records are kept); it was not found, so count it as kept.
    if (paused) {
      ListOptions lo;
      lo.scope = car.path;
      auto listing = backend->List(lo);
      if (!listing.ok() && listing.status().code() == StatusCode::kNotFound) {
        ++kept;
        continue;
      }
    }
    ASSIGN_OR_RETURN(std::vector<Entity> car_slots, SlotsOf(*store, car));
    ++found;
    slots += static_cast<int64_t>(car_slots.size());
  }
  out["carsFound"] = found;
  out["slotsFound"] = slots;
  if (kept > 0) out["carsKept"] = kept;
  return done(code);
}

Result<ChangedSlot> ApplySlotChange(CliContext& ctx,
                                    const std::string& repository,
                                    const SlotChange& change) {
  ASSIGN_OR_RETURN(LayoutTarget target,
                   OpenLayoutTarget(ctx, repository, true));
  ASSIGN_OR_RETURN(auto slot_name, ParseSlot(change.slot));
  ASSIGN_OR_RETURN(CatalogStore * store, ctx.Store());
  ChangedSlot changed;
  ASSIGN_OR_RETURN(changed.car, FindCar(*store, target.repo.id, change.car));
  ASSIGN_OR_RETURN(Entity slot,
                   FindEntity(*store, target.repo.id, "slot",
                              changed.car.key + "/" + slot_name.first + "/" +
                                  slot_name.second));
  ASSIGN_OR_RETURN(app::Context * app, ctx.App());
  ASSIGN_OR_RETURN(std::unique_ptr<app::WriteLease> lease,
                   app::TakeLease(*app, target.repo));
  ASSIGN_OR_RETURN(std::unique_ptr<StorageBackend> backend,
                   ctx.wiring().open_backend(target.repo.url));
  ASSIGN_OR_RETURN(
      app::SyncSettings settings,
      app::ResolveSyncSettings(*app, target.repo, app::ScanSettings{}));
  PathSyncOptions sync;
  sync.type = OperationType::kOnDemand;
  sync.hash = settings.hash;
  sync.filter = &settings.filter;
  ASSIGN_OR_RETURN(Gateway * gateway, ctx.GetGateway());
  const int64_t now = ctx.clock().NowNanos();
  Result<Entity> done = Status::Ok();
  switch (change.op) {
    case SlotOp::kLock:
      done = LockEntity(*backend, *store, *gateway, *target.domain.layout,
                        target.repo, slot, {change.by, now, change.note}, sync);
      break;
    case SlotOp::kUnlock:
      done = UnlockEntity(*backend, *store, *gateway, *target.domain.layout,
                          target.repo, slot, sync);
      break;
    case SlotOp::kMarkUsed:
      done =
          MarkEntityUsed(*store, *gateway, slot, change.used, change.by, now);
      break;
  }
  ASSIGN_OR_RETURN(changed.slot, std::move(done));
  changed.json = wire::SlotJson(changed.slot, target.domain.public_url);
  return changed;
}

Result<nlohmann::json> ChangeSlot(CliContext& ctx,
                                  const std::string& repository,
                                  const SlotChange& change) {
  ASSIGN_OR_RETURN(ChangedSlot changed,
                   ApplySlotChange(ctx, repository, change));
  return std::move(changed.json);
}

}  // namespace tidemark::cli
