#include "app/cars_service.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "app/cars_lookup.h"
#include "app/domain.h"
#include "app/lease_scope.h"
#include "app/sync_settings.h"
#include "common/paths.h"
#include "entities/entity_ops.h"

namespace tidemark::app {
namespace {

// `cars` (all of `region`, or `one` car) with their slots.
Result<CarListing> LoadCars(const Context& ctx, const std::string& repository,
                            const std::string& region_flag,
                            bool include_deleted, const std::string* one) {
  ASSIGN_OR_RETURN(std::string region, ParseUserScope(region_flag, "--region"));
  ASSIGN_OR_RETURN(LayoutTarget target,
                   OpenLayoutTarget(ctx, repository, true));
  CatalogStore& store = ctx.store();
  std::vector<Entity> cars;
  // Every slot in one read, grouped by car (one query per car is slow).
  std::map<int64_t, std::vector<Entity>> slots_of;
  if (one != nullptr) {
    ASSIGN_OR_RETURN(Entity car, FindCar(store, target.repo.id, *one));
    ASSIGN_OR_RETURN(slots_of[car.id], SlotsOf(store, car));
    cars.push_back(std::move(car));
  } else {
    EntityQuery q;
    q.repository_id = target.repo.id;
    q.kind = "car";
    q.include_deleted = include_deleted;
    q.path_scope = region;
    ASSIGN_OR_RETURN(cars, ListAllEntities(store, q));
    q.kind = "slot";
    q.include_deleted = true;
    ASSIGN_OR_RETURN(std::vector<Entity> slots, ListAllEntities(store, q));
    for (Entity& s : slots) slots_of[s.parent_id].push_back(std::move(s));
    for (auto& [car_id, car_slots] : slots_of) SortSlots(car_slots);
  }
  // seed 000's last_sync_at: the last sync of the repository that
  // completed, or the entity's own last change if later.
  int64_t last_sync_ns = 0;
  if (auto ops = store.ListOperations(target.repo.id, 1);
      ops.ok() && !ops->empty() &&
      ops->front().status != OperationStatus::kFailed) {
    last_sync_ns = ops->front().end_ns;
  }
  CarListing listing;
  listing.public_url = target.domain.public_url;
  for (Entity& car : cars) {
    std::vector<Entity> slots = std::move(slots_of[car.id]);
    car.updated_at_ns = std::max(car.updated_at_ns, last_sync_ns);
    for (Entity& s : slots) {
      s.updated_at_ns = std::max(s.updated_at_ns, last_sync_ns);
    }
    listing.cars.push_back({std::move(car), std::move(slots)});
  }
  return listing;
}

// Counts what a sync of `region` found, once its scan did not fail.
Status CountCars(const Context& ctx, const LayoutTarget& target,
                 StorageBackend& backend, CarsSyncResult& result) {
  CatalogStore& store = ctx.store();
  EntityQuery q;
  q.repository_id = target.repo.id;
  q.kind = "car";
  q.path_scope = result.region;
  ASSIGN_OR_RETURN(std::vector<Entity> cars, ListAllEntities(store, q));
  result.success = true;
  if (result.region_missing) {
    // Nothing was found on storage. Cars still listed are those whose
    // soft delete the mass-removal rule paused (see removals_paused).
    if (!cars.empty()) result.cars_kept = static_cast<int64_t>(cars.size());
    return Status::Ok();
  }
  const bool paused = result.removals_paused.has_value();
  int64_t kept = 0;
  for (const Entity& car : cars) {
    // With removals paused, a car whose folder is gone is still listed
    // (its records are kept); it was not found, so count it as kept.
    if (paused) {
      ListOptions lo;
      lo.scope = car.path;
      auto listing = backend.List(lo);
      if (!listing.ok() && listing.status().code() == StatusCode::kNotFound) {
        ++kept;
        continue;
      }
    }
    ASSIGN_OR_RETURN(std::vector<Entity> car_slots, SlotsOf(store, car));
    ++result.cars_found;
    result.slots_found += static_cast<int64_t>(car_slots.size());
  }
  if (kept > 0) result.cars_kept = kept;
  return Status::Ok();
}

}  // namespace

Result<CarListing> ListCars(const Context& ctx, const std::string& repository,
                            const std::string& region, bool include_deleted) {
  return LoadCars(ctx, repository, region, include_deleted, nullptr);
}

Result<CarListing> ShowCar(const Context& ctx, const std::string& repository,
                           const std::string& car) {
  return LoadCars(ctx, repository, "", false, &car);
}

Result<CarsSyncResult> SyncCars(const Context& ctx,
                                const std::string& repository,
                                const std::string& region_flag,
                                bool allow_mass_removal,
                                const ProgressFn& progress) {
  CarsSyncResult result;
  ASSIGN_OR_RETURN(result.region, ParseUserScope(region_flag, "region"));
  const std::string& region = result.region;
  ASSIGN_OR_RETURN(LayoutTarget target,
                   OpenLayoutTarget(ctx, repository, true));
  if (target.domain.truth == Truth::kCatalog) {
    // Syncing applies storage to the catalog, which a catalog-truth
    // repository only takes through repair (DESIGN.md).
    result.catalog_truth = true;
    result.error = "repository '" + repository + "' has truth 'catalog': " +
                   CatalogTruthRefusal(repository, "'cars sync'");
    return result;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<StorageBackend> backend,
                   ctx.wiring().open_backend(target.repo.url));
  if (Status root = backend->CheckRoot(); !root.ok()) {
    result.error = "storage unreachable: " + root.message();
    return result;
  }
  if (!region.empty()) {
    ListOptions lo;
    lo.scope = region;
    auto listing = backend->List(lo);
    if (!listing.ok() && listing.status().code() == StatusCode::kNotFound) {
      result.region_missing = true;
    } else if (!listing.ok()) {
      result.error = "cannot list region '" + DisplayPath(region) +
                     "': " + listing.status().message();
      return result;
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<WriteLease> lease,
                   TakeLease(ctx, target.repo));
  ScanSettings settings;
  settings.scope = region;
  settings.allow_mass_removal = allow_mass_removal;
  const ScanResult& scan =
      result.scan.emplace(ScanRepository(ctx, target.repo, settings, progress));
  if (scan.status == ScanStatus::kFailed) {
    result.error = scan.report.has_value()
                       ? scan.report->operation.error_message
                       : scan.error.message();
    return result;
  }
  if (scan.report.has_value() && scan.report->removals_deferred > 0) {
    result.removals_paused = scan.report->operation.error_message;
  }
  RETURN_IF_ERROR(CountCars(ctx, target, *backend, result));
  return result;
}

Result<ChangedSlot> ApplySlotChange(const Context& ctx,
                                    const std::string& repository,
                                    const SlotChange& change) {
  ASSIGN_OR_RETURN(LayoutTarget target,
                   OpenLayoutTarget(ctx, repository, true));
  ASSIGN_OR_RETURN(auto slot_name, ParseSlot(change.slot));
  CatalogStore& store = ctx.store();
  ChangedSlot changed;
  changed.public_url = target.domain.public_url;
  ASSIGN_OR_RETURN(changed.car, FindCar(store, target.repo.id, change.car));
  ASSIGN_OR_RETURN(Entity slot,
                   FindEntity(store, target.repo.id, "slot",
                              changed.car.key + "/" + slot_name.first + "/" +
                                  slot_name.second));
  ASSIGN_OR_RETURN(std::unique_ptr<WriteLease> lease,
                   TakeLease(ctx, target.repo));
  ASSIGN_OR_RETURN(std::unique_ptr<StorageBackend> backend,
                   ctx.wiring().open_backend(target.repo.url));
  ASSIGN_OR_RETURN(SyncSettings settings,
                   ResolveSyncSettings(ctx, target.repo, ScanSettings{}));
  PathSyncOptions sync;
  sync.type = OperationType::kOnDemand;
  sync.hash = settings.hash;
  sync.filter = &settings.filter;
  Gateway& gateway = ctx.gateway();
  const int64_t now = ctx.clock().NowNanos();
  Result<Entity> done = Status::Ok();
  switch (change.op) {
    case SlotOp::kLock:
      done = LockEntity(*backend, store, gateway, *target.domain.layout,
                        target.repo, slot, {change.by, now, change.note}, sync);
      break;
    case SlotOp::kUnlock:
      done = UnlockEntity(*backend, store, gateway, *target.domain.layout,
                          target.repo, slot, sync);
      break;
    case SlotOp::kMarkUsed:
      done = MarkEntityUsed(store, gateway, slot, change.used, change.by, now);
      break;
  }
  ASSIGN_OR_RETURN(changed.slot, std::move(done));
  return changed;
}

}  // namespace tidemark::app
