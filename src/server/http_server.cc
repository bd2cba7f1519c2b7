#include "server/http_server.h"

#include <httplib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "server/body_framing.h"
#include "server/guarded_server.h"
#include "server/query_params.h"

namespace tidemark::server {
namespace {

std::string NameList(const std::set<std::string>& names) {
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  return list;
}

HttpError Undeclared(const std::string& code, const std::string& what,
                     const std::string& name, const std::string& where,
                     const std::set<std::string>& known) {
  HttpError error =
      BadRequest("unknown " + what + " '" + name.substr(0, 64) + "' " + where +
                 (known.empty() ? std::string("; it takes none")
                                : "; it takes: " + NameList(known)) +
                 ". Nothing was done");
  error.code = code;
  return error;
}

// The first key that one object of JSON `text` has twice, at any depth
// (nullopt when none, or when `text` is not JSON: that is the handler's to
// refuse). nlohmann keeps the last of two, a proxy or an audit log may
// read the first: {"dry_run": true, "dry_run": false} must not run.
std::optional<std::string> FieldGivenTwice(const std::string& text) {
  std::vector<std::set<std::string>> open_objects;
  std::optional<std::string> twice;
  auto callback = [&](int /*depth*/, nlohmann::json::parse_event_t event,
                      nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      open_objects.emplace_back();
    } else if (event == Event::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == Event::key && !open_objects.empty() && !twice &&
               parsed.is_string()) {
      if (!open_objects.back().insert(parsed.get<std::string>()).second) {
        twice = parsed.get<std::string>();
      }
    }
    return true;
  };
  const nlohmann::json parsed = nlohmann::json::parse(text, callback, false);
  (void)parsed;
  return twice;
}

// 400 naming the first query parameter, or top-level field of a JSON
// object body, that the route does not take, with the ones it does.
std::optional<HttpError> UndeclaredInput(const ApiRequest& api_request,
                                         const std::string& route,
                                         const DeclaredInputs& inputs) {
  const httplib::Request& request = api_request.http;
  const std::string where = "for " + request.method + " " + route;
  for (const auto& [name, value] : api_request.query_pairs) {
    if (inputs.query.contains(name) || name == "access_token") continue;
    return Undeclared("unknown_parameter", "query parameter", name, where,
                      inputs.query);
  }
  if (inputs.json_fields && !request.body.empty()) {
    if (auto twice = FieldGivenTwice(request.body)) {
      return BadRequest("field '" + twice->substr(0, 64) +
                        "' is given twice in the body " + where +
                        "; give it once. Nothing was done");
    }
    // A body that is not a JSON object is the handler's to refuse.
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_object()) {
      for (const auto& [name, value] : body.items()) {
        if (inputs.json_fields->contains(name)) continue;
        return Undeclared("unknown_field", "field", name,
                          "in the body " + where, *inputs.json_fields);
      }
    }
  }
  return std::nullopt;
}

// "/a/{name}/b/{path*}" -> "/a/([^/]+)/b/(.+)" and {"name", "path"}.
std::pair<std::string, std::vector<std::string>> CompileTemplate(
    const std::string& path) {
  std::string regex;
  std::vector<std::string> names;
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '{') {
      const size_t close = path.find('}', i);
      std::string name = path.substr(i + 1, close - i - 1);
      const bool rest = !name.empty() && name.back() == '*';
      if (rest) name.pop_back();
      names.push_back(name);
      regex += rest ? "(.+)" : "([^/]+)";
      i = close;
    } else if (std::string_view(".+*?^$()[]|\\").find(c) !=
               std::string_view::npos) {
      regex += '\\';
      regex += c;
    } else {
      regex += c;
    }
  }
  return {regex, names};
}

const std::string kEmpty;

// httplib compresses an answer whose type is exactly "application/json"
// whenever the client accepts br, with brotli at its highest quality, on
// every request: 31 s for the 7.8 MB car list of 1,000 cars. With the
// charset parameter, which docs/API.md promises anyway, it does not match.
std::string ContentType(const std::string& type) {
  return type == "application/json" ? "application/json; charset=utf-8" : type;
}

}  // namespace

const std::string& ApiRequest::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

bool ApiRequest::has_query(const std::string& name) const {
  return query_count(name) > 0;
}

size_t ApiRequest::query_count(const std::string& name) const {
  size_t count = 0;
  for (const auto& pair : query_pairs) count += pair.first == name;
  return count;
}

std::string ApiRequest::query(const std::string& name,
                              const std::string& fallback) const {
  for (const auto& [key, value] : query_pairs) {
    if (key == name) return value;
  }
  return fallback;
}

std::string ApiRequest::header(const std::string& name) const {
  return http.get_header_value(name.c_str());
}

const std::string& ApiRequest::body() const { return http.body; }

ApiReply JsonReply(const nlohmann::json& body, int status) {
  return JsonTextReply(
      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
      status);
}

ApiReply JsonTextReply(std::string body, int status) {
  ApiReply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

HttpServer::HttpServer(HttpServerOptions options, Metrics& metrics)
    : options_(std::move(options)), metrics_(metrics) {
  server_ = std::make_unique<GuardedServer>(
      GuardedServer::Limits{options_.header_timeout,
                            options_.connections_per_address},
      [this](httplib::Request& request) { return CheckHeader(request); },
      [this](const HttpError& refused) { metrics_.RecordError(refused.code); });
  const size_t threads = options_.threads;
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  server_->set_payload_max_length(options_.max_body_bytes);
  // httplib writes the headers and the body of an answer in two sends;
  // with Nagle's algorithm the second waits for the client's delayed ACK
  // of the first, 40 ms per request on a keep-alive connection.
  server_->set_tcp_nodelay(true);
  // Instead of httplib's default, which sets SO_REUSEPORT: that would let a
  // second server bind the same port and take half its connections, where
  // Bind should say the port is taken. Notes the listening socket.
  server_->set_socket_options([this](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (binding_) listen_fd_ = sock;
  });
  server_->set_keep_alive_max_count(10000);
  // An idle keep-alive connection holds a pool thread, and Stop waits for
  // it: keep the wait short.
  server_->set_keep_alive_timeout(2);
  // Answers httplib made itself (no route, a header that could not be
  // read) get the JSON error body too; answers that have a body keep it.
  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        HttpError e;
        if (GuardedServer::HeaderTimedOut()) {
          e = server_->HeaderTimeout();
        } else if (res.status == 413) {
          e = PayloadTooLarge("the request body is larger than the limit of " +
                              std::to_string(options_.max_body_bytes) +
                              " bytes ([serve] max_body_bytes)");
        } else if (res.status == 404) {
          e = NotFoundError("no route for " + req.method + " " + req.path +
                            "; see /api/v1/openapi.json");
        } else if (res.status >= 400 && res.status < 500) {
          // What httplib refuses before any route sees it: a method it
          // does not serve, a malformed request line or header, a body
          // that ended before its Content-Length.
          e = BadRequest("the request could not be read (" + req.method + " " +
                         req.path +
                         "): check the method and the headers, and that the "
                         "body is as long as its Content-Length; see "
                         "/api/v1/openapi.json");
        } else {
          e = HttpError{500, "internal", "the request could not be served"};
        }
        metrics_.RecordError(e.code);
        WriteError(e, res);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server_->set_exception_handler([](const httplib::Request&,
                                    httplib::Response& res,
                                    std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    WriteError({500, "internal", "internal error: " + what}, res);
  });
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::WriteError(const HttpError& error, httplib::Response& res) {
  res.status = error.status;
  res.set_content(ErrorBody(error), ContentType("application/json"));
}

std::variant<Role, HttpError> HttpServer::Authorize(
    const std::string& authorization_header,
    const std::vector<std::pair<std::string, std::string>>& query,
    Role need) const {
  std::string authorization = authorization_header;
  // EventSource cannot send headers: the token may come as a parameter.
  if (authorization.empty()) {
    for (const auto& [name, value] : query) {
      if (name == "access_token") {
        authorization = "Bearer " + value;
        break;
      }
    }
  }
  if (need == Role::kPublic && authorization.empty()) return Role::kPublic;
  auto role = options_.tokens.Authenticate(authorization);
  if (auto* error = std::get_if<HttpError>(&role)) return *error;
  if (!Allowed(std::get<Role>(role), need)) {
    return RoleRefusal(std::get<Role>(role), need);
  }
  return std::get<Role>(role);
}

std::optional<HttpError> HttpServer::Admit(ApiRequest& request,
                                           Role need) const {
  auto role =
      Authorize(request.header("Authorization"), request.query_pairs, need);
  if (auto* error = std::get_if<HttpError>(&role)) return *error;
  request.role = std::get<Role>(role);
  return std::nullopt;
}

std::optional<HttpError> HttpServer::CheckHeader(
    httplib::Request& request) const {
  FramingFields fields;
  fields.method = request.method;
  for (auto [name, list] :
       {std::pair{"Content-Length", &fields.content_length},
        std::pair{"Transfer-Encoding", &fields.transfer_encoding},
        std::pair{"Content-Encoding", &fields.content_encoding}}) {
    auto [begin, end] = request.headers.equal_range(name);
    for (auto it = begin; it != end; ++it) list->push_back(it->second);
  }
  auto framing = CheckFraming(fields, options_.max_body_bytes);
  if (auto* refused = std::get_if<HttpError>(&framing)) return *refused;
  const Framing& body = std::get<Framing>(framing);
  const RoutePattern* route = nullptr;
  for (const RoutePattern& pattern : patterns_) {
    if (pattern.method == request.method &&
        std::regex_match(request.path, pattern.regex)) {
      route = &pattern;
      break;
    }
  }
  if (route != nullptr && !body.length_given &&
      route->body == Body::kRequired) {
    return LengthRequired(request.method, request.path);
  }
  if (route == nullptr && body.length > 0) {
    // Nothing here takes it: said before the body is read, not after.
    return NotFoundError("no route for " + request.method + " " + request.path +
                         "; see /api/v1/openapi.json");
  }
  if (route != nullptr && body.length > 0) {
    auto role = Authorize(request.get_header_value("Authorization"),
                          ParseQueryString(request.target), route->need);
    if (auto* error = std::get_if<HttpError>(&role)) return *error;
  }
  // One Content-Length in plain digits: httplib reads exactly that many
  // bytes (none when there was no Content-Length; it would read to the end
  // of the connection), and refuses a body that ends sooner.
  request.headers.erase("Content-Length");
  request.set_header("Content-Length", std::to_string(body.length));
  return std::nullopt;
}

void HttpServer::Answer(const std::string& route, ApiResult& result,
                        httplib::Response& res) const {
  if (const auto* error = std::get_if<HttpError>(&result)) {
    metrics_.RecordError(error->code);
    WriteError(*error, res);
    return;
  }
  ApiReply& reply = std::get<ApiReply>(result);
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  if (reply.shared_body != nullptr) {
    // Written to the socket from the shared buffer, which the provider
    // keeps alive until httplib is done with it.
    std::shared_ptr<const std::string> body = std::move(reply.shared_body);
    const size_t size = body->size();
    res.set_content_provider(
        size, ContentType(reply.content_type),
        [body](size_t offset, size_t length, httplib::DataSink& sink) {
          return sink.write(body->data() + offset, length);
        });
  } else {
    // Moved, not copied (httplib's set_content copies).
    res.body = std::move(reply.body);
    res.set_header("Content-Type", ContentType(reply.content_type));
  }
  (void)route;
}

void HttpServer::Route(const std::string& method, const std::string& path,
                       Role need, Handler handler, Body body) {
  RawRoute(
      method, path, need,
      [this, path, handler = std::move(handler)](const ApiRequest& request,
                                                 httplib::Response& res) {
        ApiResult result = [&]() -> ApiResult {
          try {
            return handler(request);
          } catch (const std::exception& e) {
            return HttpError{500, "internal",
                             std::string("internal error: ") + e.what()};
          }
        }();
        Answer(path, result, res);
      },
      body);
}

void HttpServer::RawRoute(const std::string& method, const std::string& path,
                          Role need, RawHandler handler, Body body) {
  routes_.push_back({method, path, need});
  auto [regex, names] = CompileTemplate(path);
  patterns_.push_back({method, std::regex(regex), need, body});
  std::optional<DeclaredInputs> inputs;
  if (options_.declared_inputs) {
    std::string declared = path;
    std::erase(declared, '*');
    inputs = options_.declared_inputs(method, declared);
  }
  httplib::Server::Handler fn = [this, method, path, names = names, need,
                                 inputs = std::move(inputs),
                                 handler = std::move(handler)](
                                    const httplib::Request& req,
                                    httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    ApiRequest request{req, {}, Role::kPublic, ParseQueryString(req.target)};
    for (size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i) {
      request.params[names[i]] = req.matches[i + 1].str();
    }
    std::optional<HttpError> refused = Admit(request, need);
    if (!refused &&
        req.body.size() != req.get_header_value<uint64_t>("Content-Length")) {
      // CheckHeader gave every request one Content-Length, and httplib
      // refuses a body that ends before it; checked again here because a
      // body cut short must never reach a handler that writes it.
      refused = BadRequest("the body has " + std::to_string(req.body.size()) +
                           " bytes where Content-Length says " +
                           req.get_header_value("Content-Length") +
                           "; nothing was done");
    }
    if (!refused && inputs) refused = UndeclaredInput(request, path, *inputs);
    if (refused) {
      metrics_.RecordError(refused->code);
      WriteError(*refused, res);
    } else {
      handler(request, res);
    }
    const std::chrono::duration<double> took =
        std::chrono::steady_clock::now() - start;
    metrics_.RecordRequest(method + " " + path, res.status, took.count());
  };
  if (method == "GET") {
    server_->Get(regex, fn);
  } else if (method == "POST") {
    server_->Post(regex, fn);
  } else if (method == "PUT") {
    server_->Put(regex, fn);
  } else if (method == "DELETE") {
    server_->Delete(regex, fn);
  } else if (method == "PATCH") {
    server_->Patch(regex, fn);
  }
}

Status HttpServer::ServeStatic(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(
        "the dashboard folder '" + dir +
        "' does not exist; build it with scripts/build-web.sh or point "
        "--web-root at it");
  }
  if (!server_->set_mount_point("/", dir)) {
    return Status::InvalidArgument("cannot serve the dashboard folder '" + dir +
                                   "'");
  }
  return Status::Ok();
}

Status HttpServer::Bind(const std::string& host, int port) {
  binding_ = true;
  listen_fd_ = -1;
  if (port == 0) {
    port_ = server_->bind_to_any_port(host.c_str());
  } else {
    port_ = server_->bind_to_port(host.c_str(), port) ? port : -1;
  }
  binding_ = false;
  if (port_ <= 0) {
    port_ = 0;
    return Status::Unavailable(
        port == 0 ? "cannot listen on " + host +
                        ": no free port, or not a local address"
                  : "cannot listen on " + host + ":" + std::to_string(port) +
                        ": the port is taken or the address is not this "
                        "machine's; pick another with --listen HOST:PORT");
  }
  // Debian's httplib (0.11) listens with a backlog of 5: past 5 connections
  // waiting to be accepted, the kernel drops new SYNs and clients retry
  // after 1 s, then 3 s (64 clients connecting at once saw seconds of
  // latency). Listening again on the bound socket raises the backlog.
  if (listen_fd_ < 0 || ::listen(listen_fd_, kListenBacklog) != 0) {
    return Status::Internal("cannot raise the listen backlog on " + host + ":" +
                            std::to_string(port_) + ": " +
                            std::strerror(errno));
  }
  return Status::Ok();
}

void HttpServer::Run() { server_->listen_after_bind(); }

void HttpServer::Stop() {
  if (server_ && server_->is_running()) server_->stop();
}

}  // namespace tidemark::server
