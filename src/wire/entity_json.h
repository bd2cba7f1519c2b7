// How entities are shown to people and scripts: a generic JSON form for any
// layout, and the seed-000 shapes of a car with its slots (the fields of the
// seed's cars and car_slots tables), shared by the CLI and the HTTP API.
// Pure functions; thread-safe.
#ifndef TIDEMARK_WIRE_ENTITY_JSON_H_
#define TIDEMARK_WIRE_ENTITY_JSON_H_

#include <nlohmann/json.hpp>
#include <vector>

#include "catalog/records.h"

namespace tidemark::wire {

// MiB with 2 decimals, as the seed stores total_size_mb.
double SizeMb(int64_t bytes);

// {id, kind, key, parent_id, path, attrs{}, status, marker{}, file_count,
//  total_bytes, total_size_mb, business{}, created_at, updated_at,
//  deleted_at}
nlohmann::json EntityJson(const Entity& e);

// A slot in the seed's car_slots shape: id, car_id, slot_type, slot_index,
// status, locked_at, locked_by, lock_meta_json, disk_slot_path, public_url,
// is_used, marked_used_at, marked_used_by, file_count, total_size_mb,
// last_sync_at.
nlohmann::json SlotJson(const Entity& slot, const std::string& public_url);

// A car in the seed's cars shape (id, region, make, model, vin,
// disk_root_path, created_at, deleted_at) with file_count, total_size_mb
// and its `slots`.
nlohmann::json CarJson(const Entity& car, const std::vector<Entity>& slots,
                       const std::string& public_url);

}  // namespace tidemark::wire

#endif  // TIDEMARK_WIRE_ENTITY_JSON_H_
