#include "wire/entity_json.h"

#include <cmath>
#include <ctime>
#include <string>

#include "common/paths.h"
#include "common/time_format.h"

namespace tidemark::wire {
namespace {

nlohmann::json Parsed(const std::string& text) {
  if (text.empty()) return nullptr;
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(text) : j;
}

nlohmann::json Time(int64_t ns) {
  if (ns == 0) return nullptr;
  return FormatIsoTime(ns);
}

nlohmann::json Field(const nlohmann::json& object, const char* name) {
  if (object.is_object()) {
    if (auto it = object.find(name); it != object.end()) return *it;
  }
  return nullptr;
}

nlohmann::json IntAttr(const nlohmann::json& attrs, const char* name) {
  nlohmann::json v = Field(attrs, name);
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (...) {
      return v;
    }
  }
  return v;
}

}  // namespace

double SizeMb(int64_t bytes) {
  return std::round(static_cast<double>(bytes) / (1024.0 * 1024.0) * 100.0) /
         100.0;
}

nlohmann::json EntityJson(const Entity& e) {
  return {{"id", e.id},
          {"kind", e.kind},
          {"key", e.key},
          {"parent_id", e.parent_id == 0 ? nlohmann::json(nullptr)
                                         : nlohmann::json(e.parent_id)},
          {"path", e.path},
          {"attrs", Parsed(e.attrs_json)},
          {"status", e.status.empty() ? nlohmann::json(nullptr)
                                      : nlohmann::json(e.status)},
          {"marker", Parsed(e.marker_json)},
          {"file_count", e.file_count},
          {"total_bytes", e.total_bytes},
          {"total_size_mb", SizeMb(e.total_bytes)},
          {"business", Parsed(e.business_json)},
          {"created_at", Time(e.created_at_ns)},
          {"updated_at", Time(e.updated_at_ns)},
          {"deleted_at", Time(e.deleted_at_ns)}};
}

nlohmann::json SlotJson(const Entity& slot, const std::string& public_url) {
  const nlohmann::json attrs = Parsed(slot.attrs_json);
  const nlohmann::json marker = Parsed(slot.marker_json);
  const nlohmann::json business = Parsed(slot.business_json);
  const nlohmann::json is_used = Field(business, "is_used");
  return {{"id", slot.id},
          {"car_id", slot.parent_id},
          {"slot_type", Field(attrs, "slot_type")},
          {"slot_index", IntAttr(attrs, "slot_index")},
          {"status", slot.status},
          {"locked_at", Field(marker, "locked_at")},
          {"locked_by", Field(marker, "locked_by")},
          {"lock_meta_json", slot.marker_json.empty()
                                 ? nlohmann::json(nullptr)
                                 : nlohmann::json(slot.marker_json)},
          {"disk_slot_path", slot.path},
          {"public_url", public_url.empty()
                             ? nlohmann::json(nullptr)
                             : nlohmann::json(public_url + "/" +
                                              PercentEncodeUrlPath(slot.path))},
          {"is_used", is_used.is_boolean() ? is_used : nlohmann::json(false)},
          {"marked_used_at", Field(business, "marked_used_at")},
          {"marked_used_by", Field(business, "marked_used_by")},
          {"file_count", slot.file_count},
          {"total_size_mb", SizeMb(slot.total_bytes)},
          {"last_sync_at", Time(slot.updated_at_ns)},
          {"deleted_at", Time(slot.deleted_at_ns)}};
}

nlohmann::json CarJson(const Entity& car, const std::vector<Entity>& slots,
                       const std::string& public_url) {
  const nlohmann::json attrs = Parsed(car.attrs_json);
  nlohmann::json out = {{"id", car.id},
                        {"region", Field(attrs, "region")},
                        {"make", Field(attrs, "make")},
                        {"model", Field(attrs, "model")},
                        {"vin", Field(attrs, "vin")},
                        {"disk_root_path", car.path},
                        {"created_at", Time(car.created_at_ns)},
                        {"deleted_at", Time(car.deleted_at_ns)},
                        {"last_sync_at", Time(car.updated_at_ns)},
                        {"file_count", car.file_count},
                        {"total_size_mb", SizeMb(car.total_bytes)},
                        {"slots", nlohmann::json::array()}};
  for (const Entity& s : slots) out["slots"].push_back(SlotJson(s, public_url));
  return out;
}

}  // namespace tidemark::wire
