#include "app/products_service.h"

#include <utility>

#include "app/check_service.h"

namespace tidemark::app {

std::string ProductFolder(const std::string& id) { return "products/" + id; }

const EntityDrift* FindProduct(const DriftReport& report,
                               const std::string& id) {
  for (const EntityDrift& e : report.entities) {
    if (e.kind == "product" && e.key == id) return &e;
  }
  return nullptr;
}

Result<DriftReport> CheckProducts(const Context& ctx,
                                  const ProductsRequest& request) {
  CheckRequest check;
  check.repository = request.repository;
  check.scope = request.product.empty() ? "" : ProductFolder(request.product);
  check.list_synced = true;
  check.progress = request.progress;
  ASSIGN_OR_RETURN(CheckResult result, RunCheck(ctx, check));
  return std::move(result.report);
}

Result<RepairPolicy> SeedRepairPolicy(bool remove_orphaned,
                                      bool recreate_missing) {
  if (!remove_orphaned && !recreate_missing) {
    return Status::InvalidArgument(
        "say what to fix: {\"removeOrphaned\": true} deletes files that "
        "have no record, {\"recreateMissing\": true} creates records for "
        "files that have none and drops records whose file is gone");
  }
  RepairPolicy policy;
  if (remove_orphaned) {
    policy.orphaned = OrphanPolicy::kRemove;
  } else if (recreate_missing) {
    policy.orphaned = OrphanPolicy::kAdopt;
  }
  if (recreate_missing) policy.missing = MissingPolicy::kDrop;
  return policy;
}

Result<ProductsSyncResult> SyncProducts(const Context& ctx,
                                        const ProductsRequest& request,
                                        const RepairPolicy& policy,
                                        bool force) {
  RepairRequest repair;
  repair.repository = request.repository;
  repair.scope = request.product.empty() ? "" : ProductFolder(request.product);
  repair.policy = policy;
  repair.force = force;
  repair.progress = request.progress;
  ProductsSyncResult result;
  ASSIGN_OR_RETURN(result.repair, RunRepair(ctx, repair));
  if (!result.repair.failure.ok()) return result.repair.failure;
  ProductsRequest after = request;
  after.progress = nullptr;
  ASSIGN_OR_RETURN(result.after, CheckProducts(ctx, after));
  return result;
}

}  // namespace tidemark::app
