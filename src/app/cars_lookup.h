// Finding a layout repository's entities, cars and slots in the catalog:
// the lookups `tidemark entities` and the cars service (cars_service.h)
// share. Read-only; thread-safe, like the Context.
#ifndef TIDEMARK_APP_CARS_LOOKUP_H_
#define TIDEMARK_APP_CARS_LOOKUP_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/context.h"
#include "app/domain.h"
#include "catalog/catalog_store.h"
#include "catalog/records.h"
#include "common/result.h"

namespace tidemark::app {

// The repository, its domain, and a check that it has the wanted layout.
struct LayoutTarget {
  Repository repo;
  RepositoryDomain domain;
};

// NotFound for an unknown repository; FailedPrecondition when it has no
// layout, or (with need_cars) another layout than "cars".
Result<LayoutTarget> OpenLayoutTarget(const Context& ctx,
                                      const std::string& name, bool need_cars);

// Every entity `q` matches (q.limit and q.after_id are used for paging).
Result<std::vector<Entity>> ListAllEntities(CatalogStore& store, EntityQuery q);

// The string attribute `name` of `e`, or "".
std::string EntityAttr(const Entity& e, const char* name);

// A car by id, by key (REGION/VIN) or by VIN alone (unique across
// regions). NotFound when none matches; InvalidArgument naming the keys
// when a VIN is in several regions.
Result<Entity> FindCar(CatalogStore& store, int64_t repository_id,
                       const std::string& ident);

// "buyout/3", "buyout:3", "buyout[3]" or "dealer" (index 1) as {type,
// index}. InvalidArgument for an unknown type or a missing number.
Result<std::pair<std::string, std::string>> ParseSlot(const std::string& s);

// The seed's order: dealer, buyout 1..8, dummies 1..5.
void SortSlots(std::vector<Entity>& slots);

// The slots of `car` (deleted ones too), in the seed's order.
Result<std::vector<Entity>> SlotsOf(CatalogStore& store, const Entity& car);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_CARS_LOOKUP_H_
