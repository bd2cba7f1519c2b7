// Consistent writes over HTTP: upload, delete (one object or a folder) and
// move of a folder, through the same ConsistentWriter as `put`, `rm` and
// `mv` (writes/consistent_writer.h), under the repository's lease.
#include "api/serve_state.h"
#include "app/write_session.h"
#include "server/query_params.h"
#include "server/request_path.h"
#include "wire/catalog_json.h"
#include "wire/drift_json.h"
#include "writes/consistent_writer.h"

namespace tidemark::api {
namespace {

using server::ApiRequest;
using server::ApiResult;
using server::HttpError;
using server::JsonReply;
using server::QueryBool;
using server::Role;

std::variant<std::unique_ptr<app::WriteSession>, HttpError> Open(
    ServeState& state, const std::string& name, bool dry_run) {
  API_ASSIGN(repo, FindWritableRepo(state, name));
  auto session = app::OpenWriteSession(state.app, repo, dry_run);
  if (!session.ok()) return Fail(session.status());
  return std::move(session).value();
}

std::variant<std::string, HttpError> ObjectPath(const std::string& given,
                                                const char* what) {
  auto path = server::CleanRequestPath(given, what, false);
  if (!path.ok()) return server::BadPath(path.status().message());
  return std::move(path).value();
}

nlohmann::json Paths(const std::vector<std::string>& paths) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& p : paths) out.push_back(p);
  return out;
}

ApiResult Upload(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(path, ObjectPath(request.param("path"), "object path"));
  API_ASSIGN(dry_run, QueryBool(request, "dry_run"));
  API_ASSIGN(session, Open(state, request.param("name"), dry_run));
  auto result = session->writer->Upload(path, request.body());
  if (!result.ok()) return Fail(result.status());
  return JsonReply({{"repository", session->repo.name},
                    {"dry_run", dry_run},
                    {"replaced", result->replaced},
                    {"record", wire::RecordJson(result->record)},
                    {"leftovers", wire::LeftoverOutcomeJson(result->leftovers)},
                    {"operation", wire::OperationJson(result->operation)},
                    {"warnings", Paths(result->warnings)}},
                   dry_run ? 200 : (result->replaced ? 200 : 201));
}

ApiResult Delete(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(path, ObjectPath(request.param("path"), "object path"));
  API_ASSIGN(dry_run, QueryBool(request, "dry_run"));
  API_ASSIGN(recursive, QueryBool(request, "recursive"));
  API_ASSIGN(repo, FindWritableRepo(state, request.param("name")));
  auto record = state.store.FindRecord(repo.id, path);
  if (!record.ok()) return Fail(record.status());
  const bool folder = !record->has_value();
  if (folder) {
    RecordRange range;
    range.repository_id = repo.id;
    range.scope = path;
    auto below = state.store.ReadRecords(range, 1);
    if (!below.ok()) return Fail(below.status());
    if (below->empty()) {
      return server::NotFoundError("no record at or below '" + path +
                                   "' in repository '" + repo.name + "'");
    }
    if (!recursive) {
      return server::BadRequest("'" + path + "' in repository '" + repo.name +
                                "' is a folder; add ?recursive=true to "
                                "remove it with every file below it");
    }
  }
  API_ASSIGN(session, Open(state, repo.name, dry_run));
  auto result = folder ? session->writer->DeletePrefix(path)
                       : session->writer->Delete(path);
  if (!result.ok()) return Fail(result.status());
  return JsonReply({{"repository", repo.name},
                    {"path", path},
                    {"dry_run", dry_run},
                    {"recursive", folder},
                    {"records_removed", result->records_removed},
                    {"objects_removed", result->objects_removed},
                    {"kept", Paths(result->kept)},
                    {"left_alone", Paths(result->left_alone)},
                    {"leftovers", wire::LeftoverOutcomeJson(result->leftovers)},
                    {"operation", wire::OperationJson(result->operation)}});
}

ApiResult Move(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(body, JsonBody(request));
  API_ASSIGN(given_from, JsonString(body, "from"));
  API_ASSIGN(given_to, JsonString(body, "to"));
  if (given_from.empty() || given_to.empty()) {
    return server::BadRequest(
        "a move needs 'from' and 'to', the folder and its new path, e.g. "
        "{\"from\": \"products/p1/500ml\", \"to\": \"products/p1/1kg\"}");
  }
  API_ASSIGN(from, ObjectPath(given_from, "'from'"));
  API_ASSIGN(to, ObjectPath(given_to, "'to'"));
  if (auto checked = ConsistentWriter::CheckMovePaths(from, to);
      !checked.ok()) {
    return Fail(checked.status());
  }
  API_ASSIGN(dry_run, JsonBool(body, "dry_run"));
  API_ASSIGN(session, Open(state, request.param("name"), dry_run));
  auto result = session->writer->MovePrefix(from, to);
  if (!result.ok()) return Fail(result.status());
  return JsonReply({{"repository", session->repo.name},
                    {"from", from},
                    {"to", to},
                    {"dry_run", dry_run},
                    {"moved", result->moved},
                    {"resumed", result->resumed},
                    {"duplicates_dropped", result->duplicates_dropped},
                    {"missing", Paths(result->missing)},
                    {"left_alone", Paths(result->left_alone)},
                    {"leftovers", wire::LeftoverOutcomeJson(result->leftovers)},
                    {"operation", wire::OperationJson(result->operation)}});
}

}  // namespace

void AddWriteRoutes(server::HttpServer& http, ServeState& state) {
  const std::string base = "/api/v1/repositories/{name}";
  // An upload without Content-Length is 411, never an empty object.
  http.Route(
      "PUT", base + "/objects/{path*}", Role::kOperator,
      [&state](const ApiRequest& r) { return Upload(state, r); },
      server::Body::kRequired);
  http.Route("DELETE", base + "/objects/{path*}", Role::kOperator,
             [&state](const ApiRequest& r) { return Delete(state, r); });
  http.Route("POST", base + "/move", Role::kOperator,
             [&state](const ApiRequest& r) { return Move(state, r); });
}

}  // namespace tidemark::api
