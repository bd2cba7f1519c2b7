#include "api/serve_state.h"

#include "api/job_runner.h"
#include "app/domain.h"
#include "common/time_format.h"
#include "wire/catalog_json.h"

namespace tidemark::api {

using server::HttpError;

std::string ServeState::Now() const {
  return FormatIsoTime(app.clock().NowNanos());
}

HttpError Fail(const Status& status) {
  return server::HttpErrorFromStatus(status);
}

std::variant<Repository, HttpError> FindRepo(ServeState& state,
                                             const std::string& name) {
  auto repo = state.app.FindRepository(name);
  if (!repo.ok()) return Fail(repo.status());
  return std::move(repo).value();
}

HttpError DetachedRefusal(const Repository& repo) {
  return HttpError{409, "conflict",
                   "repository '" + repo.name +
                       "' is detached (removed, its records kept): nothing is "
                       "written to it; attach it again with 'tidemark repo "
                       "add " +
                       repo.name + " URL' first"};
}

std::variant<Repository, HttpError> FindWritableRepo(ServeState& state,
                                                     const std::string& name) {
  API_ASSIGN(repo, FindRepo(state, name));
  if (repo.detached) return DetachedRefusal(repo);
  return repo;
}

std::variant<std::string, HttpError> LayoutRepository(
    ServeState& state, const std::string& layout,
    const std::string& configured) {
  if (!configured.empty()) return configured;
  auto repos = state.store.ListRepositories();
  if (!repos.ok()) return Fail(repos.status());
  std::vector<std::string> found;
  for (const Repository& repo : *repos) {
    // Only the name: this runs on every cars request, and compiling every
    // repository's profile each time (TOML and templates) was the largest
    // cost left in a cached GET /api/cars.
    auto name = app::ResolveLayoutName(state.app.config(), repo);
    if (name.ok() && *name == layout) {
      found.push_back(repo.name);
    }
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    return server::NotFoundError(
        "no repository has the " + layout +
        " layout; add one with 'tidemark repo add NAME PATH --layout " +
        layout + "' (or POST /api/v1/repositories with \"layout\": \"" +
        layout + "\")");
  }
  return HttpError{409, "conflict",
                   "several repositories have the " + layout +
                       " layout; name the one to serve with [serve] " + layout +
                       "_repository"};
}

std::optional<RepositoryStatus> WatchOf(ServeState& state,
                                        const std::string& name) {
  auto all = state.daemon.Statuses();
  if (!all.ok()) return std::nullopt;
  for (RepositoryStatus& s : *all) {
    if (s.repository.name == name) return std::move(s);
  }
  return std::nullopt;
}

std::string DegradedReason(const Repository& repo,
                           const std::optional<RepositoryStatus>& watch) {
  if (repo.state == RepositoryState::kOffline) {
    return "offline: " + repo.state_reason;
  }
  if (watch && watch->mode == WatchMode::kDegraded) {
    return "watch degraded: " + watch->reason;
  }
  if (watch && watch->last_operation &&
      watch->last_operation->status == OperationStatus::kFailed) {
    return "last sync failed: " + watch->last_operation->error_message;
  }
  if (watch && watch->last_operation &&
      watch->last_operation->error_message.find("paused") !=
          std::string::npos) {
    return "removals paused: " + watch->last_operation->error_message;
  }
  return "";
}

nlohmann::json RepositorySummary(ServeState& state, const Repository& repo,
                                 const std::optional<RepositoryStatus>& watch) {
  nlohmann::json j = wire::RepositoryJson(repo);
  auto domain = app::ResolveDomain(state.app.config(), repo);
  j["layout"] = domain.ok() && domain->layout
                    ? nlohmann::json(domain->layout_name)
                    : nlohmann::json(nullptr);
  j["truth"] = domain.ok() ? std::string(app::TruthName(domain->truth))
                           : std::string("storage");
  if (auto totals = state.store.Totals(repo.id); totals.ok()) {
    j["totals"] = wire::TotalsJson(*totals);
  } else {
    j["totals"] = nullptr;
  }
  std::optional<SyncOperation> last;
  if (watch && watch->last_operation) {
    last = watch->last_operation;
  } else if (auto ops = state.store.ListOperations(repo.id, 1);
             ops.ok() && !ops->empty()) {
    last = ops->front();
  }
  j["last_operation"] =
      last ? wire::OperationJson(*last) : nlohmann::json(nullptr);
  if (watch) {
    j["watch"] = {{"mode", std::string(WatchModeName(watch->mode))},
                  {"reason", watch->reason},
                  {"busy", watch->busy},
                  {"pending_paths", watch->pending_paths}};
  } else {
    j["watch"] = nullptr;
  }
  j["drift"] = state.jobs.LastDrift(repo.name);
  const std::string degraded = DegradedReason(repo, watch);
  j["degraded"] = !degraded.empty();
  j["degraded_reason"] = degraded;
  return j;
}

std::variant<nlohmann::json, HttpError> JsonBody(
    const server::ApiRequest& request) {
  if (request.body().empty()) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(request.body(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return server::BadRequest(
        "the request body must be a JSON object (Content-Type: "
        "application/json)");
  }
  return j;
}

std::variant<std::string, HttpError> JsonString(const nlohmann::json& body,
                                                const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return server::BadRequest(std::string("'") + key + "' must be a string");
  }
  return it->get<std::string>();
}

std::variant<bool, HttpError> JsonBool(const nlohmann::json& body,
                                       const char* key) {
  auto it = body.find(key);
  if (it == body.end()) return false;
  if (!it->is_boolean()) {
    return server::BadRequest(std::string("'") + key +
                              "' must be true or false");
  }
  return it->get<bool>();
}

}  // namespace tidemark::api
