// The products service (seed 003's image sync over the `products` layout:
// /admin/products/... on the HTTP API): check one product's folder
// (products/{id}) or every product, and repair them under the seed's
// options, answering with the check after the repair. It never prints;
// results are typed (wire/products_json.h renders the seed's shapes), and
// progress goes to the request's callback as check_service.h and
// repair_service.h say.
//
// The seed's options map to repair policies (SeedRepairPolicy):
//   removeOrphaned  -> delete from storage the files that have no record;
//   recreateMissing -> records for the files that have none (unless they
//                      are being removed), and records whose file is gone
//                      for good dropped (a file that came back is kept).
//
// Thread-safe, like the Context it uses.
#ifndef TIDEMARK_APP_PRODUCTS_SERVICE_H_
#define TIDEMARK_APP_PRODUCTS_SERVICE_H_

#include <string>

#include "app/context.h"
#include "app/progress.h"
#include "app/repair_service.h"
#include "check/drift.h"
#include "check/repair.h"
#include "common/result.h"

namespace tidemark::app {

struct ProductsRequest {
  std::string repository;  // the repository with the products layout
  // One product's id (one plain path segment), or "" for every product.
  std::string product;
  ProgressFn progress;
};

// The folder of product `id`: products/{id}.
std::string ProductFolder(const std::string& id);

// The product `id`'s drift in `report`, or null when it has none (no file
// on either side).
const EntityDrift* FindProduct(const DriftReport& report,
                               const std::string& id);

// The check of the product (or of every product), synced paths listed.
// Errors as RunCheck's.
Result<DriftReport> CheckProducts(const Context& ctx,
                                  const ProductsRequest& request);

// The policy of the seed's options; InvalidArgument naming them when
// neither is set.
Result<RepairPolicy> SeedRepairPolicy(bool remove_orphaned,
                                      bool recreate_missing);

struct ProductsSyncResult {
  RepairResult repair;  // what the repair did
  DriftReport after;    // the check after it, synced paths listed
};

// Repairs the product (or every product) under `policy`, then checks it
// again: the seed answers a sync with what its check says afterwards.
// Errors: RunRepair's, a repair that failed after planning (its failure:
// the safety rule's FailedPrecondition, or what stopped it), and the
// check's after it.
Result<ProductsSyncResult> SyncProducts(const Context& ctx,
                                        const ProductsRequest& request,
                                        const RepairPolicy& policy, bool force);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_PRODUCTS_SERVICE_H_
