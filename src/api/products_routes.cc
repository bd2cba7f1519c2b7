// Seed 003 over HTTP, with the seed's response fields:
//   GET  /admin/products/{id}/images/sync/check
//   POST /admin/products/{id}/images/sync     {removeOrphaned, recreateMissing}
//   GET  /admin/products/sync/check-all
//   POST /admin/products/sync/sync-all        {removeOrphaned, recreateMissing}
// on the repository with the products layout, through the same check and
// repair flows as the CLI. The seed's options map to repair policies:
//   removeOrphaned  -> delete from storage the files that have no record;
//   recreateMissing -> records for the files that have none (unless they
//                      are being removed), and records whose file is gone
//                      for good dropped (a file that came back is kept).
// A product's folder is products/{id}.
#include "api/serve_state.h"
#include "app/check_service.h"
#include "app/repair_service.h"
#include "server/request_path.h"
#include "wire/check_json.h"

namespace tidemark::api {
namespace {

using server::ApiRequest;
using server::ApiResult;
using server::HttpError;
using server::JsonReply;
using server::Role;

std::variant<std::string, HttpError> ProductsRepo(ServeState& state) {
  return LayoutRepository(state, "products",
                          state.settings.products_repository);
}

// products/{id}, with `id` one plain path segment.
std::variant<std::string, HttpError> ProductScope(const std::string& id) {
  auto clean = server::CleanRequestPath(id, "product id", false);
  if (!clean.ok()) return server::BadPath(clean.status().message());
  if (clean->find('/') != std::string::npos) {
    return server::BadPath("product id '" + id + "' must not contain '/'");
  }
  return "products/" + *clean;
}

nlohmann::json Strings(const std::vector<std::string>& v) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& s : v) out.push_back(s);
  return out;
}

// One product's result: {productId, orphanedFiles, missingFiles,
// syncedFiles, modifiedFiles, errors}.
nlohmann::json ProductResult(const std::string& id, const EntityDrift* e) {
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

const EntityDrift* ProductOf(const DriftReport& report, const std::string& id) {
  for (const EntityDrift& e : report.entities) {
    if (e.kind == "product" && e.key == id) return &e;
  }
  return nullptr;
}

// The drift of `scope` ("" = every product) in the products repository.
std::variant<DriftReport, HttpError> Check(ServeState& state,
                                           const std::string& repo,
                                           const std::string& scope) {
  app::CheckRequest check;
  check.repository = repo;
  check.scope = scope;
  check.list_synced = true;
  auto result = app::RunCheck(state.app, check);
  if (!result.ok()) return Fail(result.status());
  return std::move(result->report);
}

ApiResult CheckProduct(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(repo, ProductsRepo(state));
  const std::string id = request.param("id");
  API_ASSIGN(scope, ProductScope(id));
  API_ASSIGN(report, Check(state, repo, scope));
  return JsonReply(ProductResult(id, ProductOf(report, id)));
}

nlohmann::json CheckAllJson(const DriftReport& report) {
  nlohmann::json results = nlohmann::json::array();
  int64_t products = 0;
  for (const EntityDrift& e : report.entities) {
    if (e.kind != "product") continue;
    ++products;
    results.push_back(ProductResult(e.key, &e));
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

ApiResult CheckAll(ServeState& state) {
  API_ASSIGN(repo, ProductsRepo(state));
  API_ASSIGN(report, Check(state, repo, ""));
  return JsonReply(CheckAllJson(report));
}

std::variant<RepairPolicy, HttpError> SeedPolicy(const nlohmann::json& body,
                                                 bool* force) {
  API_ASSIGN(remove, JsonBool(body, "removeOrphaned"));
  API_ASSIGN(recreate, JsonBool(body, "recreateMissing"));
  API_ASSIGN(forced, JsonBool(body, "force"));
  *force = forced;
  if (!remove && !recreate) {
    return server::BadRequest(
        "say what to fix: {\"removeOrphaned\": true} deletes files that "
        "have no record, {\"recreateMissing\": true} creates records for "
        "files that have none and drops records whose file is gone");
  }
  RepairPolicy policy;
  if (remove) {
    policy.orphaned = OrphanPolicy::kRemove;
  } else if (recreate) {
    policy.orphaned = OrphanPolicy::kAdopt;
  }
  if (recreate) policy.missing = MissingPolicy::kDrop;
  return policy;
}

// Repairs `scope` ("" = every product), then checks it again: the seed
// answers a sync with what its check says afterwards (its lists "cleared
// after sync"), in the check's shape; `product` is the product's id, or ""
// for the check-all shape. What the repair did is added beside: success,
// removedOrphaned, recreatedRecords, droppedRecords, skipped and the whole
// `tidemark repair --json` report under "repair".
ApiResult Repair(ServeState& state, const ApiRequest& request,
                 const std::string& scope, const std::string& product) {
  API_ASSIGN(name, ProductsRepo(state));
  API_ASSIGN(writable, FindWritableRepo(state, name));
  const std::string& repo = writable.name;
  API_ASSIGN(body, JsonBody(request));
  bool force = false;
  API_ASSIGN(policy, SeedPolicy(body, &force));
  app::RepairRequest repair;
  repair.repository = repo;
  repair.scope = scope;
  repair.policy = policy;
  repair.force = force;
  auto result = app::RunRepair(state.app, repair);
  if (!result.ok()) return Fail(result.status());
  if (!result->failure.ok()) return Fail(result->failure);
  API_ASSIGN(after, Check(state, repo, scope));
  nlohmann::json out = product.empty()
                           ? CheckAllJson(after)
                           : ProductResult(product, ProductOf(after, product));
  const RepairOutcome none;
  const RepairOutcome& done = result->outcome ? *result->outcome : none;
  out["success"] = done.converged();
  out["removedOrphaned"] = done.objects_removed;
  out["recreatedRecords"] = done.adopted;
  out["droppedRecords"] = done.records_dropped;
  out["skipped"] = static_cast<int64_t>(done.skipped.size());
  out["repair"] = wire::RepairJson(*result);
  return JsonReply(out);
}

}  // namespace

void AddProductsRoutes(server::HttpServer& http, ServeState& state) {
  http.Route("GET", "/admin/products/{id}/images/sync/check", Role::kReader,
             [&state](const ApiRequest& r) { return CheckProduct(state, r); });
  http.Route("GET", "/admin/products/sync/check-all", Role::kReader,
             [&state](const ApiRequest&) { return CheckAll(state); });
  http.Route("POST", "/admin/products/{id}/images/sync", Role::kAdmin,
             [&state](const ApiRequest& r) -> ApiResult {
               const std::string id = r.param("id");
               API_ASSIGN(scope, ProductScope(id));
               return Repair(state, r, scope, id);
             });
  http.Route("POST", "/admin/products/sync/sync-all", Role::kAdmin,
             [&state](const ApiRequest& r) -> ApiResult {
               return Repair(state, r, "", "");
             });
}

}  // namespace tidemark::api
