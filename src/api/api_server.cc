#include "api/api_server.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <map>
#include <optional>

#include "api/declared_inputs.h"
#include "api/event_bridge.h"
#include "api/job_runner.h"
#include "api/serve_state.h"
#include "common/strict_parse.h"
#include "common/time_format.h"
#include "server/event_hub.h"
#include "server/http_server.h"
#include "server/listen_address.h"
#include "server/metrics.h"
#include "server/webhooks.h"

namespace tidemark::api {
namespace {

constexpr int64_t kBrowserConnectionsPerHost = 6;

// The dashboard: --web-root, [serve] web_root, or the folder installed
// beside the binary (web/ next to it, or ../share/tidemark/web).
std::string FindWebRoot(const std::string& given) {
  if (!given.empty()) return given;
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(std::string(buf, n)).parent_path();
  for (const fs::path& p :
       {dir / "web", dir / ".." / "share" / "tidemark" / "web"}) {
    std::error_code ec;
    if (fs::is_regular_file(p / "index.html", ec)) return p.string();
  }
  return "";
}

Result<server::TokenTable> Tokens(const app::ServeConfig& config) {
  std::map<std::string, server::Role> tokens;
  for (const auto& [token, role] : config.tokens) {
    ASSIGN_OR_RETURN(tokens[token], server::ParseRole(role));
  }
  return server::TokenTable::Make(tokens);
}

}  // namespace

// What the server is made of, in the order it is built; destroyed in the
// reverse order, so the routes' state goes after the HTTP server stopped.
struct ApiServer::Parts {
  Parts(const app::Context& ctx, Listening listening, std::string web_root)
      : ctx(ctx),
        listening(std::move(listening)),
        web_root(std::move(web_root)),
        bridge(ctx.gateway(), ctx.store(), hub),
        jobs(ctx.clock(), 200, [this](const Job& job) {
          hub.Publish("ResourceChanged",
                      {{"resource", "job"},
                       {"action", "updated"},
                       {"repository", job.repository},
                       {"id", job.id},
                       {"data", JobJson(job)}},
                      FormatIsoTime(this->ctx.clock().NowNanos()));
        }) {}

  const app::Context& ctx;
  const Listening listening;
  const std::string web_root;  // "" = the dashboard is not installed
  server::EventHub hub;
  server::Metrics metrics;
  EventBridge bridge;
  std::unique_ptr<app::DaemonSetup> daemon;
  JobRunner jobs;
  std::unique_ptr<server::WebhookSender> webhooks;
  std::unique_ptr<ServeState> state;
  std::unique_ptr<server::HttpServer> http;
};

Result<std::pair<std::string, int>> ParseListen(const std::string& listen) {
  auto bad = [&] {
    return Status::InvalidArgument(
        "--listen '" + listen +
        "' must be HOST:PORT, like 127.0.0.1:8080 or [::1]:8080 (port 0 "
        "picks a free one)");
  };
  std::string host;
  std::string port;
  if (!listen.empty() && listen.front() == '[') {
    const size_t close = listen.find("]:");
    if (close == std::string::npos) return bad();
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos) return bad();
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.front() == '-') return bad();
  auto n = ParseInt64(port, "the --listen port", 0, 65535);
  if (!n.ok()) {
    return Status::InvalidArgument(n.status().message() + " (in --listen '" +
                                   listen + "')");
  }
  return std::pair<std::string, int>(host, static_cast<int>(*n));
}

Result<Listening> ResolveListening(const app::ServeConfig& config,
                                   const ServeOptions& options) {
  Listening out;
  ASSIGN_OR_RETURN(
      auto listen,
      ParseListen(options.listen.empty() ? config.listen : options.listen));
  out.host = listen.first;
  out.port = listen.second;
  ASSIGN_OR_RETURN(out.tokens, Tokens(config));
  // Judged by where the name leads, and bound to exactly those addresses.
  ASSIGN_OR_RETURN(out.addresses, server::ResolveListenHost(out.host));
  if (out.tokens.open() && !server::AllLoopback(out.addresses)) {
    std::string where;
    for (const std::string& a : out.addresses) {
      where += (where.empty() ? "" : ", ") + a;
    }
    return Status::InvalidArgument(
        "refusing to listen on " + out.host + " (" + where +
        ") without tokens: anyone who can reach it could change and "
        "delete files. Add [serve.tokens] to the config, or listen on "
        "127.0.0.1");
  }
  for (const app::WebhookConfig& w : config.webhooks) {
    RETURN_IF_ERROR(server::ValidateWebhookUrl(w.url));
  }
  return out;
}

ApiServer::ApiServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

ApiServer::~ApiServer() { Stop(); }

Result<std::unique_ptr<ApiServer>> ApiServer::Make(
    const app::Context& ctx, Listening listening, ServeOptions options,
    const app::DaemonFlags& daemon_flags, DaemonOptions daemon_options,
    DaemonLogFn log) {
  const app::ServeConfig& config = ctx.config().serve;
  auto parts = std::make_unique<Parts>(
      ctx, std::move(listening),
      FindWebRoot(options.web_root.empty() ? config.web_root
                                           : options.web_root));
  Parts& p = *parts;
  ASSIGN_OR_RETURN(p.daemon, app::DaemonSetup::Make(ctx, daemon_flags,
                                                    std::move(daemon_options),
                                                    std::move(log)));
  std::vector<server::WebhookTarget> targets;
  for (const app::WebhookConfig& w : config.webhooks) {
    targets.push_back({w.url, w.secret});
  }
  server::WebhookOptions webhook_options;
  webhook_options.max_attempts = static_cast<int>(config.webhook_max_attempts);
  p.webhooks =
      std::make_unique<server::WebhookSender>(p.hub, targets, webhook_options);

  p.state = std::make_unique<ServeState>(ServeState{ctx,
                                                    ctx.store(),
                                                    ctx.gateway(),
                                                    p.daemon->manager(),
                                                    p.hub,
                                                    p.metrics,
                                                    p.jobs,
                                                    config,
                                                    nullptr,
                                                    {}});
  p.state->extra_metrics = [&p] {
    server::Family deliveries{"tidemark_webhook_deliveries_total",
                              "Webhook deliveries, by result",
                              "counter",
                              {}};
    deliveries.samples = {
        {{{"result", "delivered"}},
         static_cast<double>(p.webhooks->delivered())},
        {{{"result", "retried"}}, static_cast<double>(p.webhooks->retried())},
        {{{"result", "failed"}}, static_cast<double>(p.webhooks->failed())}};
    return std::vector<server::Family>{p.bridge.OperationsFamily(), deliveries};
  };

  server::HttpServerOptions http;
  http.max_body_bytes = static_cast<size_t>(config.max_body_bytes);
  http.threads = static_cast<size_t>(config.threads);
  http.tokens = p.listening.tokens;
  http.header_timeout = std::chrono::milliseconds(config.header_timeout_ms);
  // By default one client may hold at most half the pool, and at least the
  // 6 connections a browser opens to one host.
  http.connections_per_address =
      static_cast<size_t>(config.connections_per_address.value_or(
          std::max<int64_t>(config.threads / 2, kBrowserConnectionsPerHost)));
  // The document declares what each route takes; anything else is refused.
  ASSIGN_OR_RETURN(auto declared, DeclaredInputsOf(kOpenApiDocument));
  http.declared_inputs =
      [table = std::move(declared)](
          const std::string& method,
          const std::string& path) -> std::optional<server::DeclaredInputs> {
    auto it = table.find({method, path});
    if (it == table.end()) return std::nullopt;
    return it->second;
  };
  p.http = std::make_unique<server::HttpServer>(std::move(http), p.metrics);
  server::HttpServer& server = *p.http;
  ServeState& state = *p.state;
  AddOperationsRoutes(server, state);
  AddRepositoryRoutes(server, state);
  AddJobRoutes(server, state);
  AddWriteRoutes(server, state);
  AddCarsRoutes(server, state);
  AddProductsRoutes(server, state);
  if (p.web_root.empty()) {
    server.Route(
        "GET", "/", server::Role::kPublic, [](const server::ApiRequest&) {
          server::ApiReply reply;
          reply.content_type = "text/html; charset=utf-8";
          reply.body =
              "<!doctype html><title>tidemark</title><p>The dashboard is not "
              "installed beside this binary. Build it with "
              "<code>scripts/build-web.sh</code> or pass "
              "<code>--web-root</code>. "
              "The API is at <a href=\"/api/v1/openapi.json\">/api/v1</a>.";
          return server::ApiResult(reply);
        });
  } else {
    RETURN_IF_ERROR(server.ServeStatic(p.web_root));
  }
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(parts)));
}

nlohmann::json ApiServer::RoutesJson() const {
  nlohmann::json routes = nlohmann::json::array();
  for (const server::RouteInfo& r : parts_->http->routes()) {
    routes.push_back({{"method", r.method},
                      {"path", r.path},
                      {"role", std::string(server::RoleName(r.role))}});
  }
  return nlohmann::json{{"routes", std::move(routes)}};
}

Status ApiServer::Bind() {
  return parts_->http->Bind(parts_->listening.addresses.front(),
                            parts_->listening.port);
}

Status ApiServer::Start() {
  RETURN_IF_ERROR(parts_->daemon->manager().Start());
  started_ = true;
  parts_->webhooks->Start();
  serving_ = std::thread([this] { parts_->http->Run(); });
  return Status::Ok();
}

std::string ApiServer::Describe() const {
  const Parts& p = *parts_;
  const std::string& host = p.listening.host;
  const std::string shown =
      host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const auto& tokens = p.ctx.config().serve.tokens;
  return "listening on http://" + shown + ":" + std::to_string(p.http->port()) +
         "/ (dashboard" + (p.web_root.empty() ? " not installed" : "") +
         "), API at /api/v1, " +
         (tokens.empty() ? "no tokens (loopback only)"
                         : std::to_string(tokens.size()) + " tokens") +
         "; catalog " + p.ctx.db_display() + "; " + p.daemon->Describe();
}

void ApiServer::Stop() {
  if (stopped_ || !started_) return;
  stopped_ = true;
  Parts& p = *parts_;
  p.hub.Close();
  p.http->Stop();
  if (serving_.joinable()) serving_.join();
  p.jobs.Stop();
  p.webhooks->Stop();
  p.daemon->manager().Stop();
}

}  // namespace tidemark::api
