// HttpServer: tidemark's HTTP front, on cpp-httplib. Routes are declared
// with a path template ("/api/v1/repositories/{name}/files/{path*}"), the
// role they need and a handler that returns a reply or an HttpError. The
// server authenticates each request (auth.h), answers errors as JSON
// {error, code}, limits request bodies (413), records every answer in the
// Metrics, and serves a static folder (the dashboard) at "/".
//
// Owns the httplib server and its thread pool; borrows the Metrics, which
// must outlive it. Declare routes before Listen; after that the route table
// is read-only, and handlers run concurrently on the pool's threads.
#ifndef TIDEMARK_SERVER_HTTP_SERVER_H_
#define TIDEMARK_SERVER_HTTP_SERVER_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"
#include "server/auth.h"
#include "server/http_error.h"
#include "server/metrics.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace tidemark::server {

class GuardedServer;

struct ApiRequest {
  const httplib::Request& http;
  std::map<std::string, std::string> params;  // from the path template
  Role role = Role::kPublic;
  // The query string's pairs in order (ParseQueryString), never a form
  // body's: httplib merges an x-www-form-urlencoded body into its params,
  // which would read an uploaded file's bytes as parameters.
  std::vector<std::pair<std::string, std::string>> query_pairs;

  const std::string& param(const std::string& name) const;
  bool has_query(const std::string& name) const;
  size_t query_count(const std::string& name) const;
  std::string query(const std::string& name,
                    const std::string& fallback = "") const;
  std::string header(const std::string& name) const;
  const std::string& body() const;
};

struct ApiReply {
  int status = 200;
  std::string body;
  // When set, sent instead of `body`, straight from this buffer: a kept
  // answer (api::ResponseCache) goes out without being copied.
  std::shared_ptr<const std::string> shared_body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

using ApiResult = std::variant<ApiReply, HttpError>;
using Handler = std::function<ApiResult(const ApiRequest&)>;
// For streams (SSE): writes the httplib response itself.
using RawHandler =
    std::function<void(const ApiRequest&, httplib::Response& response)>;

// A JSON reply.
ApiReply JsonReply(const nlohmann::json& body, int status = 200);
// A JSON reply whose text the caller wrote (cli::JsonWriter).
ApiReply JsonTextReply(std::string body, int status = 200);

// The inputs a route takes. A request with any other query parameter is
// 400 `unknown_parameter`, and a JSON object body with any other top-level
// field is 400 `unknown_field`, so a typo ("dryrun=true") is never ignored
// into the real write. `access_token` (auth.h) is taken everywhere.
struct DeclaredInputs {
  std::set<std::string> query;
  std::optional<std::set<std::string>> json_fields;  // nullopt: not checked
};

struct HttpServerOptions {
  size_t max_body_bytes = 64 << 20;
  size_t threads = 32;
  TokenTable tokens;
  // The most time a request's whole header may take to arrive (408 past
  // it), and the most connections one client address may have open (503
  // past it).
  std::chrono::milliseconds header_timeout{10'000};
  size_t connections_per_address = 16;
  // What each route takes (METHOD and path template, "*" left out:
  // "/files/{path}"), see DeclaredInputs. Routes it has no answer for take
  // anything.
  std::function<std::optional<DeclaredInputs>(const std::string& method,
                                              const std::string& path)>
      declared_inputs;
};

// Whether a route needs a request body: a request for it without
// Content-Length is answered 411 instead of being taken as empty.
enum class Body { kOptional, kRequired };

// One declared route, for the OpenAPI test and the docs.
struct RouteInfo {
  std::string method;
  std::string path;  // the template
  Role role;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Metrics& metrics);
  ~HttpServer();

  void Route(const std::string& method, const std::string& path, Role need,
             Handler handler, Body body = Body::kOptional);
  void RawRoute(const std::string& method, const std::string& path, Role need,
                RawHandler handler, Body body = Body::kOptional);
  // Serves the files under `dir` at "/" (index.html for "/"). InvalidArgument
  // naming the folder when it does not exist.
  Status ServeStatic(const std::string& dir);

  // Binds host:port (port 0 picks a free one). Unavailable naming the
  // address when it is taken or not local. Connections queue up to
  // kListenBacklog deep until the server accepts them.
  Status Bind(const std::string& host, int port);
  static constexpr int kListenBacklog = 1024;
  int port() const { return port_; }
  // Serves until Stop; blocks.
  void Run();
  void Stop();

  const std::vector<RouteInfo>& routes() const { return routes_; }

  // Writes `error` as the JSON {error, code} answer: for raw handlers that
  // refuse a request before they stream.
  static void WriteError(const HttpError& error, httplib::Response& response);

 private:
  struct Matched;
  struct RoutePattern {
    std::string method;
    std::regex regex;
    Role need;
    Body body;
  };
  // Authenticates and authorizes; fills `request.role` or returns the error.
  std::optional<HttpError> Admit(ApiRequest& request, Role need) const;
  // The role of the bearer token of a request (Authorization, or the
  // access_token query parameter) if it may use a route that needs `need`.
  std::variant<Role, HttpError> Authorize(
      const std::string& authorization,
      const std::vector<std::pair<std::string, std::string>>& query,
      Role need) const;
  // Checks the header of `request` before any of its body is read: frames
  // the body (body_framing.h: a request without Content-Length gets
  // "Content-Length: 0", so httplib reads no body, unless its route needs
  // one, 411), and for a request that has a body, authenticates and
  // authorizes it, so a client without the right token cannot make the
  // server read (and wait for) its body. The error is the answer.
  std::optional<HttpError> CheckHeader(httplib::Request& request) const;
  void Answer(const std::string& route, ApiResult& result,
              httplib::Response& response) const;

  HttpServerOptions options_;
  Metrics& metrics_;
  std::unique_ptr<GuardedServer> server_;
  std::vector<RouteInfo> routes_;
  // Every route's method, path regex, role and body need, in the order
  // httplib matches them.
  std::vector<RoutePattern> patterns_;
  int port_ = 0;
  // The listening socket, noted while Bind creates it (httplib calls the
  // socket options hook from inside bind; Bind runs before Run's threads).
  bool binding_ = false;
  int listen_fd_ = -1;
};

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_HTTP_SERVER_H_
