#include "server/guarded_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tidemark::server {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kJsonType = "application/json; charset=utf-8";

int ToMillis(time_t sec, time_t usec) {
  return static_cast<int>(sec * 1000 + usec / 1000);
}

// poll() for `events` on one socket, up to `timeout_ms`: > 0 ready (or
// hung up, which the read that follows sees), 0 timed out, < 0 failed.
int PollFor(int sock, short events, int timeout_ms) {
  pollfd p{sock, events, 0};
  while (true) {
    const int n = ::poll(&p, 1, std::max(timeout_ms, 0));
    if (n >= 0 || errno != EINTR) return n;
  }
}

// A socket as httplib's Stream, with a read buffer (httplib reads a header
// one byte at a time) and, while a request's header is being read, a
// deadline for all of it on top of the timeout of each read.
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(int sock, int read_timeout_ms, int write_timeout_ms)
      : sock_(sock),
        read_timeout_ms_(read_timeout_ms),
        write_timeout_ms_(write_timeout_ms) {}

  bool is_readable() const override {
    return begin_ < end_ || PollFor(sock_, POLLIN, read_timeout_ms_) > 0;
  }
  // As httplib's: a client that closed its side (an event stream's client
  // gone) takes no more, so a stream ends at its next write.
  bool is_writable() const override {
    return PollFor(sock_, POLLOUT, write_timeout_ms_) > 0 && PeerOpen();
  }

  ssize_t read(char* ptr, size_t size) override {
    if (begin_ == end_) {
      const ssize_t filled = Fill();
      if (filled <= 0) return filled;
    }
    const size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do {
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n > 0) written_ += static_cast<size_t>(n);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    Address(::getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    Address(::getsockname, ip, port);
  }
  socket_t socket() const override { return sock_; }

  // Waits up to `idle` for the next request to start (a byte, or the
  // client closing), looking at `stopping` every 50 ms. False when it did
  // not start.
  bool WaitForRequest(milliseconds idle,
                      const std::function<bool()>& stopping) {
    if (begin_ < end_) return true;
    const Clock::time_point until = Clock::now() + idle;
    while (!stopping()) {
      const int ready = PollFor(sock_, POLLIN, 50);
      if (ready != 0) return ready > 0;
      if (Clock::now() >= until) return false;
    }
    return false;
  }

  // A deadline for the reads of a request's header, then of its body.
  void StartHeader(Clock::time_point deadline) {
    deadline_ = deadline;
    timed_out_ = false;
    reading_body_ = false;
  }
  void StartBody(Clock::time_point deadline) {
    deadline_ = deadline;
    reading_body_ = true;
  }
  void EndDeadline() { deadline_.reset(); }
  bool timed_out() const { return timed_out_; }
  bool body_timed_out() const { return timed_out_ && reading_body_; }
  size_t written() const { return written_; }

 private:
  // False once the client has closed (or reset) the connection.
  bool PeerOpen() const {
    if (PollFor(sock_, POLLIN, 0) <= 0) return true;
    char byte;
    const ssize_t n = ::recv(sock_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
                               errno == EINTR));
  }

  // Reads what the socket has into the buffer: > 0 bytes, 0 the client
  // closed, -1 a timeout (of this read, or of the header) or an error.
  ssize_t Fill() {
    int wait_ms = read_timeout_ms_;
    if (deadline_) {
      const auto left =
          std::chrono::ceil<milliseconds>(*deadline_ - Clock::now());
      if (left.count() <= 0) {
        timed_out_ = true;
        return -1;
      }
      wait_ms = std::min<int64_t>(wait_ms, left.count());
    }
    if (PollFor(sock_, POLLIN, wait_ms) <= 0) {
      if (deadline_ && Clock::now() >= *deadline_) timed_out_ = true;
      return -1;
    }
    ssize_t n;
    do {
      n = ::recv(sock_, buffer_, sizeof(buffer_), 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return n;
    begin_ = 0;
    end_ = static_cast<size_t>(n);
    return n;
  }

  template <typename GetName>
  void Address(GetName get_name, std::string& ip, int& port) const {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (get_name(sock_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return;
    }
    char host[NI_MAXHOST];
    if (::getnameinfo(reinterpret_cast<sockaddr*>(&address), length, host,
                      sizeof(host), nullptr, 0, NI_NUMERICHOST) == 0) {
      ip = host;
    }
    if (address.ss_family == AF_INET) {
      port = ntohs(reinterpret_cast<sockaddr_in&>(address).sin_port);
    } else if (address.ss_family == AF_INET6) {
      port = ntohs(reinterpret_cast<sockaddr_in6&>(address).sin6_port);
    }
  }

  const int sock_;
  const int read_timeout_ms_;
  const int write_timeout_ms_;
  char buffer_[4096];
  size_t begin_ = 0;
  size_t end_ = 0;
  size_t written_ = 0;
  std::optional<Clock::time_point> deadline_;
  bool timed_out_ = false;
  bool reading_body_ = false;
};

// The least rate at which a body must arrive once its header is in: a
// body of N bytes may take the header deadline plus N / kMinBodyRate
// seconds. A client trickling a byte every few seconds would otherwise
// hold a pool thread for as long as it liked (httplib's timeout is per
// recv).
constexpr int64_t kMinBodyBytesPerSecond = 16 * 1024;

// The connection this thread serves, for the handlers httplib calls while
// it serves one of its requests.
struct Connection {
  GuardedStream& stream;
  std::optional<HttpError> refusal;  // of the request in progress
};
thread_local Connection* current = nullptr;

void WriteRefusal(const HttpError& error, const httplib::Request& req,
                  httplib::Response& res) {
  res.status = error.status;
  res.set_content(ErrorBody(error), kJsonType);
  // Its body (if any) stays unread: the connection ends with this answer
  // (httplib says so itself when the client asked for it).
  if (req.get_header_value("Connection") != "close") {
    res.set_header("Connection", "close");
  }
}

// A whole answer, for when httplib has none in progress.
std::string RawAnswer(const HttpError& error, const char* reason,
                      const std::string& extra_headers) {
  const std::string body = ErrorBody(error);
  return "HTTP/1.1 " + std::to_string(error.status) + " " + reason +
         "\r\nContent-Type: " + kJsonType +
         "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

void WriteAll(httplib::Stream& stream, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = stream.write(data.data() + done, data.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

GuardedServer::GuardedServer(Limits limits, HeaderCheck check,
                             RefusalObserver observe)
    : limits_(limits),
      check_(std::move(check)),
      observe_(std::move(observe)),
      gate_(limits.connections_per_address) {
  set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (current == nullptr || !current->refusal) {
          return HandlerResponse::Unhandled;
        }
        observe_(*current->refusal);
        WriteRefusal(*current->refusal, req, res);
        return HandlerResponse::Handled;
      });
  // A client that waits for "100 Continue" before sending its body gets
  // the refusal instead, and sends nothing.
  set_expect_100_continue_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (current == nullptr || !current->refusal) return 100;
        observe_(*current->refusal);
        WriteRefusal(*current->refusal, req, res);
        return current->refusal->status;
      });
}

bool GuardedServer::HeaderTimedOut() {
  return current != nullptr && current->stream.timed_out();
}

HttpError GuardedServer::HeaderTimeout() const {
  if (current != nullptr && current->stream.body_timed_out()) {
    return HttpError{
        408, "request_timeout",
        "the request body did not arrive whole in time: a body may take " +
            std::to_string(limits_.header_timeout.count()) +
            " ms ([serve] header_timeout_ms) plus one second per " +
            std::to_string(kMinBodyBytesPerSecond / 1024) +
            " KiB; send it faster"};
  }
  return HttpError{408, "request_timeout",
                   "the request header did not arrive whole within " +
                       std::to_string(limits_.header_timeout.count()) +
                       " ms ([serve] header_timeout_ms); send it at once"};
}

void GuardedServer::RefuseBusy(socket_t sock, const std::string& peer) {
  const HttpError busy{
      503, "unavailable",
      "this client address (" + peer + ") already has " +
          std::to_string(gate_.per_address()) +
          " connections open, the most one client may have ([serve] "
          "connections_per_address); close one, or retry"};
  observe_(busy);
  GuardedStream stream(sock, 0,
                       ToMillis(write_timeout_sec_, write_timeout_usec_));
  WriteAll(stream,
           RawAnswer(busy, "Service Unavailable", "Retry-After: 1\r\n"));
  ::shutdown(sock, SHUT_WR);
  // What the client already sent is read and dropped, so that closing does
  // not reset the connection before the answer reaches it. Nothing is
  // waited for: a refused client must not hold the thread.
  char sink[4096];
  while (::recv(sock, sink, sizeof(sink), MSG_DONTWAIT) > 0) {
  }
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  ::getpeername(sock, reinterpret_cast<sockaddr*>(&address), &length);
  const std::string peer = PeerKey(address);
  bool ok = true;
  if (!gate_.Enter(peer)) {
    RefuseBusy(sock, peer);
  } else {
    GuardedStream stream(sock, ToMillis(read_timeout_sec_, read_timeout_usec_),
                         ToMillis(write_timeout_sec_, write_timeout_usec_));
    Connection connection{stream, std::nullopt};
    current = &connection;
    const milliseconds idle(keep_alive_timeout_sec_ * 1000);
    auto stopping = [this] { return svr_sock_ == INVALID_SOCKET; };
    for (size_t left = keep_alive_max_count_; left > 0; --left) {
      if (!stream.WaitForRequest(idle, stopping)) break;
      connection.refusal.reset();
      stream.StartHeader(Clock::now() + limits_.header_timeout);
      const size_t written = stream.written();
      bool client_closes = false;
      ok = process_request(
          stream, left == 1, client_closes,
          [this, &stream, &connection](httplib::Request& request) {
            stream.EndDeadline();
            if (check_) connection.refusal = check_(request);
            if (connection.refusal) return;
            const uint64_t length =
                request.get_header_value<uint64_t>("Content-Length");
            if (length > 0) {
              stream.StartBody(Clock::now() + limits_.header_timeout +
                               milliseconds(static_cast<int64_t>(
                                   length * 1000 / kMinBodyBytesPerSecond)));
            }
          });
      stream.EndDeadline();
      if (stream.timed_out()) {
        // httplib answers a header cut short with 400 (which the error
        // handler turns into the 408), but a request line cut short with
        // nothing.
        if (stream.written() == written) {
          const HttpError timeout = HeaderTimeout();
          observe_(timeout);
          WriteAll(stream, RawAnswer(timeout, "Request Timeout", ""));
        }
        break;
      }
      if (!ok || client_closes || connection.refusal) break;
    }
    current = nullptr;
    gate_.Leave(peer);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace tidemark::server
