// Repositories, their files, operations and entities, and the sync
// trigger (docs/API.md).
#include "api/serve_state.h"
#include "app/domain.h"
#include "app/repository_options.h"
#include "server/query_params.h"
#include "server/request_path.h"
#include "storage/root_location.h"
#include "storage/storage_url.h"
#include "wire/catalog_json.h"
#include "wire/entity_json.h"

namespace tidemark::api {
namespace {

using server::ApiReply;
using server::ApiRequest;
using server::ApiResult;
using server::BadRequest;
using server::HttpError;
using server::JsonReply;
using server::QueryInt;
using server::QueryText;
using server::Role;

// Where `text` (an allowed_roots entry, or a canonical URL) leads, with
// links resolved for a local path that can be resolved.
Result<Location> ResolvedLocation(ServeState& state, const std::string& text) {
  ASSIGN_OR_RETURN(Location location, ParseLocation(text));
  if (location.scheme != "file") return location;
  ASSIGN_OR_RETURN(std::string real, state.app.wiring().resolve_url(
                                         FileUrlFromPath(location.path)));
  return ParseLocation(real);
}

// The URL to register for `canonical` (a file URL with its links
// resolved, so that a link changed later cannot move the repository), when
// it is at or below one of [serve] allowed_roots; 403 otherwise, and
// always when the list is empty.
std::variant<std::string, HttpError> AllowedRoot(ServeState& state,
                                                 const std::string& canonical) {
  const std::vector<std::string>& allowed = state.settings.allowed_roots;
  if (allowed.empty()) {
    return server::Forbidden(
        "this server registers no repositories over the API: [serve] "
        "allowed_roots is empty. List the folders (or URLs) at or below "
        "which repositories may be added, e.g. allowed_roots = "
        "[\"/srv/media\"], and restart it; or run 'tidemark repo add' on "
        "its machine");
  }
  auto resolved = state.app.wiring().resolve_url(canonical);
  if (!resolved.ok()) return Fail(resolved.status());
  auto root = ParseLocation(*resolved);
  if (!root.ok()) return Fail(root.status());
  std::string shown;
  for (const std::string& entry : allowed) {
    // An entry that cannot be resolved (it does not exist yet) is compared
    // as written: nothing below it exists either.
    auto location = ResolvedLocation(state, entry);
    if (!location.ok()) location = ParseLocation(entry);
    if (!location.ok()) continue;
    if (LocationWithin(*root, *location)) return *resolved;
    shown += (shown.empty() ? "" : ", ") + LocationText(*location);
  }
  return server::Forbidden("'" + LocationText(*root) +
                           "' is outside [serve] allowed_roots (" + shown +
                           "); register repositories at or below those, or "
                           "add the folder to the list");
}

ApiResult AddRepository(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(body, JsonBody(request));
  API_ASSIGN(name, JsonString(body, "name"));
  API_ASSIGN(url, JsonString(body, "url"));
  if (name.empty() || url.empty()) {
    return BadRequest(
        "a repository needs 'name' and 'url' (a file:// URL or an absolute "
        "path), e.g. {\"name\": \"photos\", \"url\": \"/srv/photos\"}");
  }
  if (url.front() != '/' && url.find("://") == std::string::npos) {
    return BadRequest("url '" + url +
                      "' is relative; give an absolute path or a URL");
  }
  app::RepositoryOptions options;
  API_ASSIGN(layout, JsonString(body, "layout"));
  API_ASSIGN(truth, JsonString(body, "truth"));
  API_ASSIGN(public_url, JsonString(body, "public_url"));
  if (!layout.empty()) {
    if (auto p = app::FindProfile(state.app.config(), layout); !p.ok()) {
      return Fail(p.status());
    }
    options.layout = layout;
  }
  if (!truth.empty()) {
    if (auto t = app::ParseTruth(truth); !t.ok()) return Fail(t.status());
    options.truth = truth;
  }
  if (!public_url.empty()) options.public_url = public_url;
  API_ASSIGN(allow_offline, JsonBool(body, "allow_offline"));
  auto canonical = state.app.wiring().canonical_url(url);
  if (!canonical.ok()) return Fail(canonical.status());
  API_ASSIGN(root, AllowedRoot(state, *canonical));
  if (auto existing = state.store.FindRepository(name);
      existing.ok() && existing->has_value()) {
    return Fail(Status::AlreadyExists("a repository named '" + name +
                                      "' already exists; pick another name"));
  }
  // As `tidemark repo add`: a root that cannot be used is refused unless
  // the request says it may be offline for now.
  auto backend = state.app.wiring().open_backend(root);
  if (!backend.ok()) return Fail(backend.status());
  if (Status usable = (*backend)->CheckRoot(); !usable.ok() && !allow_offline) {
    return BadRequest("cannot use '" + root +
                      "' as a repository root: " + usable.message() +
                      "; fix the path, or add \"allow_offline\": true to "
                      "register it anyway");
  }
  auto repo = state.daemon.AddRepository(name, root,
                                         app::RepositoryOptionsToJson(options));
  if (!repo.ok()) return Fail(repo.status());
  return JsonReply(RepositorySummary(state, *repo, WatchOf(state, name)), 201);
}

ApiResult ListFiles(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(repo, FindRepo(state, request.param("name")));
  // A page of no items would have no last item for `next`: from 1.
  API_ASSIGN(limit, QueryInt(request, "limit", 1000, 1, 10000));
  API_ASSIGN(given, QueryText(request, "prefix"));
  API_ASSIGN(prefix, [&]() -> std::variant<std::string, HttpError> {
    auto p = server::CleanRequestPath(given, "prefix", true);
    if (!p.ok()) return server::BadPath(p.status().message());
    // A trailing '/' asks for a folder; keep it so "a/" does not match "ab".
    return *p +
           (!p->empty() && !given.empty() && given.back() == '/' ? "/" : "");
  }());
  RecordRange range;
  range.repository_id = repo.id;
  // The records of the folder holding the prefix, read in path order: those
  // that start with the prefix are one run of them.
  const size_t slash = prefix.rfind('/');
  range.scope = slash == std::string::npos ? "" : prefix.substr(0, slash);
  if (request.has_query("after")) {
    API_ASSIGN(given_after, QueryText(request, "after"));
    auto after = server::CleanRequestPath(given_after, "after", false);
    if (!after.ok()) return server::BadPath(after.status().message());
    range.after = *after;
  }
  // The answer is written as it is read, keys in JsonReply's order: a page
  // is up to 10,000 records, and building it as an nlohmann::json first
  // cost most of the CPU of a listing.
  std::string body;
  body.reserve(static_cast<size_t>(std::min<int64_t>(limit, 1000)) * 450);
  wire::JsonWriter out(&body);
  out.BeginObject();
  out.Key("files");
  out.BeginArray();
  int64_t listed = 0;
  std::string last;
  bool more = false;
  // One record past the page tells whether there is a next one, so a page
  // reads limit + 1 records when the prefix is a folder (or none). A name
  // prefix ("2024/05/IMG") first skips its folder's earlier records, in
  // large reads.
  const bool skips = !prefix.empty() && prefix.back() != '/';
  const size_t batch =
      skips ? 2000 : static_cast<size_t>(std::min<int64_t>(limit + 1, 2000));
  while (true) {
    auto page = state.store.ReadRecords(range, batch);
    if (!page.ok()) return Fail(page.status());
    bool past = false;
    for (const FileRecord& r : *page) {
      range.after = r.path;
      if (r.path.compare(0, prefix.size(), prefix) != 0) {
        if (r.path > prefix) past = true;
        if (past) break;
        continue;
      }
      if (listed == limit) {
        more = true;
        past = true;
        break;
      }
      wire::WriteRecordJson(r, out);
      ++listed;
      last = r.path;
    }
    if (past || page->size() < batch) break;
  }
  out.EndArray();
  out.Key("next");
  if (more) {
    out.String(last);
  } else {
    out.Null();
  }
  out.StringMember("prefix", prefix);
  out.StringMember("repository", repo.name);
  out.EndObject();
  return server::JsonTextReply(std::move(body));
}

ApiResult GetFile(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(repo, FindRepo(state, request.param("name")));
  auto path = server::CleanRequestPath(request.param("path"), "path", false);
  if (!path.ok()) return server::BadPath(path.status().message());
  auto record = state.store.FindRecord(repo.id, *path);
  if (!record.ok()) return Fail(record.status());
  if (!record->has_value()) {
    return server::NotFoundError("repository '" + repo.name +
                                 "' has no record of '" + *path + "'");
  }
  return server::JsonTextReply(wire::RecordJsonText(**record));
}

ApiResult Operations(ServeState& state, const ApiRequest& request,
                     bool one_repository) {
  API_ASSIGN(limit, QueryInt(request, "limit", 50, 1, 1000));
  std::vector<Repository> repos;
  if (one_repository) {
    API_ASSIGN(repo, FindRepo(state, request.param("name")));
    repos.push_back(std::move(repo));
  } else {
    auto all = state.store.ListRepositories();
    if (!all.ok()) return Fail(all.status());
    repos = std::move(all).value();
  }
  std::vector<std::pair<SyncOperation, std::string>> ops;
  for (const Repository& repo : repos) {
    auto list = state.store.ListOperations(repo.id, limit);
    if (!list.ok()) return Fail(list.status());
    for (SyncOperation& op : *list) ops.emplace_back(std::move(op), repo.name);
  }
  std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) {
    return a.first.start_ns != b.first.start_ns
               ? a.first.start_ns > b.first.start_ns
               : a.first.id > b.first.id;
  });
  if (static_cast<int64_t>(ops.size()) > limit) ops.resize(limit);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [op, name] : ops) {
    nlohmann::json j = wire::OperationJson(op);
    j["repository"] = name;
    out.push_back(std::move(j));
  }
  return JsonReply({{"operations", std::move(out)}});
}

ApiResult Entities(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(repo, FindRepo(state, request.param("name")));
  API_ASSIGN(limit, QueryInt(request, "limit", 1000, 1, 100000));
  API_ASSIGN(after, QueryInt(request, "after", 0, 0, INT64_MAX));
  API_ASSIGN(given_prefix, QueryText(request, "prefix"));
  API_ASSIGN(kind, QueryText(request, "kind"));
  API_ASSIGN(include_deleted, server::QueryBool(request, "include_deleted"));
  auto prefix = server::CleanRequestPath(given_prefix, "prefix", true);
  if (!prefix.ok()) return server::BadPath(prefix.status().message());
  EntityQuery q;
  q.repository_id = repo.id;
  q.kind = kind;
  q.path_scope = *prefix;
  q.include_deleted = include_deleted;
  q.after_id = after;
  q.limit = static_cast<size_t>(limit) + 1;
  auto list = state.store.ListEntities(q);
  if (!list.ok()) return Fail(list.status());
  nlohmann::json out = nlohmann::json::array();
  const bool more = list->size() > static_cast<size_t>(limit);
  if (more) list->pop_back();
  for (const Entity& e : *list) out.push_back(wire::EntityJson(e));
  return JsonReply({{"entities", std::move(out)},
                    {"next", more ? nlohmann::json(list->back().id)
                                  : nlohmann::json(nullptr)}});
}

}  // namespace

void AddRepositoryRoutes(server::HttpServer& http, ServeState& state) {
  const std::string base = "/api/v1/repositories";
  http.Route("GET", base, Role::kReader,
             [&state](const ApiRequest&) -> ApiResult {
               auto repos = state.store.ListRepositories();
               if (!repos.ok()) return Fail(repos.status());
               auto watched = state.daemon.Statuses();
               nlohmann::json out = nlohmann::json::array();
               for (const Repository& repo : *repos) {
                 std::optional<RepositoryStatus> watch;
                 if (watched.ok()) {
                   for (const RepositoryStatus& s : *watched) {
                     if (s.repository.id == repo.id) watch = s;
                   }
                 }
                 out.push_back(RepositorySummary(state, repo, watch));
               }
               return JsonReply({{"repositories", std::move(out)}});
             });
  http.Route("POST", base, Role::kOperator,
             [&state](const ApiRequest& r) { return AddRepository(state, r); });
  http.Route("GET", base + "/{name}", Role::kReader,
             [&state](const ApiRequest& r) -> ApiResult {
               API_ASSIGN(repo, FindRepo(state, r.param("name")));
               return JsonReply(
                   RepositorySummary(state, repo, WatchOf(state, repo.name)));
             });
  http.Route("DELETE", base + "/{name}", Role::kAdmin,
             [&state](const ApiRequest& r) -> ApiResult {
               API_ASSIGN(repo, FindRepo(state, r.param("name")));
               API_ASSIGN(purge, server::QueryBool(r, "purge"));
               if (Status s = state.daemon.RemoveRepository(repo.name, purge);
                   !s.ok()) {
                 return Fail(s);
               }
               return JsonReply({{"name", repo.name}, {"purged", purge}});
             });
  http.Route(
      "POST", base + "/{name}/sync", Role::kOperator,
      [&state](const ApiRequest& r) -> ApiResult {
        API_ASSIGN(repo, FindRepo(state, r.param("name")));
        auto req = state.daemon.RequestReconciliation(repo.name, "api");
        if (!req.ok()) return Fail(req.status());
        return JsonReply(
            {{"repository", repo.name},
             {"request", {{"id", req->id}, {"requested_at", state.Now()}}}},
            202);
      });
  http.Route("GET", base + "/{name}/files", Role::kReader,
             [&state](const ApiRequest& r) { return ListFiles(state, r); });
  http.Route("GET", base + "/{name}/files/{path*}", Role::kReader,
             [&state](const ApiRequest& r) { return GetFile(state, r); });
  http.Route(
      "GET", base + "/{name}/operations", Role::kReader,
      [&state](const ApiRequest& r) { return Operations(state, r, true); });
  http.Route(
      "GET", "/api/v1/operations", Role::kReader,
      [&state](const ApiRequest& r) { return Operations(state, r, false); });
  http.Route("GET", base + "/{name}/entities", Role::kReader,
             [&state](const ApiRequest& r) { return Entities(state, r); });
}

}  // namespace tidemark::api
