// GuardedServer: cpp-httplib's Server with its connection loop replaced, for
// the defences httplib 0.11 does not have:
//   - a deadline for the whole header of each request, and then for its
//     body (the header's deadline again plus a second per 16 KiB): httplib's
//     read timeout applies to each recv, so a client sending a byte every
//     few seconds held a pool thread for as long as it liked (40 of them
//     kept /healthz waiting 37 s); past the deadline the client gets 408
//     and the connection is closed;
//   - at most N connections at once per client address (ConnectionGate):
//     the others are answered 503 before anything of theirs is read;
//   - a check of each request's header before its body is read
//     (HeaderCheck, the body framing): a refusal is answered without
//     reading the body (also to "Expect: 100-continue") and closes the
//     connection, so unread bytes are never taken as a next request.
// Parsing, routing, handlers and answers stay httplib's, through its
// protected process_request. The guard owns the pre-routing and the
// 100-continue handlers; the caller must not set them.
//
// Thread-safety: as httplib::Server. Each connection is served on one pool
// thread, which holds that connection's state.
#ifndef TIDEMARK_SERVER_GUARDED_SERVER_H_
#define TIDEMARK_SERVER_GUARDED_SERVER_H_

#include <httplib.h>

#include <chrono>
#include <functional>
#include <optional>

#include "server/connection_gate.h"
#include "server/http_error.h"

namespace tidemark::server {

class GuardedServer final : public httplib::Server {
 public:
  struct Limits {
    std::chrono::milliseconds header_timeout{10'000};
    size_t connections_per_address = 16;
  };
  // Runs when a request's header is in, before any of its body is read; it
  // may change the request (to frame its body). An error it returns is the
  // answer.
  using HeaderCheck =
      std::function<std::optional<HttpError>(httplib::Request& request)>;
  // Told of each refusal the guard answers itself (for the metrics).
  using RefusalObserver = std::function<void(const HttpError& error)>;

  GuardedServer(Limits limits, HeaderCheck check, RefusalObserver observe);

  // For httplib's error handler, on the thread that serves the request:
  // whether the request's header or body missed its deadline, and the 408
  // to answer then.
  static bool HeaderTimedOut();
  HttpError HeaderTimeout() const;

 private:
  bool process_and_close_socket(socket_t sock) override;
  // The 503 of a connection over the per-address limit, written to the
  // socket directly.
  void RefuseBusy(socket_t sock, const std::string& peer);

  const Limits limits_;
  HeaderCheck check_;
  RefusalObserver observe_;
  ConnectionGate gate_;
};

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_GUARDED_SERVER_H_
