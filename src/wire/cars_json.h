// The JSON of the cars service's results (seed 000): the cars list and
// one car (`cars list|show --json`, GET /api/cars, /api/cars/{id}), a slot
// change (`cars lock|unlock|mark-used --json`, the slot routes), and a
// sync (`cars sync --json`, POST /api/cars/sync). The car and slot shapes
// themselves are entity_json.h's. Pure; thread-safe.
#ifndef TIDEMARK_WIRE_CARS_JSON_H_
#define TIDEMARK_WIRE_CARS_JSON_H_

#include <nlohmann/json.hpp>

#include "app/cars_service.h"
#include "common/status.h"

namespace tidemark::wire {

// CarJson of one car with its slots.
nlohmann::json CarJson(const app::CarWithSlots& car,
                       const std::string& public_url);
// [CarJson] of every car of the listing, in its order.
nlohmann::json CarListingJson(const app::CarListing& listing);

// The slot as written: SlotJson.
nlohmann::json ChangedSlotJson(const app::ChangedSlot& changed);

// seed 000's syncRegion: {success, carsFound, slotsFound} and, when they
// apply, error, reason ("region_missing"), carsKept, removals_paused and
// scan (ScanResultJson).
nlohmann::json CarsSyncJson(const app::CarsSyncResult& result);
// The same shape for a sync that could not start: {success: false,
// carsFound: 0, slotsFound: 0, error}.
nlohmann::json CarsSyncFailureJson(const Status& status);

}  // namespace tidemark::wire

#endif  // TIDEMARK_WIRE_CARS_JSON_H_
