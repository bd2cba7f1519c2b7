// The JSON of seed 003's product routes (/admin/products/..., with the
// seed's field names): one product's drift, the check of every product,
// and a sync's answer (the check after it, what the repair did, and the
// whole repair document). Pure; thread-safe.
#ifndef TIDEMARK_WIRE_PRODUCTS_JSON_H_
#define TIDEMARK_WIRE_PRODUCTS_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "app/products_service.h"
#include "check/drift.h"

namespace tidemark::wire {

// {productId, orphanedFiles, missingFiles, syncedFiles, modifiedFiles,
// errors: [{path, message}]} of product `id` in `report` (empty lists when
// it has no files).
nlohmann::json ProductJson(const DriftReport& report, const std::string& id);

// {totalProducts, totalImages, orphanedFiles, missingFiles, modifiedFiles,
// syncedFiles, errors (counts), results: [ProductJson]}.
nlohmann::json ProductsCheckJson(const DriftReport& report);

// The check after the sync (ProductJson of `product`, or ProductsCheckJson
// for "") with what the repair did: success, removedOrphaned,
// recreatedRecords, droppedRecords, skipped, and `repair` (RepairJson).
nlohmann::json ProductsSyncJson(const app::ProductsSyncResult& result,
                                const std::string& product);

}  // namespace tidemark::wire

#endif  // TIDEMARK_WIRE_PRODUCTS_JSON_H_
