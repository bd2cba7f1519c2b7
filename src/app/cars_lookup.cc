#include "app/cars_lookup.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "common/strict_parse.h"
#include "entities/entity_ops.h"

namespace tidemark::app {

Result<LayoutTarget> OpenLayoutTarget(const Context& ctx,
                                      const std::string& name, bool need_cars) {
  LayoutTarget t;
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

Result<std::vector<Entity>> ListAllEntities(CatalogStore& store,
                                            EntityQuery q) {
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

std::string EntityAttr(const Entity& e, const char* name) {
  auto j = nlohmann::json::parse(e.attrs_json, nullptr, false);
  if (j.is_object() && j.contains(name) && j[name].is_string()) {
    return j[name].get<std::string>();
  }
  return "";
}

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
  ASSIGN_OR_RETURN(std::vector<Entity> cars, ListAllEntities(store, q));
  std::vector<Entity> hits;
  for (Entity& c : cars) {
    if (EntityAttr(c, "vin") == ident) hits.push_back(std::move(c));
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

Result<std::vector<Entity>> SlotsOf(CatalogStore& store, const Entity& car) {
  EntityQuery q;
  q.repository_id = car.repository_id;
  q.kind = "slot";
  q.parent_id = car.id;
  q.include_deleted = true;
  ASSIGN_OR_RETURN(std::vector<Entity> slots, ListAllEntities(store, q));
  SortSlots(slots);
  return slots;
}

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
    // Written by the cars layout (1..8); anything else sorts first.
    auto number = ParseInt64(index, "slot_index", 0, 1'000'000);
    order.push_back({{t, number.ok() ? static_cast<int>(*number) : 0}, i});
  }
  std::sort(order.begin(), order.end());
  std::vector<Entity> sorted;
  sorted.reserve(slots.size());
  for (const auto& o : order) sorted.push_back(std::move(slots[o.second]));
  slots = std::move(sorted);
}

}  // namespace tidemark::app
