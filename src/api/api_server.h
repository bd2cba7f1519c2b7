// ApiServer: `tidemark serve` without its command line: the daemon
// (watching and schedules) together with the HTTP API under /api/v1, the
// seed routes (/api/cars, /admin/products), server-sent events, webhooks,
// /healthz, /readyz, /metrics and the dashboard at "/" (docs/API.md).
// src/cli/serve_command.cc parses the flags, handles signals and logs.
//
// Its life: ResolveListening checks where to listen, the tokens and the
// webhooks before the catalog is opened; Make builds the server over an
// open app::Context (no thread runs yet); Bind takes the address; Start
// starts the daemon, the webhooks and the HTTP threads; Stop stops them
// (also on destruction). The Context must outlive it. Make, Bind, Start and
// Stop are called from one thread; the handlers run on the HTTP threads
// and share the (thread-safe) Context.
#ifndef TIDEMARK_API_API_SERVER_H_
#define TIDEMARK_API_API_SERVER_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/context.h"
#include "app/daemon_setup.h"
#include "app/serve_config.h"
#include "common/result.h"
#include "server/auth.h"

namespace tidemark::api {

// What `tidemark serve` was told besides the daemon's flags; "" leaves
// each to [serve] (and the web root to the dashboard beside the binary).
struct ServeOptions {
  std::string listen;    // --listen HOST:PORT
  std::string web_root;  // --web-root
};

// Where and to whom the server answers, checked before anything else.
struct Listening {
  std::string host;                    // as given ("::1" without brackets)
  int port = 0;                        // 0 picks a free one
  std::vector<std::string> addresses;  // what the host resolves to
  server::TokenTable tokens;
};

// "HOST:PORT" ("[::1]:8080" for IPv6) split; InvalidArgument naming the
// value otherwise. Port 0 asks for a free port.
Result<std::pair<std::string, int>> ParseListen(const std::string& listen);

// The listen address, resolved, and the tokens. InvalidArgument for a
// malformed --listen, a token of an unknown role, tokens missing on an
// address that is not loopback (anyone could write), or a webhook URL that
// is refused (server/webhooks.h).
Result<Listening> ResolveListening(const app::ServeConfig& config,
                                   const ServeOptions& options);

class ApiServer {
 public:
  // Builds the server: the event hub and bridge, the daemon over
  // `daemon_options` (app::ResolveDaemonOptions of `daemon_flags`), the
  // job runner, the webhooks, the routes and the dashboard. `log` gets the
  // daemon's lines (from its threads, one at a time). Errors: the
  // daemon's (an unknown repository), a broken OpenAPI document, a web
  // root that cannot be served.
  static Result<std::unique_ptr<ApiServer>> Make(
      const app::Context& ctx, Listening listening, ServeOptions options,
      const app::DaemonFlags& daemon_flags, DaemonOptions daemon_options,
      DaemonLogFn log);
  ~ApiServer();

  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // {"routes": [{method, path, role}]}: the route table as the server
  // declared it (`serve --print-routes`, which the OpenAPI test compares).
  nlohmann::json RoutesJson() const;

  // Binds the first resolved address; Unavailable naming it when taken.
  Status Bind();
  // Starts the daemon, the webhooks and the HTTP threads.
  Status Start();
  // "listening on http://HOST:PORT/ (dashboard), API at /api/v1, N tokens;
  // catalog DB; debounce ..., reconciliation every ...", once bound.
  std::string Describe() const;
  // Stops accepting, closes the event streams, cancels the jobs and stops
  // the webhooks and the daemon. Idempotent.
  void Stop();

 private:
  struct Parts;
  explicit ApiServer(std::unique_ptr<Parts> parts);

  std::unique_ptr<Parts> parts_;
  std::thread serving_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace tidemark::api

#endif  // TIDEMARK_API_API_SERVER_H_
