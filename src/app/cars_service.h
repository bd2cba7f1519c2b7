// The cars service (seed 000: `tidemark cars list/show/sync/lock/unlock/
// mark-used` and the API's /api/cars): read cars with their slots, sync a
// region from storage, lock, unlock or mark a slot. It never prints: each
// call returns typed results (wire/cars_json.h renders the seed's shapes),
// and a sync reports the scan's progress through a callback (Step::kScan,
// as scan_service.h says).
//
// Thread-safe, like the Context it uses: several may run at once from
// different threads. The writing ones (SyncCars, ApplySlotChange) take the
// repository's lease, or use this process's (lease_scope.h).
#ifndef TIDEMARK_APP_CARS_SERVICE_H_
#define TIDEMARK_APP_CARS_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/progress.h"
#include "app/scan_service.h"
#include "catalog/records.h"
#include "common/result.h"

namespace tidemark::app {

// Errors of every function here: NotFound for an unknown repository or
// car, FailedPrecondition when the repository has no "cars" layout,
// InvalidArgument for a malformed region or slot, and the catalog's or
// storage's own errors.

struct CarWithSlots {
  Entity car;
  std::vector<Entity> slots;  // in the seed's order (cars_lookup.h)
};

// Cars and their slots; updated_at is the later of the entity's own last
// change and the repository's last sync that did not fail (seed 000's
// last_sync_at).
struct CarListing {
  std::vector<CarWithSlots> cars;
  std::string public_url;  // the base of the slots' public URLs
};

// The cars of `region` ("" = all; a folder in display form), soft-deleted
// ones with include_deleted.
Result<CarListing> ListCars(const Context& ctx, const std::string& repository,
                            const std::string& region, bool include_deleted);
// One car: an id, a REGION/VIN key or a VIN.
Result<CarListing> ShowCar(const Context& ctx, const std::string& repository,
                           const std::string& car);

// What syncing a region found (seed 000's syncRegion).
struct CarsSyncResult {
  std::string region;  // as parsed ("" = all)
  bool success = false;
  int64_t cars_found = 0;
  int64_t slots_found = 0;
  // Cars still listed that were not found on storage: their soft delete
  // waits for the mass-removal rule (removals_paused).
  std::optional<int64_t> cars_kept;
  // Why it did not succeed (storage unreachable, the region unreadable,
  // the scan failed, a catalog-truth repository).
  std::optional<std::string> error;
  bool region_missing = false;  // nothing is on storage at the region
  // The operation's note when the scan paused removals.
  std::optional<std::string> removals_paused;
  // A catalog-truth repository: nothing was scanned (error says why).
  bool catalog_truth = false;
  std::optional<ScanResult> scan;  // set when the region was scanned
};

// Syncs one region (or all) from storage under the repository's lease.
// The error return is for what stops it before a result exists (the errors
// above, Unavailable when another process holds the lease); everything
// else, failures included, is a CarsSyncResult.
Result<CarsSyncResult> SyncCars(const Context& ctx,
                                const std::string& repository,
                                const std::string& region,
                                bool allow_mass_removal,
                                const ProgressFn& progress = nullptr);

enum class SlotOp { kLock, kUnlock, kMarkUsed };
struct SlotChange {
  std::string car;   // an id, a REGION/VIN key or a VIN
  std::string slot;  // "buyout/3", "buyout:3", "buyout[3]", "dealer"
  SlotOp op = SlotOp::kLock;
  std::string by;    // who (lock, mark-used)
  std::string note;  // kept in the lock file (lock)
  bool used = true;  // mark-used: used or unused
};
struct ChangedSlot {
  Entity car;
  Entity slot;             // as written
  std::string public_url;  // the base of its public URL
};
// Locks, unlocks or marks a slot under the repository's lease.
// FailedPrecondition when the slot is already (un)locked, as entity_ops.h
// says.
Result<ChangedSlot> ApplySlotChange(const Context& ctx,
                                    const std::string& repository,
                                    const SlotChange& change);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_CARS_SERVICE_H_
