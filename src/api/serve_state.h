// ServeState: what every route of `tidemark serve` shares: the application
// context (config, wiring, the open store and gateway), the daemon, the
// event hub, the metrics, the job runner and the [serve] settings, plus the
// helpers that turn catalog rows into API JSON.
//
// Built once by ApiServer::Make before the server starts, then read by
// every handler thread; the app::Context is thread-safe.
#ifndef TIDEMARK_API_SERVE_STATE_H_
#define TIDEMARK_API_SERVE_STATE_H_

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/context.h"
#include "catalog/catalog_store.h"
#include "daemon/sync_manager.h"
#include "server/event_hub.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "sync/gateway.h"

namespace tidemark::api {

class JobRunner;

struct ServeState {
  const app::Context& app;
  CatalogStore& store;
  Gateway& gateway;
  SyncManager& daemon;
  server::EventHub& events;
  server::Metrics& metrics;
  JobRunner& jobs;
  const app::ServeConfig& settings;
  // Families /metrics adds to the server's own (operations, webhooks).
  std::function<std::vector<server::Family>()> extra_metrics;
  // What routes keep between requests (the cars sync throttle); destroyed
  // with the state, after the HTTP server has stopped.
  std::vector<std::shared_ptr<void>> keep_alive;

  std::string Now() const;  // RFC 3339, from the clock
};

// The repository called `name`, or the 404 naming the known ones.
std::variant<Repository, server::HttpError> FindRepo(ServeState& state,
                                                     const std::string& name);
// The same, for a write (upload, delete, move, repair, slot change): 409
// when the repository is detached (removed, its records kept), since
// nothing follows it any more.
std::variant<Repository, server::HttpError> FindWritableRepo(
    ServeState& state, const std::string& name);
server::HttpError DetachedRefusal(const Repository& repo);

// The HttpError of a failed Status.
server::HttpError Fail(const Status& status);

// docs/API.md's RepositorySummary.
nlohmann::json RepositorySummary(ServeState& state, const Repository& repo,
                                 const std::optional<RepositoryStatus>& watch);

// Why `repo` is degraded ("" when it is not): offline, watch degraded or
// polling because events failed, removals paused.
std::string DegradedReason(const Repository& repo,
                           const std::optional<RepositoryStatus>& watch);

// The JSON body of a request ({} when empty), or a 400 naming the problem.
std::variant<nlohmann::json, server::HttpError> JsonBody(
    const server::ApiRequest& request);

// `auto name = ...` from a std::variant<T, HttpError>, returning the error
// from the handler.
#define API_ASSIGN(name, ...)                                          \
  auto name##_or = (__VA_ARGS__);                                      \
  if (auto* name##_error = std::get_if<server::HttpError>(&name##_or)) \
    return *name##_error;                                              \
  auto name = std::move(std::get<0>(name##_or))

// The repository a seed's routes serve: `configured` ([serve]
// cars_repository, products_repository) or the only one whose layout is
// `layout`; 404 when there is none, 409 when there are several.
std::variant<std::string, server::HttpError> LayoutRepository(
    ServeState& state, const std::string& layout,
    const std::string& configured);

// A string field of a JSON body: "" when absent or null; a boolean field:
// false when absent. Any other type (a boolean given as null, 1 or "true"
// too) is a 400 naming the field.
std::variant<std::string, server::HttpError> JsonString(
    const nlohmann::json& body, const char* key);
std::variant<bool, server::HttpError> JsonBool(const nlohmann::json& body,
                                               const char* key);

// The daemon's view of repository `name`, if it is in its scope.
std::optional<RepositoryStatus> WatchOf(ServeState& state,
                                        const std::string& name);

// The OpenAPI document (openapi.json, embedded at build time).
extern const char* const kOpenApiDocument;

// The routes, one function per file.
void AddRepositoryRoutes(server::HttpServer& http, ServeState& state);
void AddJobRoutes(server::HttpServer& http, ServeState& state);
void AddWriteRoutes(server::HttpServer& http, ServeState& state);
void AddCarsRoutes(server::HttpServer& http, ServeState& state);
void AddProductsRoutes(server::HttpServer& http, ServeState& state);
void AddOperationsRoutes(server::HttpServer& http, ServeState& state);

}  // namespace tidemark::api

#endif  // TIDEMARK_API_SERVE_STATE_H_
