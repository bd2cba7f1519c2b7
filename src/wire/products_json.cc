#include "wire/products_json.h"

#include <vector>

#include "wire/check_json.h"

namespace tidemark::wire {
namespace {

nlohmann::json Strings(const std::vector<std::string>& v) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& s : v) out.push_back(s);
  return out;
}

nlohmann::json ProductOf(const std::string& id, const EntityDrift* e) {
  nlohmann::json errors = nlohmann::json::array();
  if (e != nullptr) {
    for (const DriftError& err : e->errors) {
      errors.push_back({{"path", err.path}, {"message", err.message}});
    }
  }
  static const std::vector<std::string> kNone;
  return {{"productId", id},
          {"orphanedFiles", Strings(e ? e->orphaned : kNone)},
          {"missingFiles", Strings(e ? e->missing : kNone)},
          {"syncedFiles", Strings(e ? e->synced_paths : kNone)},
          {"modifiedFiles", Strings(e ? e->modified : kNone)},
          {"errors", std::move(errors)}};
}

}  // namespace

nlohmann::json ProductJson(const DriftReport& report, const std::string& id) {
  return ProductOf(id, app::FindProduct(report, id));
}

nlohmann::json ProductsCheckJson(const DriftReport& report) {
  nlohmann::json results = nlohmann::json::array();
  int64_t products = 0;
  for (const EntityDrift& e : report.entities) {
    if (e.kind != "product") continue;
    ++products;
    results.push_back(ProductOf(e.key, &e));
  }
  const DriftTotals& t = report.totals;
  return {{"totalProducts", products},
          {"totalImages", t.synced + t.orphaned + t.missing + t.modified},
          {"orphanedFiles", t.orphaned},
          {"missingFiles", t.missing},
          {"modifiedFiles", t.modified},
          {"syncedFiles", t.synced},
          {"errors", t.errors},
          {"results", std::move(results)}};
}

nlohmann::json ProductsSyncJson(const app::ProductsSyncResult& result,
                                const std::string& product) {
  nlohmann::json out = product.empty() ? ProductsCheckJson(result.after)
                                       : ProductJson(result.after, product);
  const RepairOutcome none;
  const RepairOutcome& done =
      result.repair.outcome ? *result.repair.outcome : none;
  out["success"] = done.converged();
  out["removedOrphaned"] = done.objects_removed;
  out["recreatedRecords"] = done.adopted;
  out["droppedRecords"] = done.records_dropped;
  out["skipped"] = static_cast<int64_t>(done.skipped.size());
  out["repair"] = RepairJson(result.repair);
  return out;
}

}  // namespace tidemark::wire
