#include "api/serve_command.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "api/declared_inputs.h"
#include "api/event_bridge.h"
#include "api/job_runner.h"
#include "api/serve_state.h"
#include "app/daemon_setup.h"
#include "cli/command_options.h"
#include "cli/stop_signals.h"
#include "common/strict_parse.h"
#include "common/time_format.h"
#include "server/listen_address.h"
#include "server/webhooks.h"

namespace tidemark::api {
namespace {

constexpr int64_t kBrowserConnectionsPerHost = 6;

struct ServeFlags {
  std::string listen;
  std::string web_root;
  bool print_routes = false;
  app::DaemonFlags daemon;
};

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

// --print-routes: the route table as the server declared it, so the
// OpenAPI test (and operators) compare the real routes, not a copy.
void PrintRoutes(const server::HttpServer& http) {
  nlohmann::json routes = nlohmann::json::array();
  for (const server::RouteInfo& r : http.routes()) {
    routes.push_back({{"method", r.method},
                      {"path", r.path},
                      {"role", std::string(server::RoleName(r.role))}});
  }
  std::cout << nlohmann::json{{"routes", std::move(routes)}}.dump(1) << "\n";
}

cli::ExitCode RunServe(cli::CliContext& ctx, const ServeFlags& flags) {
  const app::ServeConfig& config = ctx.config().serve;
  auto listen =
      ParseListen(flags.listen.empty() ? config.listen : flags.listen);
  if (!listen.ok()) return ctx.ReportError(listen.status(), false);
  auto tokens = Tokens(config);
  if (!tokens.ok()) return ctx.ReportError(tokens.status(), false);
  // Judged by where the name leads, and bound to exactly those addresses.
  auto addresses = server::ResolveListenHost(listen->first);
  if (!addresses.ok()) return ctx.ReportError(addresses.status(), false);
  if (tokens->open() && !server::AllLoopback(*addresses)) {
    std::string where;
    for (const std::string& a : *addresses)
      where += (where.empty() ? "" : ", ") + a;
    return ctx.ReportError(
        Status::InvalidArgument(
            "refusing to listen on " + listen->first + " (" + where +
            ") without tokens: anyone who can reach it could change and "
            "delete files. Add [serve.tokens] to the config, or listen on "
            "127.0.0.1"),
        false);
  }
  for (const app::WebhookConfig& w : config.webhooks) {
    if (Status s = server::ValidateWebhookUrl(w.url); !s.ok()) {
      return ctx.ReportError(s, false);
    }
  }
  // Printing the routes only reads: it never creates a catalog.
  if (flags.print_routes) ctx.OnlyReads();
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), false);
  auto gateway = ctx.GetGateway();
  if (!gateway.ok()) return ctx.ReportError(gateway.status(), false);

  std::mutex log_mu;
  auto log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu);
    if (!ctx.options().quiet) std::cout << line << std::endl;
  };
  server::EventHub hub;
  server::Metrics metrics;
  EventBridge bridge(**gateway, **store, hub);
  auto daemon_options = app::ResolveDaemonOptions(ctx.config(), flags.daemon);
  if (!daemon_options.ok()) {
    return ctx.ReportError(daemon_options.status(), false);
  }
  auto daemon = app::DaemonSetup::Make(**ctx.App(), flags.daemon,
                                       std::move(daemon_options).value(), log);
  if (!daemon.ok()) return ctx.ReportError(daemon.status(), false);
  JobRunner jobs(ctx.clock(), 200, [&](const Job& job) {
    hub.Publish("ResourceChanged",
                {{"resource", "job"},
                 {"action", "updated"},
                 {"repository", job.repository},
                 {"id", job.id},
                 {"data", JobJson(job)}},
                FormatIsoTime(ctx.clock().NowNanos()));
  });
  std::vector<server::WebhookTarget> targets;
  for (const app::WebhookConfig& w : config.webhooks) {
    targets.push_back({w.url, w.secret});
  }
  server::WebhookOptions webhook_options;
  webhook_options.max_attempts = static_cast<int>(config.webhook_max_attempts);
  server::WebhookSender webhooks(hub, targets, webhook_options);

  ServeState state{ctx, **ctx.App(), **store, **gateway, (*daemon)->manager(),
                   hub, metrics,     jobs,    config,    nullptr,
                   {}};
  state.extra_metrics = [&] {
    server::Family deliveries{"tidemark_webhook_deliveries_total",
                              "Webhook deliveries, by result",
                              "counter",
                              {}};
    deliveries.samples = {
        {{{"result", "delivered"}}, static_cast<double>(webhooks.delivered())},
        {{{"result", "retried"}}, static_cast<double>(webhooks.retried())},
        {{{"result", "failed"}}, static_cast<double>(webhooks.failed())}};
    return std::vector<server::Family>{bridge.OperationsFamily(), deliveries};
  };

  server::HttpServerOptions options;
  options.max_body_bytes = static_cast<size_t>(config.max_body_bytes);
  options.threads = static_cast<size_t>(config.threads);
  options.tokens = std::move(tokens).value();
  options.header_timeout = std::chrono::milliseconds(config.header_timeout_ms);
  // By default one client may hold at most half the pool, and at least the
  // 6 connections a browser opens to one host.
  options.connections_per_address =
      static_cast<size_t>(config.connections_per_address.value_or(
          std::max<int64_t>(config.threads / 2, kBrowserConnectionsPerHost)));
  // The document declares what each route takes; anything else is refused.
  auto declared = DeclaredInputsOf(kOpenApiDocument);
  if (!declared.ok()) return ctx.ReportError(declared.status(), false);
  options.declared_inputs =
      [table = std::move(declared).value()](
          const std::string& method,
          const std::string& path) -> std::optional<server::DeclaredInputs> {
    auto it = table.find({method, path});
    if (it == table.end()) return std::nullopt;
    return it->second;
  };
  server::HttpServer http(std::move(options), metrics);
  AddOperationsRoutes(http, state);
  AddRepositoryRoutes(http, state);
  AddJobRoutes(http, state);
  AddWriteRoutes(http, state);
  AddCarsRoutes(http, state);
  AddProductsRoutes(http, state);
  const std::string web_root =
      FindWebRoot(flags.web_root.empty() ? config.web_root : flags.web_root);
  if (web_root.empty()) {
    http.Route(
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
  } else if (Status s = http.ServeStatic(web_root); !s.ok()) {
    return ctx.ReportError(s, false);
  }
  if (flags.print_routes) {
    PrintRoutes(http);
    return cli::ExitCode::kOk;
  }
  if (Status s = http.Bind(addresses->front(), listen->second); !s.ok()) {
    return ctx.ReportError(s, false);
  }

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop = false;
  cli::StopSignals signals([&] {
    log("stopping (signal again to exit at once)");
    std::lock_guard<std::mutex> lock(stop_mu);
    stop = true;
    stop_cv.notify_all();
  });
  if (Status s = (*daemon)->manager().Start(); !s.ok()) {
    return ctx.ReportError(s, false);
  }
  webhooks.Start();
  std::thread serving([&http] { http.Run(); });
  const std::string host = listen->first.find(':') != std::string::npos
                               ? "[" + listen->first + "]"
                               : listen->first;
  log("tidemark serve: listening on http://" + host + ":" +
      std::to_string(http.port()) + "/ (dashboard" +
      (web_root.empty() ? " not installed" : "") + "), API at /api/v1, " +
      (state.settings.tokens.empty()
           ? "no tokens (loopback only)"
           : std::to_string(config.tokens.size()) + " tokens") +
      "; catalog " + ctx.db_display() + "; " + (*daemon)->Describe());
  {
    std::unique_lock<std::mutex> lock(stop_mu);
    stop_cv.wait(lock, [&] { return stop; });
  }
  hub.Close();
  http.Stop();
  serving.join();
  jobs.Stop();
  webhooks.Stop();
  (*daemon)->manager().Stop();
  log("stopped");
  return cli::ExitCode::kOk;
}

}  // namespace

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

void RegisterServeCommand(CLI::App& app, cli::CliContext& ctx,
                          cli::Runners& runners) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Run the daemon with the HTTP API (/api/v1), live events and the web "
      "dashboard (docs/API.md)");
  serve->add_option("--listen", flags->listen,
                    "HOST:PORT to listen on (default 127.0.0.1:8080, or "
                    "[serve] listen)");
  serve->add_option("--web-root", flags->web_root,
                    "The dashboard's folder (default: installed beside the "
                    "binary)");
  serve->add_flag("--print-routes", flags->print_routes,
                  "Print the routes (method, path template, role) as JSON "
                  "and exit, without listening or starting the daemon");
  serve->add_option("names", flags->daemon.names,
                    "Repositories the daemon watches (default: all)");
  cli::AddDaemonFlags(serve, &flags->daemon);
  runners.emplace_back(serve, [&ctx, flags] { return RunServe(ctx, *flags); });
}

}  // namespace tidemark::api
