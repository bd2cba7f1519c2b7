// Seed 003 over HTTP, with the seed's response fields:
//   GET  /admin/products/{id}/images/sync/check
//   POST /admin/products/{id}/images/sync     {removeOrphaned, recreateMissing}
//   GET  /admin/products/sync/check-all
//   POST /admin/products/sync/sync-all        {removeOrphaned, recreateMissing}
// on the repository with the products layout, through the products service
// (app/products_service.h, which says how the seed's options map to repair
// policies). A product's folder is products/{id}.
#include "api/serve_state.h"
#include "app/products_service.h"
#include "server/request_path.h"
#include "wire/products_json.h"

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

// The product id of a path: one plain path segment.
std::variant<std::string, HttpError> ProductId(const std::string& id) {
  auto clean = server::CleanRequestPath(id, "product id", false);
  if (!clean.ok()) return server::BadPath(clean.status().message());
  if (clean->find('/') != std::string::npos) {
    return server::BadPath("product id '" + id + "' must not contain '/'");
  }
  return std::move(clean).value();
}

ApiResult CheckProduct(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(repo, ProductsRepo(state));
  const std::string id = request.param("id");
  API_ASSIGN(product, ProductId(id));
  auto report = app::CheckProducts(state.app, {repo, product, nullptr});
  if (!report.ok()) return Fail(report.status());
  return JsonReply(wire::ProductJson(*report, id));
}

ApiResult CheckAll(ServeState& state) {
  API_ASSIGN(repo, ProductsRepo(state));
  auto report = app::CheckProducts(state.app, {repo, "", nullptr});
  if (!report.ok()) return Fail(report.status());
  return JsonReply(wire::ProductsCheckJson(*report));
}

// Repairs `product` ("" = every product; `id` as the client gave it) and
// answers with the check after it, in the check's shape (the seed's lists
// are "cleared after sync"), with what the repair did beside it
// (wire/products_json.h).
ApiResult Repair(ServeState& state, const ApiRequest& request,
                 const std::string& product, const std::string& id) {
  API_ASSIGN(name, ProductsRepo(state));
  API_ASSIGN(writable, FindWritableRepo(state, name));
  API_ASSIGN(body, JsonBody(request));
  API_ASSIGN(remove, JsonBool(body, "removeOrphaned"));
  API_ASSIGN(recreate, JsonBool(body, "recreateMissing"));
  API_ASSIGN(force, JsonBool(body, "force"));
  auto policy = app::SeedRepairPolicy(remove, recreate);
  if (!policy.ok()) return Fail(policy.status());
  auto result = app::SyncProducts(state.app, {writable.name, product, nullptr},
                                  *policy, force);
  if (!result.ok()) return Fail(result.status());
  return JsonReply(wire::ProductsSyncJson(*result, id));
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
               API_ASSIGN(product, ProductId(id));
               return Repair(state, r, product, id);
             });
  http.Route("POST", "/admin/products/sync/sync-all", Role::kAdmin,
             [&state](const ApiRequest& r) -> ApiResult {
               return Repair(state, r, "", "");
             });
}

}  // namespace tidemark::api
