#include "wire/cars_json.h"

#include "wire/entity_json.h"
#include "wire/scan_json.h"

namespace tidemark::wire {

nlohmann::json CarJson(const app::CarWithSlots& car,
                       const std::string& public_url) {
  return CarJson(car.car, car.slots, public_url);
}

nlohmann::json CarListingJson(const app::CarListing& listing) {
  nlohmann::json out = nlohmann::json::array();
  for (const app::CarWithSlots& car : listing.cars) {
    out.push_back(CarJson(car, listing.public_url));
  }
  return out;
}

nlohmann::json ChangedSlotJson(const app::ChangedSlot& changed) {
  return SlotJson(changed.slot, changed.public_url);
}

nlohmann::json CarsSyncJson(const app::CarsSyncResult& result) {
  nlohmann::json out = {{"success", result.success},
                        {"carsFound", result.cars_found},
                        {"slotsFound", result.slots_found}};
  if (result.error.has_value()) out["error"] = *result.error;
  if (result.region_missing) out["reason"] = "region_missing";
  if (result.cars_kept.has_value()) out["carsKept"] = *result.cars_kept;
  if (result.removals_paused.has_value()) {
    out["removals_paused"] = *result.removals_paused;
  }
  if (result.scan.has_value()) out["scan"] = ScanResultJson(*result.scan);
  return out;
}

nlohmann::json CarsSyncFailureJson(const Status& status) {
  return {{"success", false},
          {"carsFound", 0},
          {"slotsFound", 0},
          {"error", status.message()}};
}

}  // namespace tidemark::wire
