// Checks and repairs over HTTP: each runs as a job (job_runner.h) through
// the same flows as `tidemark check` and `tidemark repair`
// (app/check_service.h, app/repair_service.h).
#include "api/job_runner.h"
#include "api/serve_state.h"
#include "app/check_service.h"
#include "app/repair_service.h"
#include "common/strict_parse.h"
#include "server/query_params.h"
#include "wire/check_json.h"
#include "wire/drift_json.h"

namespace tidemark::api {
namespace {

using server::ApiRequest;
using server::ApiResult;
using server::HttpError;
using server::JsonReply;
using server::Role;

// The dashboard's drift card: the totals of a check, and when.
nlohmann::json DriftCard(const DriftTotals& totals, const std::string& at) {
  nlohmann::json j = wire::DriftTotalsJson(totals);
  j["checked_at"] = at;
  return j;
}

ApiResult StartCheck(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(repo, FindRepo(state, request.param("name")));
  API_ASSIGN(body, JsonBody(request));
  API_ASSIGN(scope, JsonString(body, "scope"));
  API_ASSIGN(entity, JsonString(body, "entity"));
  API_ASSIGN(list_synced, JsonBool(body, "list_synced"));
  app::CheckRequest check;
  check.repository = repo.name;
  check.scope = scope;
  check.entity = entity;
  check.list_synced = list_synced;
  auto job = state.jobs.Start(
      "check", repo.name, body,
      [&state,
       check](const std::atomic<bool>& cancel) -> Result<nlohmann::json> {
        app::CheckRequest r = check;
        r.cancel = &cancel;
        ASSIGN_OR_RETURN(app::CheckResult result, app::RunCheck(state.app, r));
        if (r.scope.empty() && r.entity.empty()) {
          state.jobs.SetDrift(r.repository,
                              DriftCard(result.report.totals, state.Now()));
        }
        return wire::CheckJson(result, r.list_synced);
      });
  if (!job.ok()) return Fail(job.status());
  return JsonReply(JobJson(*job), 202);
}

std::variant<RepairPolicy, HttpError> PolicyOf(const nlohmann::json& body) {
  API_ASSIGN(orphaned, JsonString(body, "orphaned"));
  API_ASSIGN(missing, JsonString(body, "missing"));
  API_ASSIGN(update_modified, JsonBool(body, "update_modified"));
  API_ASSIGN(remove_leftovers, JsonBool(body, "remove_leftovers"));
  API_ASSIGN(any_writer, JsonBool(body, "any_writer"));
  RepairPolicy policy;
  if (orphaned == "adopt") {
    policy.orphaned = OrphanPolicy::kAdopt;
  } else if (orphaned == "remove") {
    policy.orphaned = OrphanPolicy::kRemove;
  } else if (!orphaned.empty() && orphaned != "leave") {
    return server::BadRequest("'orphaned' must be leave, adopt or remove");
  }
  if (missing == "drop") {
    policy.missing = MissingPolicy::kDrop;
  } else if (!missing.empty() && missing != "keep") {
    return server::BadRequest("'missing' must be keep or drop");
  }
  policy.update_modified = update_modified;
  policy.remove_leftovers = remove_leftovers;
  policy.any_writer = any_writer;
  if (any_writer && !remove_leftovers) {
    return server::BadRequest(
        "'any_writer' widens 'remove_leftovers': set both, or neither");
  }
  if (orphaned.empty() && missing.empty() && !update_modified &&
      !remove_leftovers) {
    return server::BadRequest(
        "a repair needs to be told what to do: 'orphaned' (adopt: catalog "
        "the files found only on storage; remove: delete them from "
        "storage), 'missing' (drop: remove records whose files are gone), "
        "'update_modified': true, and/or 'remove_leftovers': true (settle "
        "what interrupted writes left); add 'dry_run': true to see the "
        "plan first");
  }
  return policy;
}

ApiResult StartRepair(ServeState& state, const ApiRequest& request) {
  API_ASSIGN(repo, FindRepo(state, request.param("name")));
  API_ASSIGN(body, JsonBody(request));
  API_ASSIGN(policy, PolicyOf(body));
  API_ASSIGN(dry_run, JsonBool(body, "dry_run"));
  API_ASSIGN(force, JsonBool(body, "force"));
  API_ASSIGN(scope, JsonString(body, "scope"));
  API_ASSIGN(entity, JsonString(body, "entity"));
  // A dry run changes nothing, so an operator may preview; carrying a
  // repair out can delete files and records: admin only.
  if (!dry_run && !server::Allowed(request.role, Role::kAdmin)) {
    return server::RoleRefusal(request.role, Role::kAdmin);
  }
  if (!dry_run && repo.detached) return DetachedRefusal(repo);
  app::RepairRequest repair;
  repair.repository = repo.name;
  repair.scope = scope;
  repair.entity = entity;
  repair.policy = policy;
  repair.dry_run = dry_run;
  repair.force = force;
  auto job = state.jobs.Start(
      "repair", repo.name, body,
      [&state,
       repair](const std::atomic<bool>& cancel) -> Result<nlohmann::json> {
        app::RepairRequest r = repair;
        r.cancel = &cancel;
        ASSIGN_OR_RETURN(app::RepairResult result,
                         app::RunRepair(state.app, r));
        if (!result.failure.ok()) return result.failure;
        if (!r.dry_run && result.after && r.scope.empty() && r.entity.empty()) {
          state.jobs.SetDrift(r.repository,
                              DriftCard(*result.after, state.Now()));
        }
        return wire::RepairJson(result);
      });
  if (!job.ok()) return Fail(job.status());
  return JsonReply(JobJson(*job), 202);
}

}  // namespace

void AddJobRoutes(server::HttpServer& http, ServeState& state) {
  const std::string base = "/api/v1/repositories/{name}";
  http.Route("POST", base + "/checks", Role::kOperator,
             [&state](const ApiRequest& r) { return StartCheck(state, r); });
  // Needs admin unless dry_run, which the handler decides.
  http.Route("POST", base + "/repairs", Role::kOperator,
             [&state](const ApiRequest& r) { return StartRepair(state, r); });
  http.Route("GET", "/api/v1/jobs", Role::kReader,
             [&state](const ApiRequest& r) -> ApiResult {
               API_ASSIGN(limit, server::QueryInt(r, "limit", 50, 1, 200));
               nlohmann::json out = nlohmann::json::array();
               for (const Job& job : state.jobs.List(limit)) {
                 out.push_back(JobJson(job));
               }
               return JsonReply({{"jobs", std::move(out)}});
             });
  http.Route("GET", "/api/v1/jobs/{id}", Role::kReader,
             [&state](const ApiRequest& r) -> ApiResult {
               const std::string& id = r.param("id");
               auto number = ParseInt64(id, "job id", 1, INT64_MAX);
               if (!number.ok())
                 return server::BadRequest(number.status().message());
               auto job = state.jobs.Get(*number);
               if (!job) {
                 return server::NotFoundError(
                     "no job " + id +
                     " (the server keeps the last 200; GET /api/v1/jobs "
                     "lists them)");
               }
               return JsonReply(JobJson(*job));
             });
}

}  // namespace tidemark::api
