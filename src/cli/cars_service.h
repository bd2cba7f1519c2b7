// The `cars` flows without their printing, shared by the CLI (`tidemark
// cars list/show/sync/lock/unlock/mark-used`, thin printers over these) and
// the HTTP API (`tidemark serve`). Each returns the document the command's
// --json prints: the seed-000 shapes of cars and slots
// (entities/entity_json.h) and syncRegion's result.
//
// Thread-safe once the store and gateway are open (ctx.Store() and
// ctx.GetGateway() called once first): these only read the CliContext and
// print nothing, so several may run at once from different threads. The
// writing ones (SyncCars, ChangeSlot) take the repository's lease, or use
// this process's (lease_scope.h); two writes to one repository from one
// process are not kept apart by it: the caller serializes them.
#ifndef TIDEMARK_CLI_CARS_SERVICE_H_
#define TIDEMARK_CLI_CARS_SERVICE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/records.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "common/result.h"

namespace tidemark::cli {

// Errors of every function here, as the commands report them (exit code
// ExitCodeFor): NotFound for an unknown repository or car,
// FailedPrecondition when the repository has no "cars" layout,
// InvalidArgument for a malformed region or slot, and the catalog's or
// storage's own errors.

// Cars and their JSON: json[i] is cars[i]'s CarJson, slots included.
struct CarListing {
  std::vector<Entity> cars;
  nlohmann::json json = nlohmann::json::array();
};
// The cars of `region` ("" = all; a folder in display form), soft-deleted
// ones with include_deleted.
Result<CarListing> ListCars(CliContext& ctx, const std::string& repository,
                            const std::string& region, bool include_deleted);
// One car: an id, a REGION/VIN key or a VIN.
Result<CarListing> ShowCar(CliContext& ctx, const std::string& repository,
                           const std::string& car);

// `cars list --json`'s array (region "" = all).
Result<nlohmann::json> ListCarsJson(CliContext& ctx,
                                    const std::string& repository,
                                    const std::string& region,
                                    bool include_deleted);
// `cars show CAR --json`'s object; CAR is an id, a REGION/VIN key or a VIN.
Result<nlohmann::json> ShowCarJson(CliContext& ctx,
                                   const std::string& repository,
                                   const std::string& car);

struct CarsSyncResult {
  // seed 000's syncRegion: {success, carsFound, slotsFound, error?,
  // reason?, carsKept?, removals_paused?, scan}.
  nlohmann::json json;
  // kOk, kPartial (the scan finished with errors), kUsage (a catalog-truth
  // repository, or a scan refused for bad settings), kFailed (storage
  // unreachable, the scan failed).
  ExitCode code = ExitCode::kOk;
  std::string region;  // as parsed ("" = all)
  // An error the CLI prints on stderr ("tidemark: error: ...") before the
  // result; "" when none. Also in json (error, or scan.error).
  std::string error_message;
};
// Syncs one region (or all) from storage under the repository's lease.
// The error return is for what stops it before a result exists (the errors
// above, Unavailable when another process holds the lease); everything
// else, failures included, is a CarsSyncResult.
Result<CarsSyncResult> SyncCars(CliContext& ctx, const std::string& repository,
                                const std::string& region,
                                bool allow_mass_removal);

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
  Entity slot;          // as written
  nlohmann::json json;  // its wire::SlotJson
};
// Locks, unlocks or marks a slot under the repository's lease.
// FailedPrecondition when the slot is already (un)locked, as entity_ops.h
// says.
Result<ChangedSlot> ApplySlotChange(CliContext& ctx,
                                    const std::string& repository,
                                    const SlotChange& change);
// ApplySlotChange's SlotJson: what `cars lock|unlock|mark-used --json`
// prints.
Result<nlohmann::json> ChangeSlot(CliContext& ctx,
                                  const std::string& repository,
                                  const SlotChange& change);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_CARS_SERVICE_H_
