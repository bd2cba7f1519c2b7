// What operators and monitors use: /healthz, /readyz, /metrics, the
// OpenAPI document and the event stream (docs/API.md).
#include <httplib.h>

#include <atomic>
#include <memory>

#include "api/serve_state.h"
#include "common/strict_parse.h"
#include "server/query_params.h"

namespace tidemark::api {
namespace {

using server::ApiReply;
using server::ApiRequest;
using server::ApiResult;
using server::JsonReply;
using server::Role;

ApiResult Ready(ServeState& state) {
  auto repos = state.store.ListRepositories();
  if (!repos.ok()) {
    nlohmann::json body = {
        {"error", "the catalog does not answer: " + repos.status().message()},
        {"code", "unavailable"},
        {"repositories", nlohmann::json::array()}};
    return JsonReply(body, 503);
  }
  auto watched = state.daemon.Statuses();
  nlohmann::json degraded = nlohmann::json::array();
  for (const Repository& repo : *repos) {
    if (repo.detached) continue;
    std::optional<RepositoryStatus> watch;
    if (watched.ok()) {
      for (const RepositoryStatus& s : *watched) {
        if (s.repository.id == repo.id) watch = s;
      }
    }
    const std::string reason = DegradedReason(repo, watch);
    if (!reason.empty()) {
      degraded.push_back({{"name", repo.name}, {"reason", reason}});
    }
  }
  if (!degraded.empty()) {
    std::string names;
    for (const auto& d : degraded) {
      names += (names.empty() ? "" : "; ") + d["name"].get<std::string>() +
               ": " + d["reason"].get<std::string>();
    }
    return JsonReply({{"error", "degraded repositories: " + names},
                      {"code", "unavailable"},
                      {"repositories", degraded}},
                     503);
  }
  return JsonReply({{"status", "ready"},
                    {"repositories", static_cast<int64_t>(repos->size())}});
}

ApiResult Metrics(ServeState& state) {
  std::vector<server::Family> families;
  server::Family files{"tidemark_repository_files",
                       "Records in the catalog, by repository",
                       "gauge",
                       {}};
  server::Family bytes{"tidemark_repository_bytes",
                       "Bytes of the records in the catalog, by repository",
                       "gauge",
                       {}};
  server::Family missing{"tidemark_repository_missing_files",
                         "Records whose file is missing, by repository",
                         "gauge",
                         {}};
  server::Family up{"tidemark_repository_online",
                    "1 when the repository's root was reachable at its "
                    "last look",
                    "gauge",
                    {}};
  if (auto repos = state.store.ListRepositories(); repos.ok()) {
    for (const Repository& repo : *repos) {
      auto totals = state.store.Totals(repo.id);
      if (!totals.ok()) continue;
      const std::vector<std::pair<std::string, std::string>> labels = {
          {"repository", repo.name}};
      files.samples.push_back({labels, static_cast<double>(totals->files)});
      bytes.samples.push_back({labels, static_cast<double>(totals->bytes)});
      missing.samples.push_back({labels, static_cast<double>(totals->missing)});
      up.samples.push_back(
          {labels, repo.state == RepositoryState::kOffline ? 0.0 : 1.0});
    }
  }
  families = {files, bytes, missing, up};
  server::Family events{"tidemark_events_total",
                        "Resource events published, by type",
                        "counter",
                        {}};
  for (const auto& [type, n] : state.events.Counts()) {
    events.samples.push_back({{{"type", type}}, static_cast<double>(n)});
  }
  families.push_back(events);
  if (state.extra_metrics) {
    for (server::Family& f : state.extra_metrics()) {
      families.push_back(std::move(f));
    }
  }
  ApiReply reply;
  reply.body = state.metrics.Render(families);
  reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return reply;
}

// Where a stream starts: after Last-Event-ID (or ?last_event_id), else
// after the newest event; 400 when the id is not a number.
std::variant<int64_t, server::HttpError> StartAfter(ServeState& state,
                                                    const ApiRequest& request) {
  std::string given = request.header("Last-Event-ID");
  std::string what = "Last-Event-ID";
  if (given.empty()) {
    API_ASSIGN(query, server::QueryText(request, "last_event_id"));
    given = query;
    what = "query parameter last_event_id";
  }
  if (given.empty()) return state.events.last_id();
  auto id = ParseInt64(given, what, 0, INT64_MAX);
  if (!id.ok()) return server::BadRequest(id.status().message());
  return *id;
}

// How many event streams are open. Each one holds a server thread for as
// long as its client stays, so they may take at most half the pool
// ([serve] threads): the other half keeps answering requests.
struct OpenStreams {
  std::atomic<int64_t> open{0};
  int64_t max = 1;
};

void Events(ServeState& state, const ApiRequest& request,
            httplib::Response& res,
            const std::shared_ptr<OpenStreams>& streams) {
  auto start = StartAfter(state, request);
  if (auto* bad = std::get_if<server::HttpError>(&start)) {
    state.metrics.RecordError(bad->code);
    server::HttpServer::WriteError(*bad, res);
    return;
  }
  if (streams->open.fetch_add(1) >= streams->max) {
    streams->open.fetch_sub(1);
    const server::HttpError busy{
        503, "unavailable",
        std::to_string(streams->max) +
            " event streams are open, the most this server keeps (half of "
            "[serve] threads); close one, or raise [serve] threads"};
    state.metrics.RecordError(busy.code);
    server::HttpServer::WriteError(busy, res);
    res.set_header("Retry-After", "5");
    return;
  }
  auto cursor = std::make_shared<int64_t>(std::get<int64_t>(start));
  auto first = std::make_shared<bool>(true);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  server::EventHub& hub = state.events;
  res.set_chunked_content_provider(
      "text/event-stream",
      [&hub, cursor, first](size_t, httplib::DataSink& sink) {
        if (*first) {
          *first = false;
          const std::string hello = "retry: 2000\n: tidemark events\n\n";
          return sink.write(hello.data(), hello.size());
        }
        server::EventHub::Batch batch =
            hub.Read(*cursor, 200, std::chrono::seconds(10));
        if (batch.closed) {
          sink.done();
          return false;
        }
        std::string out;
        if (batch.reset) {
          out += "id: " + std::to_string(batch.next_after) +
                 "\nevent: reset\ndata: " +
                 nlohmann::json{
                     {"reason", "events after " + std::to_string(*cursor) +
                                    " are no longer kept; reload"},
                     {"last_id", batch.next_after}}
                     .dump() +
                 "\n\n";
        }
        for (const server::ServerEvent& e : batch.events) {
          out += server::SseMessage(e);
        }
        if (out.empty()) out = ": keep-alive\n\n";
        *cursor = batch.next_after;
        return sink.write(out.data(), out.size());
      },
      // Runs when the response is destroyed, however the stream ended.
      [streams](bool) { streams->open.fetch_sub(1); });
}

}  // namespace

void AddOperationsRoutes(server::HttpServer& http, ServeState& state) {
  http.Route("GET", "/healthz", Role::kPublic, [](const ApiRequest&) {
    return JsonReply({{"status", "ok"}});
  });
  http.Route("GET", "/readyz", Role::kPublic,
             [&state](const ApiRequest&) { return Ready(state); });
  http.Route("GET", "/metrics", Role::kPublic,
             [&state](const ApiRequest&) { return Metrics(state); });
  http.Route("GET", "/api/v1/openapi.json", Role::kPublic,
             [](const ApiRequest&) -> ApiResult {
               ApiReply reply;
               reply.body = kOpenApiDocument;
               return reply;
             });
  auto streams = std::make_shared<OpenStreams>();
  streams->max = std::max<int64_t>(1, state.settings.threads / 2);
  http.RawRoute("GET", "/api/v1/events", Role::kReader,
                [&state, streams](const ApiRequest& r, httplib::Response& res) {
                  Events(state, r, res, streams);
                });
}

}  // namespace tidemark::api
